//! Reading a vendor document whatever its encoding: UTF-8 with or without a BOM, UTF-16 with a
//! BOM, or Windows-1251 (the vendor's .NET tooling has produced all of them).

use anyhow::{Result, bail};

/// The document's text and the encoding it was found in.
#[derive(Debug, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
}

/// Decodes bytes into text. Valid UTF-8 wins; anything else is read as Windows-1251, where every
/// byte is a character, so only a document that is not JSON at all fails later, at parsing.
pub fn decode(bytes: &[u8]) -> Result<Decoded> {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            bail!(
                "the document starts with a {} byte-order mark but is not valid {}",
                encoding.name(),
                encoding.name()
            );
        }
        let name = if encoding == encoding_rs::UTF_8 {
            "UTF-8 with BOM"
        } else {
            encoding.name()
        };
        return Ok(Decoded {
            text: text.into_owned(),
            encoding: name,
        });
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Decoded {
            text: text.to_string(),
            encoding: "UTF-8",
        });
    }
    let (text, _, _) = encoding_rs::WINDOWS_1251.decode(bytes);
    Ok(Decoded {
        text: text.into_owned(),
        encoding: "windows-1251",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        let plain = decode("{\"a\":\"Документ\"}".as_bytes()).unwrap();
        assert_eq!(plain.encoding, "UTF-8");
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("{\"a\":\"Документ\"}".as_bytes());
        let with_bom = decode(&bom).unwrap();
        assert_eq!(with_bom.encoding, "UTF-8 with BOM");
        assert_eq!(with_bom.text, plain.text);
    }

    #[test]
    fn windows_1251() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode("{\"a\":\"Документ\"}");
        let decoded = decode(&bytes).unwrap();
        assert_eq!(decoded.encoding, "windows-1251");
        assert_eq!(decoded.text, "{\"a\":\"Документ\"}");
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "{\"a\":1}".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode(&bytes).unwrap().text, "{\"a\":1}");
    }
}
