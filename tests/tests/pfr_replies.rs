//! The Social Fund's operations (issue 19, a first step) through core's handlers against the
//! sandbox: a PFR reply generated, its document stored decrypted, signed (locally and in the
//! cloud) and sent, with the refusals; a documents request of an incoming SFR SEDO docflow
//! generated, raw-signed and sent, with the refusals.

use std::time::{Duration, Instant};

use extern_api_core::api::{DraftTask, PollPolicy, task_result, wait_task};
use extern_api_core::crypto::Signer;
use extern_api_core::model::DocflowExt;
use extern_api_core::model::urn::{DocflowStatus, SuccessState};
use extern_api_core::raw::types;
use extern_api_core::{Error, ExternClient};
use extern_api_tests::holder::cloud_certificate;
use extern_api_tests::*;
use serde_json::json;
use uuid::Uuid;

const RECEIPT: &str = "pfr-report-protocol-receipt";

fn b64(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}

fn b64_encode(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn quick_poll() -> PollPolicy {
    let mut poll = PollPolicy::with_deadline(Duration::from_secs(30));
    poll.first_interval = Duration::from_millis(20);
    poll
}

fn document_type(doc: &types::Document) -> &str {
    doc.description
        .as_ref()
        .and_then(|d| d.type_.as_deref())
        .unwrap_or("")
}

/// The API error's id (`urn:error:externapi:…`), or a panic naming what came instead.
fn error_id<T: std::fmt::Debug>(result: Result<T, Error>) -> String {
    let err = result.expect_err("a refusal");
    err.error_id()
        .unwrap_or_else(|| panic!("not an API error: {err:?}"))
        .to_string()
}

/// A call to one of the sandbox's test tools.
fn test_tool(world: &World, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .request(
            method,
            format!("{}/test-tools/v1/{path}", world.sandbox.url()),
        )
        .header("X-Kontur-Apikey", &world.sandbox.config().api_key)
}

/// A PFR report built from one signed PDF, sent by the world's signer and answered by the PFR
/// with its protocol: the docflow.
async fn pfr_docflow(world: &World) -> types::Docflow {
    let account = world.client.account(world.account);
    let builders = account.builders();
    let meta: types::DraftsBuilderMeta = serde_json::from_value(json!({
        "sender": { "inn": INN, "kpp": KPP },
        "recipient": { "sfr-code": "087-001" },
        "payer": { "inn": INN },
        "builder-type": "urn:drafts-builder:pfr-report",
        "builder-data": {},
    }))
    .unwrap();
    let builder = builders.create(&meta).await.unwrap();
    let document = builders
        .add_document(
            builder,
            &types::DraftsBuilderDocumentRequest {
                builder_data: Default::default(),
            },
        )
        .await
        .unwrap();
    let pdf = b"%PDF-1.4 pfr report";
    let content = account.contents().upload_bytes(pdf).await.unwrap();
    let signature = world.signer.sign(pdf).await.unwrap();
    builders
        .add_file(
            builder,
            document,
            &types::DraftsBuilderDocumentFileRequest {
                content_id: Some(content),
                base64_signature_content: Some(b64_encode(&signature)),
                meta: types::DraftsBuilderFileMetaRequest {
                    file_name: "report.pdf".into(),
                    builder_data: Default::default(),
                },
            },
        )
        .await
        .unwrap();
    let built = builders.build(builder, &quick_poll()).await.unwrap();
    let draft = built.drafts[0];
    let drafts = account.drafts();
    let mut unsigned = Vec::new();
    for link in drafts.get(draft).await.unwrap().documents {
        let id: Uuid = link.href.rsplit('/').next().unwrap().parse().unwrap();
        if drafts
            .document(draft, id)
            .await
            .unwrap()
            .signatures
            .is_empty()
        {
            unsigned.push(id);
        }
    }
    world
        .signer
        .sign_draft_documents(&world.client, world.account, draft, &unsigned)
        .await
        .unwrap();
    let task = drafts.start(draft, DraftTask::Send).await.unwrap();
    let sent = wait_task(&quick_poll(), || drafts.task(draft, task))
        .await
        .unwrap();
    let id: Uuid = task_result(sent).unwrap()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    wait_docflow(
        &world.client,
        world.account,
        id,
        DocflowStatus::ResponseArrived,
    )
    .await
}

async fn wait_docflow(
    client: &ExternClient,
    account: Uuid,
    id: Uuid,
    status: DocflowStatus,
) -> types::Docflow {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let docflow = client.account(account).docflows().get(id).await.unwrap();
        if docflow.status() == status {
            return docflow;
        }
        assert!(Instant::now() < deadline, "{:?}", docflow.status());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The PFR's protocol in a PFR docflow: the document a receipt answers.
fn protocol(docflow: &types::Docflow) -> Uuid {
    docflow
        .documents
        .iter()
        .find(|d| document_type(d) == "urn:document:pfr-report-protocol")
        .expect("the PFR's protocol")
        .id
}

/// An incoming SFR SEDO docflow waiting for its documents.
async fn sedo_docflow(world: &World) -> Uuid {
    let generated: serde_json::Value =
        test_tool(world, reqwest::Method::POST, "generate-sedo-docflow")
            .json(&json!({ "registration-number": "6601234567" }))
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap()
            .json()
            .await
            .unwrap();
    generated["docflow-id"].as_str().unwrap().parse().unwrap()
}

/// A raw RSA PKCS#1 v1.5 signature over SHA-256 of `data` (no CMS): what a documents request
/// wants over its `data-to-sign`.
fn raw_sign(private_key_pem: &str, data: &[u8]) -> Vec<u8> {
    use rsa::pkcs8::DecodePrivateKey;
    use rsa::sha2::{Digest, Sha256};
    rsa::RsaPrivateKey::from_pkcs8_pem(private_key_pem)
        .unwrap()
        .sign(rsa::Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(data))
        .unwrap()
}

#[tokio::test]
async fn a_pfr_reply_is_generated_signed_and_sent() {
    let world = World::start().await;
    let docflow = pfr_docflow(&world).await;
    let protocol = protocol(&docflow);
    let account = world.client.account(world.account);
    let replies = account.pfr_replies(docflow.id, protocol);

    let reply = replies
        .generate(RECEIPT, world.signer.certificate())
        .await
        .unwrap();
    assert_eq!(reply.docflow_id, Some(docflow.id));
    let id = reply.id.unwrap();
    assert_eq!(reply.documents.len(), 1, "one receipt for the protocol");
    let document = &reply.documents[0];
    assert_eq!(document.reply_id, Some(id));
    let reply_document = document.id.unwrap();
    // An ECDSA certificate receives no encrypted content: the document comes decrypted.
    assert!(document.encrypted_content.is_none(), "{document:?}");
    let plain = b64(document.decrypted_content.as_deref().unwrap());
    assert!(
        String::from_utf8_lossy(&plain).contains("<?xml"),
        "an XML receipt"
    );
    assert!(!reply.links.is_empty());

    // Nothing is sent unsigned.
    assert_eq!(
        error_id(replies.send(id, "127.0.0.1").await),
        "urn:error:externapi:replyNotSigned"
    );

    // The decrypted content is stored (as after decrypting it) and read back.
    replies
        .put_decrypted_content(id, reply_document, &plain)
        .await
        .unwrap();
    let got = replies.get(id).await.unwrap();
    assert_eq!(got.id, Some(id));
    assert_eq!(
        got.documents[0].decrypted_content.as_deref().map(b64),
        Some(plain.clone())
    );
    assert!(got.documents[0].signature.is_none(), "not signed yet");

    // A signature over something else, by another certificate of the organization, or by a
    // stranger is refused.
    let other = world.signer.sign(b"something else").await.unwrap();
    assert_eq!(
        error_id(replies.put_signature(id, reply_document, &other).await),
        "urn:error:externapi:invalidSignature"
    );
    let colleague = issue_signer(&world.sandbox, INN, KPP).await;
    let by_colleague = colleague.sign(&plain).await.unwrap();
    assert_eq!(
        error_id(
            replies
                .put_signature(id, reply_document, &by_colleague)
                .await
        ),
        "urn:error:externapi:certificateMismatch"
    );
    let stranger = issue_signer(&world.sandbox, "7701234560", "770101001").await;
    let by_stranger = stranger.sign(&plain).await.unwrap();
    assert_eq!(
        error_id(
            replies
                .put_signature(id, reply_document, &by_stranger)
                .await
        ),
        "urn:error:externapi:certificateInnMismatch"
    );

    let signature = world.signer.sign(&plain).await.unwrap();
    replies
        .put_signature(id, reply_document, &signature)
        .await
        .unwrap();
    let got = replies.get(id).await.unwrap();
    assert_eq!(
        got.documents[0].signature.as_deref().map(b64),
        Some(signature)
    );

    let sent = replies.send(id, "127.0.0.1").await.unwrap();
    assert_eq!(sent.id, docflow.id);
    assert_eq!(sent.status(), DocflowStatus::Finished);
    assert_eq!(sent.success_state(), SuccessState::Successful);
    let shown = account.docflows().get(docflow.id).await.unwrap();
    let receipt = shown
        .documents
        .iter()
        .find(|d| document_type(d) == format!("urn:document:{RECEIPT}"))
        .expect("the receipt joined the docflow");
    assert_eq!(receipt.signatures.len(), 1);
    assert_eq!(shown.status(), DocflowStatus::Finished);

    // Sent once; the receipt is no longer due.
    assert_eq!(
        error_id(replies.send(id, "127.0.0.1").await),
        "urn:error:externapi:replyAlreadySent"
    );
    assert_eq!(
        error_id(
            replies
                .put_decrypted_content(id, reply_document, b"late")
                .await
        ),
        "urn:error:externapi:replyAlreadySent"
    );
    assert_eq!(
        error_id(replies.generate(RECEIPT, world.signer.certificate()).await),
        "urn:error:externapi:replyNotAvailable"
    );
}

#[tokio::test]
async fn pfr_reply_refusals() {
    let world = World::start().await;
    let docflow = pfr_docflow(&world).await;
    let protocol = protocol(&docflow);
    let account = world.client.account(world.account);
    let replies = account.pfr_replies(docflow.id, protocol);
    let certificate = world.signer.certificate();

    // A reply that is not due, for a stranger's certificate, to an unknown document or docflow.
    assert_eq!(
        error_id(
            replies
                .generate("pfr-report-acknowledgement", certificate)
                .await
        ),
        "urn:error:externapi:replyNotAvailable"
    );
    let (stranger, _) = issue_certificate(&world.sandbox, "7701234560", "770101001", "ecdsa").await;
    assert_eq!(
        error_id(replies.generate(RECEIPT, &stranger).await),
        "urn:error:externapi:certificateInnMismatch"
    );
    assert_eq!(
        error_id(replies.generate(RECEIPT, b"not a certificate").await),
        "urn:error:externapi:invalidCertificate"
    );
    let err = account
        .pfr_replies(docflow.id, Uuid::new_v4())
        .generate(RECEIPT, certificate)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
    let err = account
        .pfr_replies(Uuid::new_v4(), protocol)
        .generate(RECEIPT, certificate)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
    // A docflow without the PFR is answered otherwise.
    let sedo = sedo_docflow(&world).await;
    assert_eq!(
        error_id(
            account
                .pfr_replies(sedo, Uuid::new_v4())
                .generate(RECEIPT, certificate)
                .await
        ),
        "urn:error:externapi:notPfrDocflow"
    );

    // Unknown replies, reply documents and tasks; empty content.
    let err = replies.get(Uuid::new_v4()).await.unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
    let reply = replies.generate(RECEIPT, certificate).await.unwrap();
    let id = reply.id.unwrap();
    let err = replies
        .put_decrypted_content(id, Uuid::new_v4(), b"x")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
    let reply_document = reply.documents[0].id.unwrap();
    let err = replies
        .put_decrypted_content(id, reply_document, b"")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
    let err = replies.task(id, Uuid::new_v4()).await.unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
    // A local certificate signs nothing in the cloud.
    assert_eq!(
        error_id(replies.cloud_sign(id, false).await),
        "urn:error:externapi:notCloudCertificate"
    );
}

/// A PFR reply generated for a cloud certificate (`confirm`: `sms` or `myDSS`), its documents
/// stored decrypted: the handler, the reply and the docflow.
async fn cloud_reply(world: &World, confirm: &str) -> (Uuid, Uuid, Uuid) {
    let certificate = cloud_certificate(&world.sandbox, confirm).await;
    let docflow = pfr_docflow(world).await;
    let protocol = protocol(&docflow);
    let replies = world
        .client
        .account(world.account)
        .pfr_replies(docflow.id, protocol);
    let reply = replies.generate(RECEIPT, &certificate).await.unwrap();
    let id = reply.id.unwrap();
    assert_eq!(
        error_id(replies.cloud_sign(id, false).await),
        "urn:error:externapi:decryptedContentRequired"
    );
    for document in &reply.documents {
        replies
            .put_decrypted_content(id, document.id.unwrap(), b"<decrypted/>")
            .await
            .unwrap();
    }
    (docflow.id, protocol, id)
}

async fn sent_signed(world: &World, docflow: Uuid, protocol: Uuid, reply: Uuid) {
    let replies = world
        .client
        .account(world.account)
        .pfr_replies(docflow, protocol);
    let got = replies.get(reply).await.unwrap();
    assert!(
        got.documents.iter().all(|d| d.signature.is_some()),
        "{got:?}"
    );
    let sent = replies.send(reply, "127.0.0.1").await.unwrap();
    assert_eq!(sent.status(), DocflowStatus::Finished);
}

#[tokio::test]
async fn a_pfr_reply_is_signed_in_the_cloud_with_a_code() {
    let world = World::start().await;
    let (docflow, protocol, reply) = cloud_reply(&world, "sms").await;
    let replies = world
        .client
        .account(world.account)
        .pfr_replies(docflow, protocol);
    let init = replies.cloud_sign(reply, false).await.unwrap();
    assert_eq!(init.confirm_type.as_deref(), Some("sms"));
    let request = init.request_id.unwrap();
    let answer: serde_json::Value = test_tool(
        &world,
        reqwest::Method::GET,
        &format!("cloud-confirmation-code?request-id={request}"),
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let code = answer["code"].as_str().unwrap();
    let confirmed = replies
        .cloud_sign_confirm(reply, &request, code)
        .await
        .unwrap();
    assert_eq!(confirmed.signed_documents.len(), 1);
    sent_signed(&world, docflow, protocol, reply).await;
}

#[tokio::test]
async fn a_pfr_reply_is_signed_in_the_app() {
    let world = World::start().await;
    let (docflow, protocol, reply) = cloud_reply(&world, "myDSS").await;
    let replies = world
        .client
        .account(world.account)
        .pfr_replies(docflow, protocol);
    let init = replies.cloud_sign(reply, false).await.unwrap();
    let task = init.task_id.unwrap();
    let pending = replies.task(reply, task).await.unwrap();
    assert_eq!(pending.task_state.as_deref(), Some("running"));
    test_tool(&world, reqwest::Method::POST, "confirm-cloud-operation")
        .json(&json!({ "request-id": init.request_id }))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    let done = wait_task(&quick_poll(), || replies.task(reply, task))
        .await
        .unwrap();
    task_result(done).unwrap();
    sent_signed(&world, docflow, protocol, reply).await;
}

#[tokio::test]
async fn a_documents_request_is_generated_signed_and_sent() {
    let world = World::start().await;
    let docflows = world.client.account(world.account).docflows();
    let docflow = sedo_docflow(&world).await;
    let (certificate, key) = issue_certificate(&world.sandbox, INN, KPP, "rsa").await;

    let request = docflows
        .generate_documents_request(docflow, &certificate, None)
        .await
        .unwrap();
    assert_eq!(request.docflow_id, Some(docflow));
    let id = request.id.unwrap();
    let data = b64(request.data_to_sign.as_deref().unwrap());
    let content = String::from_utf8(b64(request.content.as_deref().unwrap())).unwrap();
    assert!(content.contains("6601234567"), "the registration number");
    assert!(request.signature.is_none());

    // Nothing is sent unsigned; a CMS signature is not a raw one.
    assert_eq!(
        error_id(docflows.send_documents_request(docflow, id).await),
        "urn:error:externapi:requestNotSigned"
    );
    let cms = world.signer.sign(&data).await.unwrap();
    assert_eq!(
        error_id(
            docflows
                .save_documents_request_signature(docflow, id, &cms)
                .await
        ),
        "urn:error:externapi:invalidSignature"
    );

    let raw = raw_sign(&key, &data);
    let signed = docflows
        .save_documents_request_signature(docflow, id, &raw)
        .await
        .unwrap();
    assert_eq!(signed.signature.as_deref().map(b64), Some(raw.clone()));
    assert_eq!(
        docflows
            .documents_request(docflow, id)
            .await
            .unwrap()
            .signature,
        signed.signature
    );

    let sent = docflows.send_documents_request(docflow, id).await.unwrap();
    assert_eq!(sent.id, docflow);
    assert_eq!(sent.status(), DocflowStatus::ResponseArrived);
    let shown = docflows.get(docflow).await.unwrap();
    assert_eq!(shown.documents.len(), 1, "the SFR's document arrived");
    assert_eq!(
        document_type(&shown.documents[0]),
        "urn:document:fss-sedo-pvso-notification-notification-message"
    );

    // Sent once; the documents are in.
    assert_eq!(
        error_id(docflows.send_documents_request(docflow, id).await),
        "urn:error:externapi:requestAlreadySent"
    );
    assert_eq!(
        error_id(
            docflows
                .save_documents_request_signature(docflow, id, &raw)
                .await
        ),
        "urn:error:externapi:requestAlreadySent"
    );
    assert_eq!(
        error_id(
            docflows
                .generate_documents_request(docflow, &certificate, None)
                .await
        ),
        "urn:error:externapi:documentsAlreadyReceived"
    );
}

#[tokio::test]
async fn documents_request_refusals() {
    let world = World::start().await;
    let docflows = world.client.account(world.account).docflows();
    let docflow = sedo_docflow(&world).await;

    // A stranger signs for the organization only under a warrant.
    let (stranger, stranger_key) =
        issue_certificate(&world.sandbox, "7701234560", "770101001", "rsa").await;
    assert_eq!(
        error_id(
            docflows
                .generate_documents_request(docflow, &stranger, None)
                .await
        ),
        "urn:error:externapi:certificateInnMismatch"
    );
    let request = docflows
        .generate_documents_request(docflow, &stranger, Some(Uuid::new_v4()))
        .await
        .unwrap();
    let id = request.id.unwrap();
    let data = b64(request.data_to_sign.as_deref().unwrap());
    // The signature must be by the request's certificate.
    let (_, other_key) = issue_certificate(&world.sandbox, INN, KPP, "rsa").await;
    assert_eq!(
        error_id(
            docflows
                .save_documents_request_signature(docflow, id, &raw_sign(&other_key, &data))
                .await
        ),
        "urn:error:externapi:invalidSignature"
    );
    docflows
        .save_documents_request_signature(docflow, id, &raw_sign(&stranger_key, &data))
        .await
        .unwrap();

    // Unknown requests and docflows; a docflow that is not an incoming SEDO one.
    let err = docflows
        .send_documents_request(docflow, Uuid::new_v4())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
    let err = docflows
        .generate_documents_request(Uuid::new_v4(), world.signer.certificate(), None)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
    let demand = generate_demand(&world.sandbox, json!({})).await;
    assert_eq!(
        error_id(
            docflows
                .generate_documents_request(demand, world.signer.certificate(), None)
                .await
        ),
        "urn:error:externapi:documentsRequestUnavailable"
    );
}
