//! Drafts' paths and their documents' signatures.

use serde_json::{Value, json};
use uuid::Uuid;

use crate::state::{Shared, Signature};

pub fn draft_path(account: Uuid, draft: Uuid) -> String {
    format!("/v1/{account}/drafts/{draft}")
}

/// A signature of the document at `base`, with the links send_report.rst and get_report.rst show:
/// a draft's signature links itself, its document and its draft; a docflow's links itself (whose
/// `href` is the content, as the vendor writes it) and its docflow.
pub fn render_signature(shared: &Shared, base: &str, sig: &Signature) -> Value {
    let href = shared.url(&format!("{base}/signatures/{}", sig.id));
    let content = format!("{href}/content");
    let parent = shared.url(base.rsplit_once("/documents/").map_or(base, |(p, _)| p));
    let links = if base.contains("/docflows/") {
        json!([{ "rel": "self", "href": content }, { "rel": "docflow", "href": parent }])
    } else {
        json!([
            { "rel": "self", "href": href },
            { "rel": "document", "href": shared.url(base) },
            { "rel": "draft", "href": parent },
        ])
    };
    json!({
        "id": sig.id,
        "title": sig.title,
        "signature-certificate-thumbprint": sig.thumbprint,
        "content-link": { "rel": "content", "href": content },
        "links": links,
        "signer-type": sig.signer_type,
    })
}
