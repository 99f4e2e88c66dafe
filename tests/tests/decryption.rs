//! Client-side decryption opens what the sandbox encrypted: an RSA test certificate of the
//! organization receives the inspection's documents; core's SoftwareDecryptor opens them, and
//! the decrypted content stored back unlocks check-demand.

use std::io::Read;

use extern_api_core::raw::prelude::*;
use extern_api_core::raw::types;
use extern_api_core::{Idempotency, api::TransferOptions, crypto::Decryptor};
use extern_api_tests::*;

#[tokio::test]
async fn the_client_decrypts_a_demand_and_stores_the_plain_content() {
    let world = World::start().await;
    let http = reqwest::Client::new();
    let key = world.sandbox.config().api_key.clone();
    let decryptor = issue_decryptor(&world.sandbox).await;
    let generated: serde_json::Value = http
        .post(format!(
            "{}/test-tools/v1/generate-demand",
            world.sandbox.url()
        ))
        .header("X-Kontur-Apikey", &key)
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let docflow_id: uuid::Uuid = generated["docflow-id"].as_str().unwrap().parse().unwrap();
    let account = world.client.account(world.account);
    let docflow = account.docflows().get(docflow_id).await.unwrap();
    let mut opened = 0;
    for doc in &docflow.documents {
        let contents = &doc.content.as_ref().unwrap().docflow_document_contents;
        let Some(encrypted) = contents.iter().find(|c| c.encrypted == Some(true)) else {
            continue;
        };
        let mut sealed = Vec::new();
        account
            .contents()
            .download(
                encrypted.content_id.unwrap(),
                &mut sealed,
                &TransferOptions::default(),
            )
            .await
            .unwrap();
        let zipped = decryptor.decrypt(&sealed).await.unwrap();
        assert!(
            zipped.starts_with(b"PK\x03\x04"),
            "zipped before encryption"
        );
        let mut plain = Vec::new();
        zip::ZipArchive::new(std::io::Cursor::new(zipped))
            .unwrap()
            .by_index(0)
            .unwrap()
            .read_to_end(&mut plain)
            .unwrap();
        assert!(plain.starts_with(b"<?xml"));
        let content = account
            .contents()
            .upload(plain.as_slice(), &TransferOptions::default())
            .await
            .unwrap();
        let body = types::DecryptedContentRequest {
            content_id: content,
        };
        let body = &body;
        world
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.docflows_save_decrypted_content()
                    .account_id(world.account)
                    .docflow_id(docflow_id)
                    .document_id(doc.id)
                    .body(body.clone())
                    .send()
                    .await
            })
            .await
            .unwrap();
        opened += 1;
    }
    assert_eq!(
        opened, 3,
        "main document, description and attachment were encrypted"
    );
    let check = world
        .client
        .call(Idempotency::Once, move |c| async move {
            c.docflows_check_demand()
                .account_id(world.account)
                .docflow_id(docflow_id)
                .send()
                .await
        })
        .await
        .unwrap();
    assert!(check.error_codes.is_empty());
}
