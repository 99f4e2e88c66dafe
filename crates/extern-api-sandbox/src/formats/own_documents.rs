//! The small windows-1251 XML files the sandbox writes itself: the operator's description and
//! date confirmation, and the robots' receipts, acceptances and results. Pure functions of what
//! the docflow records, so that they are made again on each read instead of kept (see
//! `state::Made`).

use chrono::{DateTime, Utc};

/// The file name of a robot's answer `id` (its prefix from the catalogue) to the report named
/// `report`, sent at `at`: `{prefix}_{the report name's first two parts}_{date}_{id}.xml`.
pub fn robot_filename(prefix: &str, report: &str, at: DateTime<Utc>, id: uuid::Uuid) -> String {
    let stem = report.trim_end_matches(".xml");
    format!(
        "{prefix}_{}_{}_{}.xml",
        stem.split('_').take(2).collect::<String>(),
        at.format("%Y%m%d"),
        id.simple()
    )
}

/// The operator's description or date confirmation of `report`, sent at `at`.
pub fn operator_document(filename: &str, report: &str, at: DateTime<Utc>) -> Vec<u8> {
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n<Файл ИдФайл=\"{}\" ВерсПрог=\"extern-api-sandbox\" ВерсФорм=\"5.01\">\
         <Документ КНД=\"1166101\" ДатаДок=\"{}\"><СвПодтв ИмяОбмФайл=\"{report}\" ДатаОтпр=\"{}\" КодОпер=\"1BM\"/></Документ></Файл>\n",
        filename.trim_end_matches(".xml"),
        at.format("%d.%m.%Y"),
        at.to_rfc3339(),
    );
    encoding_rs::WINDOWS_1251.encode(&xml).0.into_owned()
}

/// A robot's answer (form `knd`) naming the report it answers, from control unit `cu`.
pub fn robot_document(
    filename: &str,
    knd: &str,
    answers: &str,
    cu: &str,
    at: DateTime<Utc>,
) -> Vec<u8> {
    let stem = filename.trim_end_matches(".xml");
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n<Файл ИдФайл=\"{stem}\" ВерсПрог=\"extern-api-sandbox\" ВерсФорм=\"5.01\">\
         <Документ КНД=\"{knd}\" ДатаДок=\"{}\" КодНО=\"{cu}\"><СвКвит ИмяОбмФайл=\"{answers}\" ДатаПрин=\"{}\"/></Документ></Файл>\n",
        at.format("%d.%m.%Y"),
        at.format("%d.%m.%Y"),
    );
    encoding_rs::WINDOWS_1251.encode(&xml).0.into_owned()
}
