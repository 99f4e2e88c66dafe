//! Drafts' paths and their documents' signatures.

use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::state::{Shared, Signature};

pub fn draft_path(account: Uuid, draft: Uuid) -> String {
    format!("/v1/{account}/drafts/{draft}")
}

/// A signature of the document at `base`, with the links send_report.rst and get_report.rst show:
/// a draft's signature links itself, its document and its draft; a docflow's links itself (whose
/// `href` is the content, as the vendor writes it) and its docflow.
pub fn render_signature(shared: &Shared, base: &str, sig: &Signature) -> Value {
    serde_json::to_value(SignatureView::new(shared, base, sig)).expect("a signature serializes")
}

/// A signature as [`render_signature`] shows it, serialized straight from its fields.
#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct SignatureView<'a> {
    id: Uuid,
    title: std::sync::Arc<str>,
    signature_certificate_thumbprint: std::sync::Arc<str>,
    content_link: SignatureLink<'static>,
    links: Vec<SignatureLink<'static>>,
    signer_type: &'a str,
}

#[derive(Serialize)]
pub(super) struct SignatureLink<'a> {
    rel: &'a str,
    href: String,
}

impl<'a> SignatureView<'a> {
    pub(super) fn new(shared: &Shared, base: &str, sig: &Signature) -> Self {
        let href = shared.url(&format!("{base}/signatures/{}", sig.id));
        let content = format!("{href}/content");
        let parent = shared.url(base.rsplit_once("/documents/").map_or(base, |(p, _)| p));
        let link = |rel, href| SignatureLink { rel, href };
        let links = if base.contains("/docflows/") {
            vec![link("self", content.clone()), link("docflow", parent)]
        } else {
            vec![
                link("self", href),
                link("document", shared.url(base)),
                link("draft", parent),
            ]
        };
        Self {
            id: sig.id,
            title: sig.title.clone(),
            signature_certificate_thumbprint: sig.thumbprint.clone(),
            content_link: link("content", content),
            links,
            signer_type: sig.signer_type,
        }
    }
}
