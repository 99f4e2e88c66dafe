//! Ids of contents the sandbox makes on read instead of keeping (see [`crate::state::Made`]):
//! the id names the docflow (its place in creation order), the document and the variant, so
//! that nothing is stored to find them. Version-8 UUIDs (RFC 9562, custom layout): the sandbox
//! makes only version 4 and 5 ids otherwise, and clients read ids as opaque strings.
//!
//! Layout: bytes 0–3 the docflow's sequence number, 4–5 the document's index, 6 the version,
//! 7 the variant, 8 the RFC variant bits, 9–15 `sandbox`.

use uuid::Uuid;

/// Which bytes of a document a derived content holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// The document as its author wrote it.
    Plain = 0,
    /// Zipped, then encrypted for its recipients.
    Sealed = 1,
    /// Zipped (the compressed variant of a plain document).
    Zipped = 2,
}

const MARK: &[u8; 7] = b"sandbox";

/// The id of `variant` of document `document` of the docflow with sequence number `seq`.
pub fn content_id(seq: u32, document: usize, variant: Variant) -> Uuid {
    let mut b = [0u8; 16];
    b[..4].copy_from_slice(&seq.to_be_bytes());
    b[4..6].copy_from_slice(&(document as u16).to_be_bytes());
    b[6] = 0x80;
    b[7] = variant as u8;
    b[8] = 0x80;
    b[9..].copy_from_slice(MARK);
    Uuid::from_bytes(b)
}

/// What a derived content id names: (docflow sequence number, document index, variant).
pub fn parse(id: Uuid) -> Option<(u32, usize, Variant)> {
    let b = id.as_bytes();
    if b[6] != 0x80 || b[8] != 0x80 || &b[9..] != MARK {
        return None;
    }
    let variant = match b[7] {
        0 => Variant::Plain,
        1 => Variant::Sealed,
        2 => Variant::Zipped,
        _ => return None,
    };
    let seq = u32::from_be_bytes(b[..4].try_into().expect("4 bytes"));
    let document = u16::from_be_bytes([b[4], b[5]]) as usize;
    Some((seq, document, variant))
}

/// The seed of derived content `id`'s randomness (its envelope's keys): the store's seed and
/// the id, so that it repeats for the same sandbox and differs between sandboxes.
pub fn seed(store: &crate::state::Store, id: Uuid) -> [u8; 32] {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(store.seed);
    h.update(id.as_bytes());
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_name_their_document_and_no_random_id_is_taken_for_one() {
        let id = content_id(1_000_000, 5, Variant::Sealed);
        assert_eq!(id.get_version_num(), 8);
        assert_eq!(parse(id), Some((1_000_000, 5, Variant::Sealed)));
        assert_eq!(parse(Uuid::new_v4()), None);
        assert_eq!(parse(Uuid::new_v5(&id, b"zip")), None);
    }
}
