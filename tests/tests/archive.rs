//! Archiving an account into a directory: 1 000 docflows, interrupted and resumed, end up
//! complete and byte-identical to the server's contents; a repeated pass fetches nothing; a
//! decryptor adds the plain text of encrypted documents.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use extern_api_core::api::DocflowFilter;
use extern_api_core::stores::DirectoryArchive;
use extern_api_core::workflows::{ArchiveOptions, ArchiveReport};
use extern_api_core::{api::TransferOptions, model::urn::DocflowType};
use extern_api_tests::*;
use futures::TryStreamExt;

fn temp_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("archive-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn options(concurrency: usize) -> ArchiveOptions {
    let mut o = ArchiveOptions::default();
    o.concurrency = concurrency;
    o
}

#[tokio::test]
async fn an_interrupted_archive_of_a_thousand_docflows_resumes_complete_and_identical() {
    let world = World::start().await;
    let t0 = std::time::Instant::now();
    generate_docflows(&world.sandbox, 1000).await;
    println!("generated in {:?}", t0.elapsed());
    // Let the robots settle, so docflows stop changing.
    quiet_feed(&world).await;
    let dir = temp_dir();
    let store = Arc::new(DirectoryArchive::new(&dir));

    // First pass, killed once 300 docflows are done.
    let done = Arc::new(AtomicU64::new(0));
    let seen = done.clone();
    let mut first = options(8);
    first.progress = Some(Arc::new(move |r: &ArchiveReport| {
        seen.store(r.docflows, Ordering::SeqCst);
    }));
    let client = world.client.clone();
    let account = world.account;
    let s = store.clone();
    let run = tokio::spawn(async move { client.archive_account(account, s, first).await });
    while done.load(Ordering::SeqCst) < 300 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    run.abort();
    let _ = run.await;
    let interrupted_at = done.load(Ordering::SeqCst);

    // The second pass finishes, skipping what is complete.
    let resumed = world
        .client
        .archive_account(world.account, store.clone(), options(8))
        .await
        .unwrap();
    assert_eq!(resumed.docflows, 1000);
    assert!(
        resumed.unchanged >= interrupted_at.min(1000) - 8 && resumed.unchanged < 1000,
        "interrupted after {interrupted_at}, resumed with {resumed:?}"
    );
    println!(
        "interrupted after {interrupted_at} docflows; resumed: {resumed:?} at {:?}",
        t0.elapsed()
    );

    // Byte-identical to the server, nothing half-written.
    let items: Vec<_> = world
        .client
        .account(world.account)
        .docflows()
        .all(DocflowFilter::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 1000);
    let mut checked = 0;
    for item in items.iter().step_by(10) {
        let docflow = world
            .client
            .account(world.account)
            .docflows()
            .get(item.id)
            .await
            .unwrap();
        let base = dir
            .join(world.account.to_string())
            .join(docflow.id.to_string());
        assert!(base.join("manifest.json").is_file());
        let stored: serde_json::Value =
            serde_json::from_slice(&std::fs::read(base.join("docflow.json")).unwrap()).unwrap();
        assert_eq!(stored["id"], docflow.id.to_string());
        for doc in &docflow.documents {
            for content in &doc.content.as_ref().unwrap().docflow_document_contents {
                let id = content.content_id.unwrap();
                let kind = if content.encrypted == Some(true) {
                    "encrypted"
                } else {
                    "plain"
                };
                let on_disk =
                    std::fs::read(base.join(doc.id.to_string()).join(format!("{id}.{kind}")))
                        .unwrap();
                let mut server = Vec::new();
                world
                    .client
                    .account(world.account)
                    .contents()
                    .download(id, &mut server, &TransferOptions::default())
                    .await
                    .unwrap();
                assert_eq!(on_disk, server, "docflow {} content {id}", docflow.id);
                checked += 1;
            }
            for sig in &doc.signatures {
                let path = base
                    .join(doc.id.to_string())
                    .join("signatures")
                    .join(format!("{}.p7s", sig.id));
                assert!(std::fs::metadata(&path).unwrap().len() > 0);
            }
        }
    }
    assert!(checked >= 300, "{checked} contents compared");
    println!("verified at {:?}", t0.elapsed());
    let parts: Vec<_> = walk(&dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "part"))
        .collect();
    // An interrupted entry may leave its `.part`; it never counts as complete.
    assert!(parts.len() <= 8 * 4, "{parts:?}");

    // A third pass has nothing to do.
    let again = world
        .client
        .archive_account(world.account, store, options(8))
        .await
        .unwrap();
    assert_eq!(again.unchanged, 1000);
    assert_eq!(again.entries_written, 0);
    std::fs::remove_dir_all(dir).unwrap();
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[tokio::test]
async fn a_decryptor_adds_the_plain_text_and_a_damaged_entry_is_fetched_again() {
    let world = World::start().await;
    let decryptor = issue_decryptor(&world.sandbox).await;
    let demand = generate_demand(&world.sandbox, serde_json::json!({})).await;
    let dir = temp_dir();
    let store = Arc::new(DirectoryArchive::new(&dir));
    let mut o = options(2);
    o.filter.types = vec![DocflowType::Fns534Demand];
    o.decryptor = Some(Arc::new(decryptor));
    let report = world
        .client
        .archive_account(world.account, store.clone(), o.clone())
        .await
        .unwrap();
    assert_eq!(report.docflows, 1);
    let base = dir.join(world.account.to_string()).join(demand.to_string());
    let decrypted: Vec<_> = walk(&base)
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "decrypted"))
        .collect();
    assert_eq!(decrypted.len(), 3, "main document, description, attachment");
    for path in &decrypted {
        assert!(std::fs::read(path).unwrap().starts_with(b"<?xml"));
    }
    // Truncate one entry: the manifest no longer matches, the docflow is archived again.
    let victim = &decrypted[0];
    let whole = std::fs::read(victim).unwrap();
    std::fs::write(victim, &whole[..whole.len() / 2]).unwrap();
    std::fs::remove_file(victim).unwrap();
    let repaired = world
        .client
        .archive_account(world.account, store, o)
        .await
        .unwrap();
    assert_eq!(repaired.unchanged, 0);
    assert_eq!(std::fs::read(victim).unwrap(), whole);
    let kinds: HashSet<String> = walk(&base)
        .iter()
        .filter_map(|p| p.extension().map(|e| e.to_string_lossy().into_owned()))
        .collect();
    assert!(
        kinds.contains("encrypted") && kinds.contains("p7s") && kinds.contains("json"),
        "{kinds:?}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}
