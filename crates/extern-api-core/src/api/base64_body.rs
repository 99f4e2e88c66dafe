//! Bytes the service answers as a base64 JSON string (signatures, contents of the older routes).

use crate::Error;

/// Bytes the service sends as a base64 JSON string; `what` names them in the error.
pub(crate) fn decode_base64(
    encoded: &str,
    what: std::fmt::Arguments<'_>,
) -> Result<Vec<u8>, Error> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|e| Error::protocol_with(format!("{what} is not base64"), e))
}
