//! reestro-api against the sandbox's `/realty/v1/`, over HTTP: the EGRN extract and the
//! registration workflows, every requirement kind, the news monitor across a restart, both
//! login schemes, and bad input refused before or by the server.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use extern_api_core::crypto::{Signer, SoftwareSigner};
use extern_api_core::stores::{CursorStore, SqliteCursorStore};
use extern_api_sandbox::{Sandbox, SandboxConfig};
use reestro_api::model::DocflowState;
use reestro_api::options::{
    CreateDocflow, DocflowObject, DocflowOptions, Person, Registration, RightMovement,
};
use reestro_api::{
    CadastralNumber, Error, ExtractRequest, NewsOptions, ParticipantSigner, ReestroAuth,
    ReestroClient, RegistrationRequest, RegistrationStep,
};

const SELLER_SNILS: &str = "112-233-445 95";
const BUYER_SNILS: &str = "087-654-303 00";

async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig::for_tests()).await.unwrap()
}

fn client(sandbox: &Sandbox) -> ReestroClient {
    let c = sandbox.config();
    ReestroClient::builder()
        .base_url(sandbox.url())
        .auth(ReestroAuth::session(
            c.login.clone(),
            c.password.clone(),
            sandbox.account_id(),
        ))
        .build()
        .unwrap()
}

fn quick(number: &str) -> ExtractRequest {
    let mut r = ExtractRequest::new(CadastralNumber::parse(number).unwrap());
    r.poll_interval = Duration::from_millis(50);
    r.deadline = Duration::from_secs(30);
    r
}

/// A person's signer: a certificate the sandbox issues in their name.
async fn person_signer(sandbox: &Sandbox, full_name: &str) -> Arc<dyn Signer> {
    let (cert, key) =
        extern_api_tests::issue_certificate_for(sandbox, "500100732259", None, full_name, "ecdsa")
            .await;
    Arc::new(SoftwareSigner::from_pem(&key, cert).unwrap())
}

/// Waits (10 s at most) until `done` holds for the docflow.
async fn until(
    client: &ReestroClient,
    id: uuid::Uuid,
    done: impl Fn(&reestro_api::model::Docflow) -> bool,
) -> Result<reestro_api::model::Docflow, Error> {
    client
        .wait_docflow(id, Duration::from_secs(10), Duration::from_millis(40), done)
        .await
}

/// Signs every statement of a suspended docflow, sends it, and waits for the fees.
async fn sign_send_until_charged(
    client: &ReestroClient,
    created: &reestro_api::model::Docflow,
    signers: &[ParticipantSigner],
) -> reestro_api::model::Docflow {
    client.sign_statements(created, signers).await.unwrap();
    client.send_docflow(created.docflow_id).await.unwrap();
    until(client, created.docflow_id, |d| {
        !d.payment_requirements().is_empty()
    })
    .await
    .unwrap()
}

fn seller() -> Person {
    Person::new("Петров", "Пётр", Some("Петрович"), SELLER_SNILS)
}

fn buyer() -> Person {
    Person::new("Сидорова", "Анна", Some("Ивановна"), BUYER_SNILS)
}

fn sale() -> DocflowOptions {
    DocflowOptions::RightMovement(RightMovement {
        object: DocflowObject::flat(CadastralNumber::parse("77:01:0001001:1234").unwrap()),
        sellers: vec![seller()],
        buyers: vec![buyer()],
        contract_of_sale: None,
        other_documents: Vec::new(),
    })
}

async fn sale_request(sandbox: &Sandbox) -> RegistrationRequest {
    RegistrationRequest {
        options: sale(),
        signers: vec![
            ParticipantSigner {
                snils: SELLER_SNILS.into(),
                signer: person_signer(sandbox, "Петров Пётр Петрович").await,
            },
            ParticipantSigner {
                snils: BUYER_SNILS.into(),
                signer: person_signer(sandbox, "Сидорова Анна Ивановна").await,
            },
        ],
        deadline: Duration::from_secs(30),
        poll_interval: Duration::from_millis(50),
    }
}

/// Pays a fee the way Rosreestr would see it: through the sandbox's test tools.
async fn pay(sandbox_url: &str, api_key: &str, uin: &str) {
    reqwest::Client::new()
        .post(format!("{sandbox_url}/test-tools/v1/realty/pay"))
        .header("X-Kontur-Apikey", api_key)
        .json(&serde_json::json!({ "uin": uin }))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
}

#[tokio::test]
async fn an_extract_is_requested_and_every_result_file_downloaded() {
    let sandbox = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let outcome = client(&sandbox)
        .request_extract(&quick("77:01:0001001:1234"), dir.path())
        .await
        .unwrap();
    assert_eq!(outcome.docflow.state, DocflowState::Completed);
    let kinds: Vec<&str> = outcome.files.iter().map(|f| f.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "egrn:extract_info:xml",
            "signature",
            "extract_info:pdf",
            "signature",
            "egrn:outdoc",
            "signature"
        ]
    );
    for f in &outcome.files {
        let bytes = std::fs::read(&f.path).unwrap();
        assert_eq!(bytes.len() as u64, f.size, "{}", f.path.display());
        match f.kind.as_str() {
            "egrn:extract_info:xml" => {
                assert!(
                    String::from_utf8(bytes)
                        .unwrap()
                        .contains("77:01:0001001:1234")
                )
            }
            "extract_info:pdf" => assert!(bytes.starts_with(b"%PDF-")),
            "egrn:outdoc" => assert!(bytes.starts_with(b"PK\x03\x04")),
            _ => assert_eq!(bytes[0], 0x30, "a DER CMS signature"),
        }
    }
    // Nothing is left under a temporary name.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 6);
}

#[tokio::test]
async fn an_object_of_the_test_pattern_ends_in_error_with_its_target() {
    let sandbox = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let err = client(&sandbox)
        .request_extract(&quick("77:01:0001001:0"), dir.path())
        .await
        .unwrap_err();
    let Error::DocflowFailed { error, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(error.code, "objectNotFound");
    assert_eq!(err.target(), Some("objectRequest.options.cadastralNumber"));
}

#[tokio::test]
async fn malformed_cadastral_numbers_are_refused_locally_and_by_the_server() {
    for bad in [
        "77:1:0001001:1",
        "77:01:0001001",
        "77-01-0001001-1",
        "77:01:00O1001:1",
        "",
    ] {
        let err = CadastralNumber::parse(bad).unwrap_err();
        assert!(matches!(err, Error::InvalidInput { .. }), "{bad}: {err:?}");
    }
    // A client that skips the check meets the server's: Reestro's error shape, with a target.
    let sandbox = sandbox().await;
    let session: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/realty/v1/auth", sandbox.url()))
        .json(&serde_json::json!({ "login": sandbox.config().login, "password": sandbox.config().password, "accountId": sandbox.account_id() }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let answer = reqwest::Client::new()
        .post(format!(
            "{}/realty/v1/docflows/object_request",
            sandbox.url()
        ))
        .header(
            "Authorization",
            format!("auth.sid {}", session["sessionId"].as_str().unwrap()),
        )
        .json(&serde_json::json!({ "options": { "type": "info", "cadastralNumber": "77:1:1:1" } }))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 400);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(body["code"], "validation");
    assert_eq!(body["target"], "objectRequest.options.cadastralNumber");
    // A participant's SNILS with a wrong check number: refused with its path.
    let mut options = sale().to_json();
    options["buyer"]["individualOwnership"]["snils"] = serde_json::json!("087-654-303 01");
    let answer = reqwest::Client::new()
        .post(format!(
            "{}/realty/v1/docflows/right_movement_request",
            sandbox.url()
        ))
        .header(
            "Authorization",
            format!("auth.sid {}", session["sessionId"].as_str().unwrap()),
        )
        .json(&serde_json::json!({ "options": options }))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 400);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(
        body["target"],
        "rightMovementRequest.options.buyer.individualOwnership.snils"
    );
    // An id that is not a GUID names nothing: 404, in Reestro's shape too.
    let answer = reqwest::Client::new()
        .get(format!("{}/realty/v1/docflows/not-a-guid", sandbox.url()))
        .header(
            "Authorization",
            format!("auth.sid {}", session["sessionId"].as_str().unwrap()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 404);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(body["code"], "notFound");
}

#[tokio::test]
async fn a_sale_is_signed_by_both_parties_paid_and_registered() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let request = sale_request(&sandbox).await;
    let steps = Mutex::new(Vec::new());
    let record = |s: RegistrationStep| steps.lock().unwrap().push(s);
    let (url, key) = (sandbox.url(), sandbox.config().api_key.clone());
    let outcome = client
        .register(&request, Some(&record), |_, fees| {
            let (url, key) = (url.clone(), key.clone());
            async move {
                for fee in &fees {
                    pay(&url, &key, &fee.uin).await;
                }
                Ok(())
            }
        })
        .await
        .unwrap();
    assert_eq!(outcome.docflow.state, DocflowState::Completed);
    assert_eq!(outcome.payments.len(), 2, "a fee per participant");
    assert!(
        outcome
            .payments
            .iter()
            .all(|p| p.sum == "2000" && p.uin.len() == 20)
    );
    let steps = steps.into_inner().unwrap();
    assert!(matches!(steps[0], RegistrationStep::Created { .. }));
    let mut signed: Vec<_> = steps
        .iter()
        .filter_map(|s| match s {
            RegistrationStep::Signed { participant, .. } => Some(participant.as_str()),
            _ => None,
        })
        .collect();
    signed.sort();
    assert_eq!(signed, ["Петров Пётр Петрович", "Сидорова Анна Ивановна"]);
    assert!(steps.contains(&RegistrationStep::Sent));
    assert!(steps.contains(&RegistrationStep::PaymentRequired(outcome.payments.clone())));
    assert_eq!(steps.last(), Some(&RegistrationStep::Completed));
    let dir = tempfile::tempdir().unwrap();
    let files = client
        .download_results(&outcome.docflow, dir.path())
        .await
        .unwrap();
    assert!(files.iter().any(|f| f.kind == "egrn:extract_info:xml"));
}

#[tokio::test]
async fn each_requirement_kind_is_shown_step_by_step() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let request = sale_request(&sandbox).await;
    let created = client
        .create_docflow(&CreateDocflow::new(sale()).with_request_id("sale-1"))
        .await
        .unwrap();
    assert_eq!(created.state, DocflowState::Suspended);
    let signatures = created.signature_requirements();
    assert_eq!(signatures.len(), 2);
    let mut snils: Vec<String> = signatures.iter().map(|r| r.snils()).collect();
    snils.sort();
    assert_eq!(snils, ["08765430300", "11223344595"]);
    assert!(signatures.iter().all(|r| r.files[0].kind == "statement"));
    // The same request id answers the same docflow: creates are safe to repeat.
    let again = client
        .create_docflow(&CreateDocflow::new(sale()).with_request_id("sale-1"))
        .await
        .unwrap();
    assert_eq!(again.docflow_id, created.docflow_id);

    let charged = sign_send_until_charged(&client, &created, &request.signers).await;
    assert_eq!(charged.state, DocflowState::Suspended);
    assert!(charged.signature_requirements().is_empty());
    let fees = charged.payment_requirements().to_vec();
    // One paid fee of two is not enough.
    pay(&sandbox.url(), &sandbox.config().api_key, &fees[0].uin).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        client.docflow(created.docflow_id).await.unwrap().state,
        DocflowState::Suspended
    );
    pay(&sandbox.url(), &sandbox.config().api_key, &fees[1].uin).await;
    let done = until(&client, created.docflow_id, |d| {
        d.state == DocflowState::Completed
    })
    .await
    .unwrap();
    assert!(done.result.unwrap().files.len() >= 2);
}

#[tokio::test]
async fn registrations_without_participants_or_signers_are_refused_before_any_request() {
    // Nothing listens here: any request would fail as a transport error, not as bad input.
    let client = ReestroClient::builder()
        .base_url("http://127.0.0.1:9")
        .auth(ReestroAuth::session("x", "y", uuid::Uuid::nil()))
        .build()
        .unwrap();
    let object = DocflowObject::flat(CadastralNumber::parse("77:01:0001001:1").unwrap());
    let nobody = DocflowOptions::Encumbrance(Registration {
        object: object.clone(),
        participants: Vec::new(),
        documents: Vec::new(),
        extra: Default::default(),
    });
    let err = client
        .create_docflow(&CreateDocflow::new(nobody))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput { field, .. } if field == "participants"),
        "{err:?}"
    );

    let no_buyer = DocflowOptions::RightMovement(RightMovement {
        object,
        sellers: vec![seller()],
        buyers: Vec::new(),
        contract_of_sale: None,
        other_documents: Vec::new(),
    });
    let err = client
        .create_docflow(&CreateDocflow::new(no_buyer))
        .await
        .unwrap_err();
    assert_eq!(err.target(), Some("buyers"));

    let mut bad_snils = seller();
    bad_snils.snils = "112-233-445 96".into();
    let request = RegistrationRequest {
        options: DocflowOptions::RightMovement(RightMovement {
            object: DocflowObject::flat(CadastralNumber::parse("77:01:0001001:1").unwrap()),
            sellers: vec![bad_snils],
            buyers: vec![buyer()],
            contract_of_sale: None,
            other_documents: Vec::new(),
        }),
        signers: Vec::new(),
        deadline: Duration::from_secs(1),
        poll_interval: Duration::from_millis(10),
    };
    let err = request.validate().unwrap_err();
    assert_eq!(err.target(), Some("participants[0].snils"), "{err:?}");

    let mut unsigned = request.clone();
    unsigned.options = sale();
    let err = client
        .register(&unsigned, None, |_, _| async { Ok(()) })
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("no signer for Петров Пётр Петрович"),
        "{err}"
    );
}

#[tokio::test]
async fn unsigned_or_wrongly_signed_statements_are_refused_by_the_server() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let created = client
        .create_docflow(&CreateDocflow::new(sale()))
        .await
        .unwrap();
    let err = client.send_docflow(created.docflow_id).await.unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.target(), Some("requirements.signature[0]"));

    // The buyer's statement signed with the seller's certificate: refused after sending.
    let seller_signer = person_signer(&sandbox, "Петров Пётр Петрович").await;
    let wrong = [
        ParticipantSigner {
            snils: SELLER_SNILS.into(),
            signer: seller_signer.clone(),
        },
        ParticipantSigner {
            snils: BUYER_SNILS.into(),
            signer: seller_signer,
        },
    ];
    client.sign_statements(&created, &wrong).await.unwrap();
    client.send_docflow(created.docflow_id).await.unwrap();
    let err = until(&client, created.docflow_id, |d| {
        d.state == DocflowState::Completed
    })
    .await
    .unwrap_err();
    let Error::DocflowFailed { error, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(error.code, "signature");
    let buyer_at = created
        .signature_requirements()
        .iter()
        .position(|r| r.full_name() == "Сидорова Анна Ивановна")
        .unwrap();
    assert_eq!(
        err.target(),
        Some(format!("requirements.signature[{buyer_at}]").as_str())
    );
}

#[tokio::test]
async fn the_news_monitor_resumes_after_a_restart_from_its_stored_token() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("news.sqlite");
    let seen = Arc::new(Mutex::new(Vec::<(uuid::Uuid, String)>::new()));
    let run = |client: ReestroClient, stop_after: uuid::Uuid| {
        let (seen, path) = (seen.clone(), path.clone());
        async move {
            let cursors: Arc<dyn CursorStore> = Arc::new(SqliteCursorStore::open(&path).unwrap());
            let mut options = NewsOptions::new("realty");
            options.min_idle = Duration::from_millis(20);
            options.max_idle = Duration::from_millis(100);
            let cancel = options.cancel.clone();
            client
                .monitor_news(cursors, options, |item| {
                    let d = item.docflow;
                    seen.lock()
                        .unwrap()
                        .push((d.docflow_id, d.state.name().to_string()));
                    if d.docflow_id == stop_after && d.state.is_final() {
                        cancel.cancel();
                    }
                    async { Ok::<_, std::convert::Infallible>(()) }
                })
                .await
                .unwrap();
        }
    };
    // Before any monitor: the feed starts at the first monitor's "now", so this is not seen.
    let out = tempfile::tempdir().unwrap();
    let before = client
        .request_extract(&quick("77:01:0001001:1"), out.path())
        .await
        .unwrap();

    // The first run stores "now", then sees the first extract's states; then it is killed.
    let first_run = tokio::spawn(run(client.clone(), uuid::Uuid::nil()));
    let store = SqliteCursorStore::open(&path).unwrap();
    while store.load("realty").await.unwrap().is_none() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let first_id = client
        .request_extract(&quick("77:01:0001001:2"), out.path())
        .await
        .unwrap()
        .docflow
        .docflow_id;
    while !seen
        .lock()
        .unwrap()
        .iter()
        .any(|(d, s)| *d == first_id && s == "completed")
    {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    first_run.abort();
    let _ = first_run.await;
    // Meanwhile a second extract happens.
    let second = client
        .request_extract(&quick("77:01:0001001:3"), out.path())
        .await
        .unwrap();
    // The restart picks up from the stored token and stops at the second extract's end.
    run(client.clone(), second.docflow.docflow_id).await;

    let seen = seen.lock().unwrap().clone();
    assert!(
        seen.iter().all(|(d, _)| *d != before.docflow.docflow_id),
        "before the first start"
    );
    let states = |id: uuid::Uuid| -> Vec<String> {
        seen.iter()
            .filter(|(d, _)| *d == id)
            .map(|(_, s)| s.clone())
            .collect()
    };
    // At least once: a state seen before the crash may come again, never one missing.
    let first = states(first_id);
    for s in ["queued", "sent", "completed"] {
        assert!(first.contains(&s.to_string()), "{first:?}");
    }
    assert_eq!(
        states(second.docflow.docflow_id),
        ["queued", "sent", "completed"]
    );
}

#[tokio::test]
async fn the_newer_reestro_auth_scheme_and_bad_keys() {
    let sandbox = sandbox().await;
    let good = ReestroClient::builder()
        .base_url(sandbox.url())
        .auth(ReestroAuth::api_key(
            sandbox.config().api_key.clone(),
            sandbox.organization_id(),
        ))
        .build()
        .unwrap();
    let news = good.news(None).await.unwrap();
    assert!(news.items.is_empty(), "the feed starts now");
    let found = good
        .suggest_cadastral_numbers(&{
            let mut a = reestro_api::address::FiasAddress::new("Москва", "7");
            a.street = Some("Тверская".into());
            a.room = Some("12".into());
            a
        })
        .await
        .unwrap();
    assert!(CadastralNumber::parse(&found[0].object_cn).is_ok());
    assert_eq!(found[0].details["apartment"], "12");
    // An address without its house is refused before any request.
    let err = good
        .suggest_cadastral_numbers(&reestro_api::address::FiasAddress::new("Москва", " "))
        .await
        .unwrap_err();
    assert_eq!(err.target(), Some("house"));

    let bad = ReestroClient::builder()
        .base_url(sandbox.url())
        .auth(ReestroAuth::api_key(
            "not-the-key",
            sandbox.organization_id(),
        ))
        .build()
        .unwrap();
    let err = bad.news(None).await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    // One transport for both APIs: the Extern client's pool and in-flight limit.
    let c = sandbox.config();
    let extern_client = extern_api_core::ExternClient::builder()
        .base_url(sandbox.url())
        .credentials(extern_api_core::auth::Credentials::password(
            c.client_id.clone(),
            c.api_key.clone(),
            c.login.clone(),
            c.password.clone(),
        ))
        .build()
        .unwrap();
    let shared = ReestroClient::builder()
        .base_url(sandbox.url())
        .transport(extern_client.transport())
        .auth(ReestroAuth::api_key(
            c.api_key.clone(),
            sandbox.organization_id(),
        ))
        .build()
        .unwrap();
    shared.news(None).await.unwrap();
    extern_client.accounts().await.unwrap();
    // Secrets stay out of Debug output.
    let shown = format!(
        "{:?}",
        ReestroAuth::api_key("secret-key-123", uuid::Uuid::nil())
    );
    assert!(!shown.contains("secret-key-123"), "{shown}");
}

#[tokio::test]
async fn an_expired_session_is_opened_again_once() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    client.news(None).await.unwrap();
    // Past the session's lifetime on the sandbox clock: the server answers 401 and the client
    // opens a new session by itself.
    sandbox.advance_clock(Duration::from_secs(sandbox.config().token_ttl_secs + 1));
    client.news(None).await.unwrap();
    // A portal session id cannot be renewed: its 401 reaches the caller.
    let stale = ReestroClient::builder()
        .base_url(sandbox.url())
        .auth(ReestroAuth::PortalSid("no-such-session".into()))
        .build()
        .unwrap();
    assert_eq!(stale.news(None).await.unwrap_err().status(), Some(401));
}

#[tokio::test]
async fn contents_round_trip_and_sign_a_statement_by_content_id() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let scan = bytes::Bytes::from((0..200_000u32).map(|i| (i % 251) as u8).collect::<Vec<_>>());
    let pointer = client
        .upload_content(scan.clone(), reestro_api::ContentType::Pdf)
        .await
        .unwrap();
    let mut back = Vec::new();
    let n = client
        .download_content(pointer.id, &mut back)
        .await
        .unwrap();
    assert_eq!((n, back.as_slice()), (scan.len() as u64, scan.as_ref()));
    // The same bytes streamed from a file.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scan.pdf");
    std::fs::write(&path, &scan).unwrap();
    let streamed = client
        .upload_file(&path, reestro_api::ContentType::Pdf)
        .await
        .unwrap();
    let mut again = Vec::new();
    client
        .download_content(streamed.id, &mut again)
        .await
        .unwrap();
    assert!(again == scan.as_ref());
    let err = client
        .upload_content(bytes::Bytes::new(), reestro_api::ContentType::Xml)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");

    // A statement signed by uploading the signature first and attaching it by its id.
    let request = sale_request(&sandbox).await;
    let created = client
        .create_docflow(&CreateDocflow::new(sale()))
        .await
        .unwrap();
    for r in created.signature_requirements() {
        let signer = &request
            .signers
            .iter()
            .find(|s| reestro_api::validate::digits(&s.snils) == r.snils())
            .unwrap()
            .signer;
        let statement = r.files[0].id;
        let bytes = client
            .file_bytes(created.docflow_id, statement, 1 << 20)
            .await
            .unwrap();
        let signature = signer.sign(&bytes).await.unwrap();
        let uploaded = client
            .upload_content(signature.into(), reestro_api::ContentType::Pkcs7Signature)
            .await
            .unwrap();
        client
            .add_signature_from_content(created.docflow_id, statement, uploaded.id)
            .await
            .unwrap();
    }
    client.send_docflow(created.docflow_id).await.unwrap();
    let charged = until(&client, created.docflow_id, |d| {
        !d.payment_requirements().is_empty()
    })
    .await
    .unwrap();
    assert_eq!(charged.payment_requirements().len(), 2);
}

/// A sale signed, sent and charged: (client, docflow id, fees).
async fn charged_sale(
    sandbox: &Sandbox,
) -> (
    ReestroClient,
    uuid::Uuid,
    Vec<reestro_api::model::PaymentRequirement>,
) {
    let client = client(sandbox);
    let request = sale_request(sandbox).await;
    let created = client
        .create_docflow(&CreateDocflow::new(sale()))
        .await
        .unwrap();
    let charged = sign_send_until_charged(&client, &created, &request.signers).await;
    (
        client,
        created.docflow_id,
        charged.payment_requirements().to_vec(),
    )
}

async fn act(client: &ReestroClient, action: reestro_api::options::ActionKind, target: uuid::Uuid) {
    let created = client
        .create_docflow(&CreateDocflow::new(DocflowOptions::Action(
            reestro_api::options::Action {
                action,
                docflow_id: target,
                cause: "the buyer changed their mind".into(),
                participants: Vec::new(),
            },
        )))
        .await
        .unwrap();
    until(client, created.docflow_id, |d| {
        d.state == DocflowState::Completed
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn actions_cancel_suspend_and_resume_an_earlier_docflow() {
    use reestro_api::options::ActionKind;
    let sandbox = sandbox().await;
    let (url, key) = (sandbox.url(), sandbox.config().api_key.clone());

    let (client, cancelled, _) = charged_sale(&sandbox).await;
    act(&client, ActionKind::Cancel, cancelled).await;
    let d = client.docflow(cancelled).await.unwrap();
    assert_eq!(d.state, DocflowState::Error);
    assert_eq!(d.error.unwrap().code, "cancelled");

    let (client, held, fees) = charged_sale(&sandbox).await;
    act(&client, ActionKind::Suspend, held).await;
    for fee in &fees {
        pay(&url, &key, &fee.uin).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        client.docflow(held).await.unwrap().state,
        DocflowState::Sent,
        "paid but held"
    );
    act(&client, ActionKind::Resume, held).await;
    until(&client, held, |d| d.state == DocflowState::Completed)
        .await
        .unwrap();

    // An action on a docflow of nobody's is refused with the path of the option.
    let err = client
        .create_docflow(&CreateDocflow::new(DocflowOptions::Action(
            reestro_api::options::Action {
                action: ActionKind::Cancel,
                docflow_id: uuid::Uuid::new_v4(),
                cause: "?".into(),
                participants: Vec::new(),
            },
        )))
        .await
        .unwrap_err();
    assert_eq!(err.target(), Some("actionRequest.options.docflowId"));
}
