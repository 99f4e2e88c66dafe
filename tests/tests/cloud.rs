//! extern-api-dss against the sandbox: a cloud certificate sends a report through core's
//! unchanged `send_report` (SMS codes and myDSS approvals, drafts and replies), decrypts a
//! demand, and every documented failure comes back typed.

use std::time::Duration;

use extern_api_core::api::PollPolicy;
use extern_api_core::model::urn::{DocflowStatus, SuccessState};
use extern_api_core::{
    CloudFailure, Error,
    api::TransferOptions,
    crypto::Signer,
    workflows::{Recipient, ReportOutcome, ReportRequest},
};
use extern_api_dss::{ChannelConfirmer, CloudOperation, CloudSigner, ConfirmType};
use extern_api_tests::holder::{Behaviour, SandboxHolder, cloud_certificate};
use extern_api_tests::*;

fn request(world: &World) -> ReportRequest {
    let mut r = ReportRequest::new(
        world.account,
        INN,
        Some(KPP.into()),
        Recipient::Fns("0087".into()),
        vec![report_for("0087")],
    );
    r.follow_interval = Duration::from_millis(20);
    r.deadline = Duration::from_secs(60);
    r
}

/// A cloud signer polling myDSS tasks quickly.
fn cloud_signer(
    certificate: Vec<u8>,
    holder: impl extern_api_dss::Confirmer + 'static,
) -> CloudSigner {
    let mut poll = PollPolicy::with_deadline(Duration::from_secs(30));
    poll.first_interval = Duration::from_millis(20);
    poll.max_interval = Duration::from_millis(100);
    CloudSigner::new(certificate, holder).poll_policy(poll)
}

fn assert_finished(outcome: &ReportOutcome) {
    assert!(outcome.finished);
    assert_eq!(outcome.status, DocflowStatus::Finished);
    assert_eq!(outcome.success, SuccessState::Successful);
    assert_eq!(outcome.replies.len(), 3, "receipts on PD, KV and IV");
}

fn cloud_failure(e: Error) -> CloudFailure {
    match e {
        Error::Cloud { failure, .. } => failure,
        other => panic!("not a cloud failure: {other}"),
    }
}

#[tokio::test]
async fn sms_codes_sign_the_draft_and_every_receipt() {
    let world = World::start().await;
    let holder = SandboxHolder::new(&world.sandbox, Behaviour::Sms { wrong_first: 0 });
    let seen = holder.seen.clone();
    let signer = cloud_signer(cloud_certificate(&world.sandbox, "sms").await, holder);
    let outcome = world
        .client
        .send_report(&request(&world), &signer, None)
        .await
        .unwrap();
    assert_finished(&outcome);
    let requests = seen.lock().unwrap().requests.clone();
    let ops: Vec<&CloudOperation> = requests.iter().map(|r| &r.operation).collect();
    assert!(
        matches!(ops[0], CloudOperation::SignDraft { draft, .. } if *draft == outcome.draft_id)
    );
    assert_eq!(
        ops.iter()
            .filter(|o| matches!(o, CloudOperation::SignReply { docflow, .. } if *docflow == outcome.docflow_id))
            .count(),
        3
    );
    assert!(requests.iter().all(|r| r.confirm_type == ConfirmType::Sms));
    // The signatures on the sent documents are the cloud certificate's.
    let docflow = world
        .client
        .account(world.account)
        .docflows()
        .get(outcome.docflow_id)
        .await
        .unwrap();
    let report = &docflow.documents[0];
    assert!(
        report
            .signatures
            .iter()
            .any(|s| s.signature_certificate_thumbprint.is_some()),
        "the report is signed"
    );
}

#[tokio::test]
async fn a_wrong_code_is_asked_again_with_the_servers_reason() {
    let world = World::start().await;
    let holder = SandboxHolder::new(&world.sandbox, Behaviour::Sms { wrong_first: 2 });
    let seen = holder.seen.clone();
    let signer = cloud_signer(cloud_certificate(&world.sandbox, "sms").await, holder);
    let outcome = world
        .client
        .send_report(&request(&world), &signer, None)
        .await
        .unwrap();
    assert_finished(&outcome);
    let seen = seen.lock().unwrap();
    let first = &seen.requests[..3];
    assert_eq!(
        first.iter().map(|r| r.attempt).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert!(first.iter().all(|r| r.request_id == first[0].request_id));
    assert!(
        first[1]
            .refused
            .as_deref()
            .unwrap()
            .contains("2 attempts left")
    );
    assert!(
        first[2]
            .refused
            .as_deref()
            .unwrap()
            .contains("1 attempts left")
    );
}

#[tokio::test]
async fn too_many_wrong_codes_fail_typed_and_release_the_draft() {
    let world = World::start().await;
    let certificate = cloud_certificate(&world.sandbox, "sms").await;
    let holder = SandboxHolder::new(&world.sandbox, Behaviour::Sms { wrong_first: 3 });
    let seen = holder.seen.clone();
    let signer = cloud_signer(certificate.clone(), holder);
    let err = world
        .client
        .send_report(&request(&world), &signer, None)
        .await
        .unwrap_err();
    assert_eq!(
        cloud_failure(err),
        CloudFailure::ExceededConfirmationAttempts
    );
    let asked = seen.lock().unwrap().requests.clone();
    assert_eq!(asked.len(), 3, "three codes, then the service gave up");
    let CloudOperation::SignDraft { draft, .. } = asked[0].operation else {
        panic!("{:?}", asked[0])
    };
    // The draft is free again: a new operation with the right code signs it.
    let again = cloud_signer(
        certificate,
        SandboxHolder::new(&world.sandbox, Behaviour::Sms { wrong_first: 0 }),
    );
    let signed = again
        .sign_draft(&world.client, world.account, draft)
        .await
        .unwrap();
    assert_eq!(signed.len(), 1, "the report");
}

#[tokio::test]
async fn a_holder_who_gives_no_code_cancels() {
    let world = World::start().await;
    let holder = SandboxHolder::new(&world.sandbox, Behaviour::GivesUp);
    let signer = cloud_signer(cloud_certificate(&world.sandbox, "sms").await, holder);
    let err = world
        .client
        .send_report(&request(&world), &signer, None)
        .await
        .unwrap_err();
    assert_eq!(cloud_failure(err), CloudFailure::CanceledByUser);
}

#[tokio::test]
async fn app_approvals_sign_the_draft_and_every_receipt() {
    let world = World::start().await;
    let holder = SandboxHolder::new(&world.sandbox, Behaviour::App { deny: false });
    let seen = holder.seen.clone();
    let signer = cloud_signer(cloud_certificate(&world.sandbox, "myDSS").await, holder);
    let outcome = world
        .client
        .send_report(&request(&world), &signer, None)
        .await
        .unwrap();
    assert_finished(&outcome);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.requests.len(), 4, "the draft and three receipts");
    assert!(
        seen.requests
            .iter()
            .all(|r| r.confirm_type == ConfirmType::MyDss)
    );
    assert!(
        seen.progress.iter().any(|p| p == "AwaitingForConfirmation"),
        "{:?}",
        seen.progress
    );
    assert!(
        seen.progress.iter().any(|p| p == "Completed"),
        "{:?}",
        seen.progress
    );
}

#[tokio::test]
async fn a_denial_in_the_app_is_canceled_by_user() {
    let world = World::start().await;
    let holder = SandboxHolder::new(&world.sandbox, Behaviour::App { deny: true });
    let signer = cloud_signer(cloud_certificate(&world.sandbox, "myDSS").await, holder);
    let err = world
        .client
        .send_report(&request(&world), &signer, None)
        .await
        .unwrap_err();
    assert_eq!(cloud_failure(err), CloudFailure::CanceledByUser);
}

/// While one signing awaits the holder, a second one on the same draft is refused (409) with a
/// typed error; the first then times out when the holder never answers.
#[tokio::test]
async fn a_pending_operation_blocks_another_and_then_times_out() {
    let world = World::start().await;
    let certificate = cloud_certificate(&world.sandbox, "myDSS").await;
    let holder = SandboxHolder::new(&world.sandbox, Behaviour::Silent);
    let asked = holder.seen.clone();
    let silent = cloud_signer(certificate.clone(), holder);
    let client = world.client.clone();
    let req = request(&world);
    let first = tokio::spawn(async move { client.send_report(&req, &silent, None).await });
    // The holder is asked once the signing is pending at the server.
    let draft = loop {
        let pending = asked.lock().unwrap().requests.first().cloned();
        if let Some(r) = pending {
            let CloudOperation::SignDraft { draft, .. } = r.operation else {
                panic!("{r:?}")
            };
            break draft;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let second = cloud_signer(
        certificate,
        SandboxHolder::new(&world.sandbox, Behaviour::App { deny: false }),
    );
    let refused = second
        .sign_draft(&world.client, world.account, draft)
        .await
        .unwrap_err();
    assert_eq!(
        cloud_failure(refused),
        CloudFailure::UnconfirmedOperationPending
    );
    world.sandbox.advance_clock(Duration::from_secs(301));
    let err = first.await.unwrap().unwrap_err();
    assert_eq!(cloud_failure(err), CloudFailure::Timeout);
}

#[tokio::test]
async fn a_local_certificate_is_not_a_cloud_one() {
    let world = World::start().await;
    let holder = SandboxHolder::new(&world.sandbox, Behaviour::Sms { wrong_first: 0 });
    let signer = cloud_signer(world.signer.certificate().to_vec(), holder);
    let err = world
        .client
        .send_report(&request(&world), &signer, None)
        .await
        .unwrap_err();
    assert_eq!(cloud_failure(err), CloudFailure::NotCloudCertificate);
}

#[tokio::test]
async fn a_cloud_signer_refuses_to_sign_bytes_locally() {
    let world = World::start().await;
    let holder = SandboxHolder::new(&world.sandbox, Behaviour::GivesUp);
    let signer = cloud_signer(cloud_certificate(&world.sandbox, "sms").await, holder);
    let err = signer.sign(b"content").await.unwrap_err();
    assert!(matches!(err, Error::Signing { .. }), "{err}");
    assert!(!format!("{signer:?}").is_empty());
}

/// A demand's documents are encrypted for the organization's certificates, the cloud one
/// included; the cloud decrypts each with the holder's code (given through a channel, as a UI
/// would) and keeps the plain content.
#[tokio::test]
async fn the_cloud_decrypts_a_demand_with_codes_from_a_channel() {
    let world = World::start().await;
    let certificate = cloud_certificate(&world.sandbox, "sms").await;
    let (confirmer, mut prompts) = ChannelConfirmer::new();
    let signer = cloud_signer(certificate, confirmer);
    let holder = SandboxHolder::new(&world.sandbox, Behaviour::Sms { wrong_first: 0 });
    let ui = tokio::spawn(async move {
        let mut answered = 0;
        while let Some(prompt) = prompts.recv().await {
            assert!(matches!(
                prompt.request.operation,
                CloudOperation::Decrypt { .. }
            ));
            let code = extern_api_dss::Confirmer::code(&holder, &prompt.request)
                .await
                .unwrap();
            prompt.answer(code);
            answered += 1;
        }
        answered
    });
    let generated: serde_json::Value = reqwest::Client::new()
        .post(format!(
            "{}/test-tools/v1/generate-demand",
            world.sandbox.url()
        ))
        .header("X-Kontur-Apikey", &world.sandbox.config().api_key)
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
        if !contents.iter().any(|c| c.encrypted == Some(true)) {
            continue;
        }
        let plain_id = signer
            .decrypt_document(&world.client, world.account, docflow_id, doc.id)
            .await
            .unwrap();
        let mut plain = Vec::new();
        account
            .contents()
            .download(plain_id, &mut plain, &TransferOptions::default())
            .await
            .unwrap();
        assert!(plain.starts_with(b"<?xml"), "decrypted XML");
        opened += 1;
    }
    assert_eq!(opened, 3, "main document, description and attachment");
    drop(signer);
    assert_eq!(ui.await.unwrap(), 3);
}

/// Two cloud signings of different replies in one docflow cannot run at once: the second is
/// refused (409) with a typed error while the first awaits the holder.
#[tokio::test]
async fn replies_of_one_docflow_are_signed_one_at_a_time() {
    use base64::Engine;
    use extern_api_core::model::DocflowExt;
    use extern_api_core::raw::prelude::*;
    use extern_api_core::raw::types;

    let world = World::start().await;
    let certificate = cloud_certificate(&world.sandbox, "myDSS").await;
    generate_docflows(&world.sandbox, 1).await;
    quiet_feed(&world).await;
    let item = world
        .client
        .account(world.account)
        .docflows()
        .page(&Default::default(), 0)
        .await
        .unwrap()
        .items
        .remove(0);
    let docflow = world
        .client
        .account(world.account)
        .docflows()
        .get(item.id)
        .await
        .unwrap();
    let due = docflow.due_replies();
    assert!(due.len() >= 2, "{due:?}");
    let body = types::GenerateReplyRequest {
        certificate_base64: base64::engine::general_purpose::STANDARD.encode(&certificate),
    };
    let body = &body;
    let mut replies = Vec::new();
    for d in &due[..2] {
        let reply = world
            .client
            .call(extern_api_core::Idempotency::Once, move |c| async move {
                c.replies_generate_reply()
                    .account_id(world.account)
                    .docflow_id(item.id)
                    .document_id(d.document_id)
                    .document_type(d.reply_type.clone())
                    .body(body.clone())
                    .send()
                    .await
            })
            .await
            .unwrap()
            .into_inner();
        replies.push((d.document_id, reply.id));
    }
    let holder = SandboxHolder::new(&world.sandbox, Behaviour::Silent);
    let asked = holder.seen.clone();
    let first = cloud_signer(certificate.clone(), holder);
    let client = world.client.clone();
    let (account, docflow_id, (doc, reply)) = (world.account, item.id, replies[0]);
    let pending = tokio::spawn(async move {
        first
            .sign_reply(&client, account, docflow_id, doc, reply)
            .await
    });
    while asked.lock().unwrap().requests.is_empty() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let second = cloud_signer(
        certificate,
        SandboxHolder::new(&world.sandbox, Behaviour::App { deny: false }),
    );
    let (doc, reply) = replies[1];
    let refused = second
        .sign_reply(&world.client, account, docflow_id, doc, reply)
        .await
        .unwrap_err();
    assert_eq!(
        cloud_failure(refused),
        CloudFailure::UnconfirmedOperationPending
    );
    world.sandbox.advance_clock(Duration::from_secs(301));
    assert_eq!(
        cloud_failure(pending.await.unwrap().unwrap_err()),
        CloudFailure::Timeout
    );
}
