//! File and wire formats: the wire's request types, report files and their names, contract
//! data built into XML, ZIP/GZIP compression, printed PDFs, the forms catalogue.

pub mod compression;
pub mod contracts;
pub mod forms;
pub mod own_documents;
pub mod pdf;
pub mod primed_deflate;
pub mod report_file;
pub mod serial;
pub mod wire;
