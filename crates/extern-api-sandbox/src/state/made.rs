//! Contents by id: stored ones, and those the sandbox makes again on each read from what their
//! docflow records (its own documents, their zipped and encrypted variants: see [`Made`] and
//! [`derived`]). One place resolves both, so every reader — downloads, signatures, decryption,
//! checks — sees the same bytes.

use std::borrow::Cow;

use uuid::Uuid;

use crate::formats::compression::Compression;
use crate::formats::own_documents::{operator_document, robot_document};
use crate::state::derived::{self, Variant};
use crate::state::{
    Content, Docflow, DocflowDocument, Made, Shared, Signature, SignatureBytes, Store,
};

impl Shared {
    /// The content `id`: stored, or made now from its docflow.
    pub fn content<'s>(&self, store: &'s Store, id: Uuid) -> Option<Cow<'s, Content>> {
        if let Some(c) = store.contents.get(&id) {
            return Some(Cow::Borrowed(c));
        }
        let (seq, index, variant) = derived::parse(id)?;
        let docflow = store.docflow_by_seq(seq)?;
        let doc = docflow.documents.get(index)?;
        let doc = doc.as_ref();
        let bytes = match variant {
            Variant::Plain => made_bytes(docflow, doc)?,
            Variant::Zipped => Compression::of(self.config.older_forms)
                .pack(&doc.filename, &self.document_bytes(store, docflow, doc)?)
                .ok()?,
            Variant::Sealed => {
                let sealed = doc.sealed.as_ref().filter(|s| s.content_id == id)?;
                let recipients = self.certificates_with_serials(store, &sealed.serials);
                let zipped = Compression::of(self.config.older_forms)
                    .pack(&doc.filename, &self.document_bytes(store, docflow, doc)?)
                    .ok()?;
                crate::pki::sealing::envelope_seeded(&recipients, &zipped, derived::seed(store, id))
                    .ok()??
                    .0
            }
        };
        Some(Cow::Owned(Content::from_bytes(docflow.account_id, bytes)))
    }

    /// The plain bytes of a docflow document, stored or made.
    pub fn document_bytes(
        &self,
        store: &Store,
        d: &Docflow,
        doc: &DocflowDocument,
    ) -> Option<Vec<u8>> {
        match doc.made {
            Made::Stored => store.contents.get(&doc.content_id)?.bytes().ok(),
            _ => made_bytes(d, doc),
        }
    }

    /// The certificates the sandbox knows (the inspection's, organizations' signers, cloud
    /// certificates) with these serial numbers, in their order: the recipients of an envelope.
    fn certificates_with_serials(&self, store: &Store, serials: &[String]) -> Vec<Vec<u8>> {
        let known = std::iter::once(self.inspection_encryption_certificate())
            .chain(store.signers.iter().map(|s| s.der.as_slice()))
            .chain(
                store
                    .cloud_certificates
                    .iter()
                    .map(|c| c.signer.certificate_der.as_slice()),
            );
        let mut found: Vec<Option<Vec<u8>>> = vec![None; serials.len()];
        for der in known {
            let Ok(info) = crate::pki::describe_certificate(der) else {
                continue;
            };
            if let Some(i) = serials.iter().position(|s| *s == info.serial_number) {
                found[i].get_or_insert_with(|| der.to_vec());
            }
        }
        found.into_iter().flatten().collect()
    }
}

impl DocflowDocument {
    /// Its signatures: those sent with it, or the sandbox's own, made now (same id, same bytes
    /// on every read: see [`Shared::signature_bytes`]).
    pub fn signatures(&self, shared: &Shared) -> Cow<'_, [Signature]> {
        match self.signed_by {
            None => Cow::Borrowed(&self.signatures),
            Some(by) => {
                let mut signature = shared.own_signature(
                    by,
                    SignatureBytes::Own {
                        by,
                        content_id: self.content_id,
                    },
                );
                signature.id = Uuid::new_v5(&self.id, b"signature");
                Cow::Owned(vec![signature])
            }
        }
    }
}

/// The bytes of a document the sandbox wrote itself; `None` for stored ones.
fn made_bytes(d: &Docflow, doc: &DocflowDocument) -> Option<Vec<u8>> {
    match doc.made {
        Made::Stored => None,
        Made::Operator { report } => {
            let report = match report {
                Some(i) => d.documents.get(i as usize)?.filename.clone(),
                None => String::new(),
            };
            Some(operator_document(&doc.filename, &report, doc.sent))
        }
        Made::Robot { knd } => {
            let report = d.documents.first()?;
            Some(robot_document(
                &doc.filename,
                knd.as_str(),
                &report.filename,
                &d.cu,
                doc.sent,
            ))
        }
    }
}
