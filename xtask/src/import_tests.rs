//! The importer on small documents that carry the vendor's quirks (fixtures in `xtask/tests/fixtures/`).

use std::path::{Path, PathBuf};

use super::*;
use crate::codegen;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Imports a fixture, checks that progenitor generates a client from the result, and snapshots
/// the document and the log together.
fn import_and_generate(name: &str) -> Imported {
    let imported = import(&fixture(name)).unwrap();
    codegen::generate_from(&to_json(&imported.document), Path::new(name))
        .unwrap_or_else(|e| panic!("codegen of imported {name}: {e:#}"));
    imported
}

fn snapshot(name: &str, imported: &Imported) {
    insta::with_settings!({ sort_maps => true }, {
        insta::assert_json_snapshot!(format!("import_{name}"), serde_json::json!({
            "log": imported.log,
            "document": imported.document,
        }));
    });
}

#[test]
fn swagger2_with_vendor_quirks() {
    let imported = import_and_generate("quirky-swagger2.json");
    let log = imported.log.join("\n");
    for expected in [
        "convert: Swagger 2.0 -> OpenAPI 3.0.3",
        "operationId missing",
        "operationId \"Drafts.Get draft\" -> \"Drafts_Get_draft\"",
        "\"Drafts_CreateAsync\" -> \"Drafts_CreateAsync2\"",
        "request body media types",
        "octet-stream body schema",
        "200 bare object -> #/components/schemas/KonturModelsDraft",
        "error body -> #/components/schemas/ErrorPrepareResult",
        "schema name \"ApiTaskResult[PrepareResult]\" -> \"ApiTaskResultPrepareResult\"",
        "closed enum of 3 values opened",
        "200 response is raw bytes, not JSON",
        "undeclared path parameter \"draftId\"",
        "does not fit type integer",
        "401 error response without a body undeclared",
    ] {
        assert!(log.contains(expected), "missing {expected:?} in:\n{log}");
    }
    snapshot("swagger2", &imported);
}

#[test]
fn openapi3_with_quirks() {
    let imported = import_and_generate("quirky-openapi3.json");
    let log = imported.log.join("\n");
    for expected in [
        "openapi \"3.1.0\" -> \"3.0.3\"",
        "info.version missing",
        "request body #/components/requestBodies/Comment inlined",
        "cookie parameter \"session\" dropped",
        "style \"spaceDelimited\" -> default",
        "path parameter \"orphan\" is not in the path",
        "\"application/xml\" sent as raw bytes",
        "success responses [\"200\", \"204\"] have different bodies -> raw bytes",
        "(nullable)",
    ] {
        assert!(log.contains(expected), "missing {expected:?} in:\n{log}");
    }
    snapshot("openapi3", &imported);
}

#[test]
fn encodings_give_the_same_document() {
    let utf8 = fixture("quirky-swagger2.json");
    let text = String::from_utf8(utf8.clone())
        .unwrap()
        .replace("Who sends", "Отправитель");
    let plain = import(text.as_bytes()).unwrap();
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(text.as_bytes());
    let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(&text);
    for (bytes, encoding) in [
        (bom, "UTF-8 with BOM"),
        (cp1251.into_owned(), "windows-1251"),
    ] {
        let other = import(&bytes).unwrap();
        assert_eq!(other.document, plain.document, "{encoding}");
        assert_eq!(other.log[0], format!("read: {encoding} text"));
    }
    assert!(to_json(&plain.document).contains("Отправитель"));
}

#[test]
fn not_json_is_a_clear_error() {
    let err = import(b"<html>login required</html>").unwrap_err();
    assert!(format!("{err:#}").contains("not JSON"), "{err:#}");
}

#[test]
fn importing_twice_changes_nothing() {
    let once = import_and_generate("quirky-swagger2.json");
    let twice = import(to_json(&once.document).as_bytes()).unwrap();
    assert!(
        twice.document == once.document,
        "the second import changed the document"
    );
    assert_eq!(
        twice.log,
        vec!["read: UTF-8 text".to_string()],
        "a second import must need no fixups"
    );
}
