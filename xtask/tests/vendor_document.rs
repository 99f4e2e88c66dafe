//! Acceptance: the vendor's own Swagger 2.0 document, imported and generated, compiles inside
//! extern-api-raw in place of ours. This is what proves the raw crate's hand-written parts are
//! generic and that the importer takes the vendor's quirks without hand edits.
//!
//! The document lives in the team's shared folder (`../shared/vendor/`), which is not part of the
//! repository; without it the test says so and passes.

use std::path::{Path, PathBuf};
use std::process::Command;

const VENDOR: &str = "../shared/vendor/extern-api-v1.swagger-2018-08.json";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{cmd:?} failed:\n{text}");
    text
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn vendor_document_compiles_in_place_of_ours() {
    let root = root();
    let vendor = root.join(VENDOR);
    if !vendor.exists() {
        eprintln!(
            "skipped: {} is not here (it lives in the team's shared folder)",
            vendor.display()
        );
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let imported = tmp.path().join("vendor-openapi.json");
    let log = run(Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("import")
        .arg(&vendor)
        .arg("--out")
        .arg(&imported));
    for fix in [
        "Swagger 2.0 -> OpenAPI 3.0.3",
        "bare object",
        "error body",
        "raw bytes",
        "closed enum",
    ] {
        assert!(
            log.contains(fix),
            "the import log does not mention {fix:?}:\n{log}"
        );
    }

    // A one-crate workspace with the same dependency versions (and the same Cargo.lock).
    let ws = tmp.path().join("ws");
    let raw = ws.join("crates/extern-api-raw");
    copy_dir(&root.join("crates/extern-api-raw/src"), &raw.join("src"));
    std::fs::copy(
        root.join("crates/extern-api-raw/Cargo.toml"),
        raw.join("Cargo.toml"),
    )
    .unwrap();
    std::fs::copy(root.join("Cargo.lock"), ws.join("Cargo.lock")).unwrap();
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let manifest: String = manifest
        .lines()
        .map(|l| match l {
            l if l.starts_with("members") => "members = [\"crates/extern-api-raw\"]".to_string(),
            l if l.starts_with("default-members") => String::new(),
            // TLS has nothing to do with whether the generated code compiles, and is slow to build.
            l if l.starts_with("reqwest") => l.replace(", \"rustls\"", ""),
            l => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(ws.join("Cargo.toml"), manifest).unwrap();
    run(Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("codegen")
        .arg("--spec")
        .arg(&imported)
        .arg("--out")
        .arg(raw.join("src/generated.rs")));
    let generated = std::fs::read_to_string(raw.join("src/generated.rs")).unwrap();
    assert!(
        generated.contains("fn drafts_prepare"),
        "the vendor's operations are in the client"
    );

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    run(Command::new(cargo)
        .args(["check", "--offline", "--quiet", "-p", "extern-api-raw"])
        .current_dir(&ws)
        .env("CARGO_TARGET_DIR", root.join("target/vendor-check")));
}
