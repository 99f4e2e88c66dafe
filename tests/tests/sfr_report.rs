//! The Social Fund's report (`urn:docflow:sfr-report`) end to end: the report signed inside
//! with an enveloped XMLDsig, verified for real by the sandbox's check, answered by its robot.

use std::time::Duration;

use extern_api_core::api::DraftTask;
use extern_api_core::model::urn::{DocflowStatus, DocumentType, SuccessState};
use extern_api_core::{
    Error,
    crypto::{Signer, sign_enveloped},
    workflows::{Recipient, ReportFile, ReportRequest},
};
use extern_api_tests::*;

/// The vendor's ЕФС-1 sample to the office `office` (the ЕРН's first two groups).
fn request(world: &World, office: &str) -> ReportRequest {
    let mut file = ReportFile::new(std::fs::read(SFR_REPORT).unwrap());
    file.name = Some("ПФР_000_004_872962_666666_ЕФС_1_20230228_48d931ba_8d10_42c4_b03e.xml".into());
    let mut r = ReportRequest::new(
        world.account,
        INN,
        Some(KPP.into()),
        Recipient::Sfr(format!("{office}-872962")),
        vec![file],
    );
    r.follow_interval = Duration::from_millis(20);
    r.deadline = Duration::from_secs(60);
    r
}

#[tokio::test]
async fn the_social_fund_accepts_an_efs1_signed_inside() {
    let world = World::start().await;
    let outcome = world
        .client
        .send_sfr_report(&request(&world, "087-101"), &world.signer, None)
        .await
        .unwrap();
    assert_eq!(outcome.status, DocflowStatus::Finished);
    assert_eq!(outcome.success, SuccessState::Successful);
    let types: Vec<&DocumentType> = outcome.documents.iter().map(|d| &d.document_type).collect();
    assert!(
        types.contains(&&DocumentType::SfrReportAcknowledgement),
        "{types:?}"
    );
    assert!(
        types.contains(&&DocumentType::SfrReportProtocolCheck),
        "{types:?}"
    );
    assert_eq!(outcome.replies.len(), 1, "the protocol acknowledged");
    let docflow = world
        .client
        .account(world.account)
        .docflows()
        .get(outcome.docflow_id)
        .await
        .unwrap();
    assert_eq!(docflow.type_.as_deref(), Some("urn:docflow:sfr-report"));
}

#[tokio::test]
async fn office_000_088_declines_and_000_085_asks_for_refinement() {
    let world = World::start().await;
    let declined = world
        .client
        .send_sfr_report(&request(&world, "000-088"), &world.signer, None)
        .await
        .unwrap();
    assert_eq!(declined.status, DocflowStatus::Finished);
    assert_eq!(declined.success, SuccessState::Failed);
    assert_eq!(
        declined.rejections.len(),
        1,
        "the decline notice is the refusal"
    );
    assert!(
        declined
            .documents
            .iter()
            .any(|d| d.document_type == DocumentType::SfrReportDeclineNotice)
    );
    let refined = world
        .client
        .send_sfr_report(&request(&world, "000-085"), &world.signer, None)
        .await
        .unwrap();
    assert_eq!(refined.status, DocflowStatus::Finished);
    assert_eq!(refined.success, SuccessState::Warning);
}

/// A draft to the Social Fund with `content` as its report (the sender's certificate in its
/// meta); answers the draft's and the document's ids.
async fn sfr_draft(
    world: &World,
    content: Vec<u8>,
    warrant: Option<uuid::Uuid>,
) -> (uuid::Uuid, uuid::Uuid) {
    let account = world.client.account(world.account);
    let meta = serde_json::from_value(serde_json::json!({
        "sender": { "inn": INN, "kpp": KPP, "ipaddress": "8.8.8.8", "certificate": { "content":
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD,
                world.signer.certificate()) } },
        "payer": { "inn": INN, "organization": { "kpp": KPP }, "registration-number-sfr": "087-101-872962" },
        "recipient": {},
        "additional-info": { "machine-readable-warrant-id": warrant },
    }))
    .unwrap();
    let draft = account.drafts().create(&meta).await.unwrap();
    let content_id = account.contents().upload_bytes(&content).await.unwrap();
    let body = serde_json::from_value(serde_json::json!({
        "content-id": content_id,
        "description": { "filename": "ПФР_report.xml", "type": "urn:document:sfr-report-report-document" },
    }))
    .unwrap();
    let doc = account
        .drafts()
        .add_document(draft.id, &body)
        .await
        .unwrap();
    (draft.id, doc.id)
}

/// Sends `content` as the report of an SFR draft by hand and returns the check's errors.
async fn check_errors(world: &World, content: Vec<u8>) -> Vec<String> {
    check_errors_with(world, content, None).await
}

/// [`check_errors`] for a draft that names the МЧД `warrant` in `additional-info`.
async fn check_errors_with(
    world: &World,
    content: Vec<u8>,
    warrant: Option<uuid::Uuid>,
) -> Vec<String> {
    let (draft, _) = sfr_draft(world, content, warrant).await;
    let protocol = world
        .client
        .check_draft(world.account, draft, &Default::default())
        .await
        .unwrap();
    protocol
        .common
        .iter()
        .chain(protocol.documents.iter().flat_map(|d| &d.errors))
        .filter(|e| !e.is_warning())
        .map(|e| e.description.clone())
        .collect()
}

#[tokio::test]
async fn the_check_verifies_the_xmldsig_and_refuses_a_changed_document() {
    let world = World::start().await;
    let original = std::fs::read(SFR_REPORT).unwrap();
    let signed = sign_enveloped(&world.signer, &original, None)
        .await
        .unwrap();
    assert!(check_errors(&world, signed.clone()).await.is_empty());

    // The insurer's name changed after signing: the digest no longer matches.
    let text = String::from_utf8(signed).unwrap();
    assert!(text.contains("Ромашка"));
    let tampered = text.replacen("Ромашка", "Лютик", 1).into_bytes();
    let errors = check_errors(&world, tampered).await;
    assert!(
        errors
            .iter()
            .any(|e| e.contains("не соответствует содержимому")),
        "{errors:?}"
    );

    // A file that is not XML cannot carry an XMLDsig.
    let errors = check_errors(&world, b"not xml".to_vec()).await;
    assert!(
        errors.iter().any(|e| e.contains("не является XML")),
        "{errors:?}"
    );
}

#[tokio::test]
async fn the_service_signs_an_unsigned_report_from_a_raw_signature() {
    let world = World::start().await;
    let account = world.client.account(world.account);
    let drafts = account.drafts();
    let (draft, document) = sfr_draft(&world, std::fs::read(SFR_REPORT).unwrap(), None).await;
    let checked = world
        .client
        .check_draft(world.account, draft, &Default::default())
        .await
        .unwrap();
    // Unsigned until the raw signature is put: the check says so and hands out data-to-sign.
    assert!(
        checked.to_string().contains("подпишите data-to-sign"),
        "{checked}"
    );
    let doc = drafts.document(draft, document).await.unwrap();
    assert!(
        doc.data_to_sign_content_id.is_some(),
        "data-to-sign after check"
    );

    // Sending before the data-to-sign is signed: refused, the report is not signed.
    let task = drafts.start(draft, DraftTask::Send).await.unwrap();
    let early = world
        .client
        .wait_draft_task(world.account, draft, task, &Default::default())
        .await;
    let early = format!("{early:?}");
    assert!(
        early.contains("checkProtocolHasErrors") && early.contains("подпишите data-to-sign"),
        "{early}"
    );

    assert!(
        drafts
            .sign_data_to_sign(draft, document, &world.signer)
            .await
            .unwrap()
    );
    let task = drafts.start(draft, DraftTask::Prepare).await.unwrap();
    let prepared = world
        .client
        .wait_draft_task(world.account, draft, task, &Default::default())
        .await
        .unwrap();
    assert_eq!(prepared["status"], "ok", "{prepared}");
    // Prepare inserted the ds:Signature into the report.
    let doc = drafts.document(draft, document).await.unwrap();
    assert!(doc.data_to_sign_content_id.is_none());
    let content = doc.contents[0].content_id.unwrap();
    let mut signed = Vec::new();
    account
        .contents()
        .download(content, &mut signed, &Default::default())
        .await
        .unwrap();
    let text = String::from_utf8(signed).unwrap();
    assert!(text.contains("<ds:Signature"), "{text}");
    let task = drafts.start(draft, DraftTask::Send).await.unwrap();
    let sent = world
        .client
        .wait_draft_task(world.account, draft, task, &Default::default())
        .await
        .unwrap();
    assert_eq!(sent["type"], "urn:docflow:sfr-report", "{sent}");
}

#[tokio::test]
async fn a_raw_signature_of_something_else_is_refused() {
    let world = World::start().await;
    let drafts = world.client.account(world.account).drafts();
    let (draft, document) = sfr_draft(&world, std::fs::read(SFR_REPORT).unwrap(), None).await;
    world
        .client
        .check_draft(world.account, draft, &Default::default())
        .await
        .unwrap();
    let wrong = world.signer.sign_raw(b"something else").await.unwrap();
    drafts
        .put_document_signature(draft, document, &wrong)
        .await
        .unwrap();
    let protocol = world
        .client
        .check_draft(world.account, draft, &Default::default())
        .await
        .unwrap();
    assert!(
        protocol.to_string().contains("не соответствует"),
        "{protocol}"
    );
}

#[tokio::test]
async fn a_signature_by_someone_else_is_refused() {
    let world = World::start().await;
    let original = std::fs::read(SFR_REPORT).unwrap();
    let stranger = issue_signer(&world.sandbox, "7707083893", "773601001").await;
    let by_stranger = sign_enveloped(&stranger, &original, None).await.unwrap();
    let errors = check_errors(&world, by_stranger).await;
    assert!(
        errors.iter().any(|e| e.contains("7707083893")),
        "{errors:?}"
    );
}

#[tokio::test]
async fn bad_input_is_refused_before_any_request() {
    let world = World::start().await;
    let mut r = request(&world, "087-101");
    r.recipient = Recipient::Sfr("87-101".into());
    let e = world
        .client
        .send_sfr_report(&r, &world.signer, None)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidInput(_)), "{e:#}");
    r.recipient = Recipient::Fns("0087".into());
    let e = world
        .client
        .send_sfr_report(&r, &world.signer, None)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidInput(_)), "{e:#}");
    // Not XML: refused while signing, before anything is filed.
    r.recipient = Recipient::Sfr("087-101-872962".into());
    r.files[0].content = bytes::Bytes::from_static(b"not xml");
    let e = world
        .client
        .send_sfr_report(&r, &world.signer, None)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Signing { .. }), "{e:#}");
}

#[tokio::test]
async fn an_rsa_signature_verifies_and_the_warrant_id_must_be_in_the_signature_block() {
    let world = World::start().await;
    let (cert, key) = issue_certificate(&world.sandbox, INN, KPP, "rsa").await;
    let rsa = extern_api_core::crypto::SoftwareSigner::from_pem(&key, cert).unwrap();
    let original = std::fs::read(SFR_REPORT).unwrap();
    let warrant = uuid::Uuid::new_v4();
    let with_id = sign_enveloped(&rsa, &original, Some(warrant))
        .await
        .unwrap();
    assert!(
        String::from_utf8_lossy(&with_id).contains(&format!("<mchd:uuid>{warrant}</mchd:uuid>"))
    );
    assert!(check_errors(&world, with_id.clone()).await.is_empty());
    // The МЧД block is outside the digests (as in the vendor's sample): the draft's id is
    // compared with it.
    let errors = check_errors_with(&world, with_id, Some(uuid::Uuid::new_v4())).await;
    assert!(errors.iter().any(|e| e.contains("МЧД")), "{errors:?}");
    let without = sign_enveloped(&rsa, &original, None).await.unwrap();
    let errors = check_errors_with(&world, without, Some(warrant)).await;
    assert!(errors.iter().any(|e| e.contains("МЧД")), "{errors:?}");
}

#[tokio::test]
async fn an_unsigned_report_sent_without_a_check_is_refused() {
    let world = World::start().await;
    let drafts = world.client.account(world.account).drafts();
    let (draft, document) = sfr_draft(&world, std::fs::read(SFR_REPORT).unwrap(), None).await;
    let task = drafts.start(draft, DraftTask::Send).await.unwrap();
    let sent = world
        .client
        .wait_draft_task(world.account, draft, task, &Default::default())
        .await;
    let sent = format!("{sent:?}");
    assert!(
        sent.contains("checkProtocolHasErrors") && sent.contains("подпишите data-to-sign"),
        "{sent}"
    );
    // The send's check handed out data-to-sign: signing it lets the report go.
    assert!(
        drafts
            .sign_data_to_sign(draft, document, &world.signer)
            .await
            .unwrap()
    );
    let task = drafts.start(draft, DraftTask::Send).await.unwrap();
    let sent = world
        .client
        .wait_draft_task(world.account, draft, task, &Default::default())
        .await
        .unwrap();
    assert_eq!(sent["type"], "urn:docflow:sfr-report", "{sent}");
}
