//! Sealing documents for their recipients: the certificates an organization receives with,
//! and envelopes stored as contents (see [`crate::pki::sealing`] for the envelopes themselves).

use der::Decode;

use crate::pki::sealing::{OID_RSA, envelope, envelope_seeded, receives_gost};
use crate::state::{Sealed, Store};

/// The certificates of the organization with this INN (issued signers and cloud certificates)
/// that can receive an envelope: RSA ones, and GOST ones with the feature `gost`.
pub fn recipients(store: &Store, inn: &str) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    for s in store
        .signers
        .iter()
        .filter(|s| s.info.inn.as_deref() == Some(inn))
        .filter(|s| can_receive(&s.der))
    {
        if !out.contains(&s.der) {
            out.push(s.der.clone());
        }
    }
    out
}

/// Whether a certificate can receive an envelope (see [`recipients`]).
fn can_receive(der: &[u8]) -> bool {
    x509_cert::Certificate::from_der(der).is_ok_and(|cert| {
        let oid = cert
            .tbs_certificate
            .subject_public_key_info
            .algorithm
            .oid
            .to_string();
        oid == OID_RSA || receives_gost(&oid)
    })
}

/// Zip (one entry, `name`), then encrypt for the organization (see [`seal_to`]).
pub fn seal(
    store: &mut Store,
    account: uuid::Uuid,
    inn: &str,
    name: &str,
    plain: &[u8],
    compression: crate::formats::compression::Compression,
    derived: Option<uuid::Uuid>,
) -> Option<Sealed> {
    let recipients = recipients(store, inn);
    seal_to(
        store,
        account,
        &recipients,
        name,
        plain,
        compression,
        derived,
    )
}

/// Zip (one entry, `name`), then encrypt for `recipients` (DER certificates; those that can
/// receive it are used: see [`envelope`]). With a `derived` id (a document the sandbox makes
/// again on read, see [`crate::state::Made`]) and an envelope that can be made again the same
/// (RSA recipients), only its size is kept: it is made again on each read under that id.
/// Otherwise the result is stored as a content. `None` when no recipient can receive it (or it
/// could not be made: logged).
pub fn seal_to(
    store: &mut Store,
    account: uuid::Uuid,
    recipients: &[Vec<u8>],
    name: &str,
    plain: &[u8],
    compression: crate::formats::compression::Compression,
    derived: Option<uuid::Uuid>,
) -> Option<Sealed> {
    if recipients.is_empty() {
        return None;
    }
    let zipped = compression.pack(name, plain).ok()?;
    if let Some(id) = derived {
        let seed = crate::state::derived::seed(store, id);
        if let Ok(Some((sealed, serials))) = envelope_seeded(recipients, &zipped, seed) {
            return Some(Sealed {
                content_id: id,
                serials: shared_serials(store, serials),
                size: sealed.len() as u64,
            });
        }
    }
    let (sealed, serials) = envelope(recipients, &zipped)
        .inspect_err(|e| tracing::warn!("{name} is stored plain: cannot encrypt it: {e}"))
        .ok()??;
    let content_id = crate::state::memory_content(store, account, &sealed);
    Some(Sealed {
        content_id,
        serials: shared_serials(store, serials),
        size: sealed.len() as u64,
    })
}

/// `serials` as a list shared with the last documents sealed for the same recipients (a
/// docflow's answers, the docflows of one organization).
fn shared_serials(store: &mut Store, serials: Vec<String>) -> std::sync::Arc<[String]> {
    match &store.last_serials {
        Some(last) if **last == *serials => last.clone(),
        _ => {
            let shared: std::sync::Arc<[String]> = serials.into();
            store.last_serials = Some(shared.clone());
            shared
        }
    }
}
