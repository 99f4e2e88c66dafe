//! Contents: bytes uploaded in parts (spooled files) or made by the sandbox (memory), and the
//! encrypted variants of documents.

use std::io::Read;
use std::path::PathBuf;

use uuid::Uuid;

/// Where the bytes of one part are.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum PartData {
    /// Uploaded parts: spooled to a file as they stream in.
    File(PathBuf),
    /// The sandbox's own small documents (receipts, notices): kept in memory.
    Memory(#[serde(with = "crate::formats::serial::base64")] bytes::Bytes),
}

/// One stored content: its declared total and the parts received so far.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Content {
    pub account_id: Uuid,
    pub total: Option<u64>,
    /// Parts sorted by first byte: (first byte, last byte inclusive, the bytes). A vector, not
    /// a map: most contents have one part, and a map node costs more than the part.
    pub parts: Vec<(u64, u64, PartData)>,
}

impl Content {
    /// A complete content held in memory (the sandbox's own documents).
    pub fn from_bytes(account_id: Uuid, bytes: Vec<u8>) -> Self {
        let parts = match bytes.len() as u64 {
            0 => Vec::new(),
            n => vec![(0, n - 1, PartData::Memory(bytes.into()))],
        };
        Self {
            account_id,
            total: Some(parts.last().map_or(0, |p| p.1 + 1)),
            parts,
        }
    }

    /// Complete when the total is known and the parts cover `0..total` without gaps.
    pub fn is_complete(&self) -> bool {
        let Some(total) = self.total else {
            return false;
        };
        let mut next = 0;
        for (start, end, _) in &self.parts {
            if *start != next {
                return false;
            }
            next = end + 1;
        }
        next == total
    }

    /// A blocking reader over the whole content (for checks and signature verification).
    pub fn reader(&self) -> std::io::Result<impl Read + use<>> {
        let mut readers: Vec<Box<dyn Read + Send>> = Vec::new();
        for (_, _, data) in &self.parts {
            match data {
                PartData::File(path) => readers.push(Box::new(std::fs::File::open(path)?)),
                PartData::Memory(bytes) => {
                    readers.push(Box::new(std::io::Cursor::new(bytes.clone())))
                }
            }
        }
        Ok(readers.into_iter().fold(
            Box::new(std::io::empty()) as Box<dyn Read + Send>,
            |acc, r| Box::new(acc.chain(r)),
        ))
    }

    /// All of it, in memory (for small contents: signatures, the sandbox's own documents).
    pub fn bytes(&self) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        self.reader()?.read_to_end(&mut out)?;
        Ok(out)
    }

    /// Up to `max` first bytes (enough to read a report's header).
    pub fn head(&self, max: usize) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        self.reader()?.take(max as u64).read_to_end(&mut out)?;
        Ok(out)
    }
}

/// An encrypted variant of a document: its content and whom it is encrypted for.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Sealed {
    pub content_id: uuid::Uuid,
    /// Serial numbers (hex) of the recipients' certificates: shared by the documents sealed for
    /// the same recipients.
    pub serials: std::sync::Arc<[String]>,
    /// `encrypted-content-size`.
    pub size: u64,
}
