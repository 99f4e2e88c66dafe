//! Compressed document variants. The service lists a docflow document zipped
//! (`"compression-type": "zip"`, skbkontur/extern-api-docs docs/scenarios/FNS/report/send_report.rst);
//! older material says `gzip`. Both are opened, recognised by their first bytes.

use std::io::Read;

use crate::Error;

/// The plain bytes of a compressed variant: the first entry of a ZIP archive or a gzip stream;
/// anything else is returned as it is. More than `limit` plain bytes is an error, not a cut.
pub(crate) fn unpack(bytes: Vec<u8>, limit: u64) -> Result<Vec<u8>, Error> {
    let mut plain = Vec::new();
    let read = if bytes.starts_with(b"PK\x03\x04") {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.as_slice()))
            .map_err(|e| Error::protocol_with("the document is a bad zip archive", e))?;
        let entry = archive
            .by_index(0)
            .map_err(|e| Error::protocol_with("the zip archive has no readable entry", e))?;
        entry.take(limit + 1).read_to_end(&mut plain)
    } else if bytes.starts_with(&[0x1f, 0x8b]) {
        flate2::read::GzDecoder::new(bytes.as_slice())
            .take(limit + 1)
            .read_to_end(&mut plain)
    } else {
        return Ok(bytes);
    };
    read.map_err(|e| Error::protocol_with("the compressed document does not unpack", e))?;
    if plain.len() as u64 > limit {
        return Err(Error::protocol(format!(
            "the compressed document unpacks to more than {limit} bytes"
        )));
    }
    Ok(plain)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn zip_gzip_and_plain() {
        let mut archive = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        archive
            .start_file("a.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        archive.write_all(b"<a/>").unwrap();
        let zipped = archive.finish().unwrap().into_inner();
        assert_eq!(unpack(zipped.clone(), 100).unwrap(), b"<a/>");
        assert!(unpack(zipped, 3).is_err(), "over the limit is an error");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b"<b/>").unwrap();
        assert_eq!(unpack(gz.finish().unwrap(), 100).unwrap(), b"<b/>");
        assert_eq!(unpack(b"<c/>".to_vec(), 100).unwrap(), b"<c/>");
        assert!(unpack(b"PK\x03\x04broken".to_vec(), 100).is_err());
    }
}
