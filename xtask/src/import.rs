//! `cargo xtask import`: a vendor document (Swagger 2.0 or OpenAPI 3.0.x, any encoding the vendor
//! has used) → the project's OpenAPI 3.0.3 form, with every fixup logged.

use std::path::Path;

use anyhow::{Context, Result};
use serde_json::Value;

use crate::{encoding, fixups, swagger2};

/// The result of an import: the document and what was done to it.
#[derive(Debug)]
pub struct Imported {
    pub document: Value,
    pub log: Vec<String>,
}

/// Reads, converts and fixes a vendor document, then writes it to `out` as pretty JSON.
pub fn run(input: &Path, out: &Path) -> Result<()> {
    let bytes = std::fs::read(input).with_context(|| format!("reading {}", input.display()))?;
    let imported = import(&bytes).with_context(|| format!("importing {}", input.display()))?;
    for line in &imported.log {
        println!("{line}");
    }
    std::fs::write(out, to_json(&imported.document))
        .with_context(|| format!("writing {}", out.display()))?;
    let ops = count_operations(&imported.document);
    println!(
        "wrote {} ({ops} operations, {} fixups)",
        out.display(),
        imported
            .log
            .iter()
            .filter(|l| l.starts_with("fixup:"))
            .count()
    );
    Ok(())
}

/// The whole import, from bytes.
pub fn import(bytes: &[u8]) -> Result<Imported> {
    let decoded = encoding::decode(bytes)?;
    let mut log = vec![format!("read: {} text", decoded.encoding)];
    let doc: Value = serde_json::from_str(&decoded.text).context("the document is not JSON")?;
    let mut doc = if swagger2::is_swagger2(&doc) {
        log.push("convert: Swagger 2.0 -> OpenAPI 3.0.3".into());
        swagger2::convert(&doc)?
    } else {
        doc
    };
    log.extend(fixups::apply(&mut doc));
    // The result must be something progenitor's parser reads.
    serde_json::from_value::<openapiv3::OpenAPI>(doc.clone())
        .context("the imported document is still not valid OpenAPI 3.0")?;
    Ok(Imported { document: doc, log })
}

/// Pretty JSON with a final newline, non-ASCII kept readable.
pub fn to_json(doc: &Value) -> String {
    let mut s = serde_json::to_string_pretty(doc).expect("a Value always serializes");
    s.push('\n');
    s
}

fn count_operations(doc: &Value) -> usize {
    doc.get("paths")
        .and_then(Value::as_object)
        .map(|p| {
            p.values()
                .filter_map(Value::as_object)
                .map(|i| {
                    i.keys()
                        .filter(|k| *k != "parameters" && !k.starts_with("x-"))
                        .count()
                })
                .sum()
        })
        .unwrap_or(0)
}

#[cfg(test)]
#[path = "import_tests.rs"]
mod tests;
