//! Compressed document variants: the service zips a docflow document (one entry, its file name)
//! and lists that variant as `"compressed": true, "compression-type": "zip"`
//! (skbkontur/extern-api-docs docs/scenarios/FNS/report/send_report.rst, the send task's result).
//! Older material shows `gzip`; what subscribers send back is read in either form.

use std::io::{Read, Write};

/// How documents are compressed: ZIP as the newest pages show, or gzip as older material names
/// it (`SandboxConfig::older_forms`), so the client can be tried against both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    Zip,
    Gzip,
}

impl Compression {
    /// The compression of the material the sandbox follows: `older_forms` is
    /// `SandboxConfig::older_forms`.
    pub fn of(older_forms: bool) -> Self {
        if older_forms { Self::Gzip } else { Self::Zip }
    }

    /// The value of `compression-type`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Zip => "zip",
            Self::Gzip => "gzip",
        }
    }

    /// `bytes` compressed; `name` is the ZIP entry's name.
    pub fn pack(self, name: &str, bytes: &[u8]) -> std::io::Result<Vec<u8>> {
        match self {
            Self::Zip => zip(name, bytes),
            Self::Gzip => {
                let mut gz =
                    flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                gz.write_all(bytes)?;
                gz.finish()
            }
        }
    }
}

/// A ZIP archive holding `bytes` as the single entry `name`.
pub fn zip(name: &str, bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut archive = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    // A fixed time: the same bytes make the same archive (derived contents are made again on
    // each read, and a client may read one in ranges).
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    archive
        .start_file(name, options)
        .map_err(std::io::Error::other)?;
    archive.write_all(bytes)?;
    Ok(archive
        .finish()
        .map_err(std::io::Error::other)?
        .into_inner())
}

/// A ZIP archive of several entries (name, bytes), stored uncompressed: what an EGRN `outdoc`
/// result file is.
pub fn archive(entries: &[(&str, &[u8])]) -> std::io::Result<Vec<u8>> {
    let mut archive = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in entries {
        archive
            .start_file(*name, options)
            .map_err(std::io::Error::other)?;
        archive.write_all(bytes)?;
    }
    Ok(archive
        .finish()
        .map_err(std::io::Error::other)?
        .into_inner())
}

/// What a compressed variant holds: the first entry of a ZIP archive, or a gzip stream unpacked;
/// anything else as it is. At most `limit` bytes are unpacked.
pub fn unpack(bytes: &[u8], limit: u64) -> Result<Vec<u8>, String> {
    let mut plain = Vec::new();
    if bytes.starts_with(b"PK\x03\x04") {
        let mut archive =
            zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
        let entry = archive.by_index(0).map_err(|e| e.to_string())?;
        entry
            .take(limit)
            .read_to_end(&mut plain)
            .map_err(|e| e.to_string())?;
    } else if bytes.starts_with(&[0x1f, 0x8b]) {
        flate2::read::GzDecoder::new(bytes)
            .take(limit)
            .read_to_end(&mut plain)
            .map_err(|e| e.to_string())?;
    } else {
        plain.extend_from_slice(bytes);
    }
    Ok(plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_reads_the_archive() {
        let zip = archive(&[("a.xml", b"<a/>"), ("b.pdf", b"%PDF-1.4")]).unwrap();
        assert!(zip.starts_with(b"PK\x03\x04"));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.zip");
        std::fs::write(&path, &zip).unwrap();
        let out = std::process::Command::new("python3")
            .args(["-c", "import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(','.join(z.namelist()))"])
            .arg(&path)
            .output();
        // Python is on every machine this project builds on; say so plainly if not.
        let out = out.expect("python3 runs");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            "a.xml,b.pdf",
            "{out:?}"
        );
    }

    #[test]
    fn zip_and_gzip_unpack() {
        let zipped = zip("a.xml", b"<a/>").unwrap();
        assert!(zipped.starts_with(b"PK"));
        assert_eq!(unpack(&zipped, 100).unwrap(), b"<a/>");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b"<b/>").unwrap();
        assert_eq!(unpack(&gz.finish().unwrap(), 100).unwrap(), b"<b/>");
        assert_eq!(unpack(b"<c/>", 100).unwrap(), b"<c/>");
        assert!(unpack(b"PK\x03\x04broken", 100).is_err());
    }
}
