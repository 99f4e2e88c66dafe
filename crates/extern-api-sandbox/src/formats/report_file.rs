//! What the sandbox reads from a report file: its declared encoding and, for FNS formats, the
//! `Файл/@ИдФайл` and the `Документ`/`СвНП` attributes; for Rosstat, the `<report>` header.
//! Only the head of the file is read (the header sits in its first bytes).

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// How many leading bytes of a file are read for its header.
pub const HEAD_BYTES: usize = 64 * 1024;

/// A report file's header, as far as it could be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportHeader {
    /// The encoding the XML declaration names (`utf-8` when there is none), lower-case.
    pub declared_encoding: String,
    /// The bytes are not valid in the declared encoding.
    pub encoding_broken: bool,
    /// Not XML at all (a PDF attachment, a scan).
    pub not_xml: bool,
    pub file_id: Option<String>,
    pub form_version: Option<String>,
    pub knd: Option<String>,
    pub inspection: Option<String>,
    pub period: Option<String>,
    pub year: Option<String>,
    pub correction: Option<String>,
    pub inn: Option<String>,
    pub kpp: Option<String>,
    pub organization: Option<String>,
    /// Rosstat `<report code=… >`.
    pub rosstat_code: Option<String>,
    pub okpo: Option<String>,
}

/// The parts of an FNS file name `<prefix>_<transit>_<final>_<sender>_<date>_<guid>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileId {
    pub prefix: String,
    pub transit: String,
    pub final_recipient: String,
    /// INN+KPP (19 digits) of a company, or the 12-digit INN of a person.
    pub sender: String,
    pub date: String,
    pub guid: String,
}

/// Splits an ИдФайл; `None` when it does not follow the FNS mask.
pub fn parse_file_id(id: &str) -> Option<FileId> {
    let parts: Vec<&str> = id.split('_').collect();
    if parts.len() < 7 {
        return None;
    }
    let digits =
        |s: &str, n: &[usize]| n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    let (transit, final_recipient, sender, date) = (parts[2], parts[3], parts[4], parts[5]);
    if !digits(transit, &[4])
        || !digits(final_recipient, &[4])
        || !digits(sender, &[12, 19])
        || !digits(date, &[8])
    {
        return None;
    }
    Some(FileId {
        prefix: format!("{}_{}", parts[0], parts[1]),
        transit: transit.into(),
        final_recipient: final_recipient.into(),
        sender: sender.into(),
        date: date.into(),
        guid: parts[6..].join("_"),
    })
}

/// Reads the header from the first bytes of a file.
pub fn read_header(head: &[u8]) -> ReportHeader {
    let mut header = ReportHeader {
        declared_encoding: declared_encoding(head),
        ..Default::default()
    };
    let trimmed = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    if !trimmed.trim_ascii_start().starts_with(b"<") {
        header.not_xml = true;
        return header;
    }
    let text = match header.declared_encoding.as_str() {
        "utf-8" | "utf8" => match std::str::from_utf8(trimmed) {
            Ok(t) => t.to_string(),
            // The head may end inside a multi-byte character; only an earlier error counts.
            Err(e) if e.error_len().is_none() => {
                String::from_utf8_lossy(&trimmed[..e.valid_up_to()]).into_owned()
            }
            Err(_) => {
                header.encoding_broken = true;
                String::from_utf8_lossy(trimmed).into_owned()
            }
        },
        label => match encoding_rs::Encoding::for_label(label.as_bytes()) {
            Some(enc) => enc.decode_without_bom_handling(trimmed).0.into_owned(),
            None => {
                header.encoding_broken = true;
                String::from_utf8_lossy(trimmed).into_owned()
            }
        },
    };
    let mut reader = Reader::from_str(&text);
    for _ in 0..10_000 {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => take_attributes(&mut header, &e),
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        if header.inn.is_some() && header.knd.is_some() {
            break;
        }
    }
    header
}

fn declared_encoding(head: &[u8]) -> String {
    let start = &head[..head.len().min(200)];
    let text = String::from_utf8_lossy(start);
    if let Some(decl_end) = text.find("?>")
        && let Some(pos) = text[..decl_end].find("encoding=")
    {
        let rest = &text[pos + "encoding=".len()..decl_end];
        let quote = rest.chars().next().unwrap_or('"');
        return rest
            .trim_start_matches(quote)
            .split(quote)
            .next()
            .unwrap_or("")
            .trim()
            .to_lowercase();
    }
    "utf-8".into()
}

fn take_attributes(header: &mut ReportHeader, e: &BytesStart<'_>) {
    let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
    let attr = |key: &str| -> Option<String> {
        e.attributes()
            .flatten()
            .find(|a| a.key.as_ref() == key.as_bytes())
            .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
    };
    match name.as_str() {
        "Файл" => {
            header.file_id = attr("ИдФайл");
            header.form_version = attr("ВерсФорм");
        }
        "Документ" => {
            header.knd = attr("КНД");
            header.inspection = attr("КодНО");
            header.period = attr("Период");
            header.year = attr("ОтчетГод");
            header.correction = attr("НомКорр");
        }
        "НПЮЛ" if header.inn.is_none() => {
            header.inn = attr("ИННЮЛ");
            header.kpp = attr("КПП");
            header.organization = attr("НаимОрг");
        }
        "НПФЛ" if header.inn.is_none() => header.inn = attr("ИННФЛ"),
        "report" => {
            header.rosstat_code = attr("code");
            header.year = attr("year");
            header.period = attr("period");
            header.form_version = attr("format-version");
        }
        "item" if attr("name").as_deref() == Some("okpo") => header.okpo = attr("value"),
        _ => {}
    }
}

/// The draft document type of an FNS file, from its name prefix.
pub fn fns_document_type(file_id: &str) -> &'static str {
    if file_id.starts_with("ON_DOV") {
        "urn:document:fns534-report-warrant"
    } else if file_id.starts_with("NO_") || file_id.starts_with("ON_") || file_id.starts_with("IU_")
    {
        "urn:document:fns534-report"
    } else {
        "urn:document:fns534-report-attachment"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = r#"<?xml version="1.0" encoding="windows-1251"?><Файл ИдФайл="NO_BUHOTCH_0087_0087_6676130154667601001_20241024_39fc932f-9cf2-4344-821a-4d71167ca1e0" ВерсФорм="5.07"><Документ КНД="0710099" Период="94" ОтчетГод="2024" НомКорр="0"><СвНП><НПЮЛ НаимОрг="Тестовая" ИННЮЛ="6676130154" КПП="667601001"/></СвНП></Документ></Файл>"#;

    #[test]
    fn reads_an_fns_header_in_windows_1251() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(REPORT);
        let h = read_header(&bytes);
        assert_eq!(h.declared_encoding, "windows-1251");
        assert!(!h.encoding_broken);
        assert_eq!(
            h.file_id.as_deref(),
            Some(
                "NO_BUHOTCH_0087_0087_6676130154667601001_20241024_39fc932f-9cf2-4344-821a-4d71167ca1e0"
            )
        );
        assert_eq!(h.knd.as_deref(), Some("0710099"));
        assert_eq!(h.inn.as_deref(), Some("6676130154"));
        assert_eq!(h.kpp.as_deref(), Some("667601001"));
        let id = parse_file_id(h.file_id.as_deref().unwrap()).unwrap();
        assert_eq!(
            (
                id.transit.as_str(),
                id.final_recipient.as_str(),
                id.sender.as_str()
            ),
            ("0087", "0087", "6676130154667601001")
        );
    }

    #[test]
    fn broken_utf8_and_non_xml() {
        let mut bytes = br#"<?xml version="1.0" encoding="utf-8"?><a x=""#.to_vec();
        bytes.extend_from_slice(&[0xD4, 0xE0, 0xE9, 0xEB]);
        bytes.extend_from_slice(br#""/>"#);
        assert!(read_header(&bytes).encoding_broken);
        assert!(read_header(b"%PDF-1.4 ...").not_xml);
        assert!(parse_file_id("report.xml").is_none());
    }
}
