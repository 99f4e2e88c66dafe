//! A representative files for another organization with a machine-readable warrant (МЧД), over
//! plain HTTP: the warrant must exist, be the payer's, be valid on the sandbox's date and name the
//! signer; otherwise the check protocol says why and send refuses with
//! `urn:error:externapi:checkProtocolHasErrors` (src/warrant_check.rs has the sources). For the
//! FNS a paper warrant with the representation message ON_DOV still does.

mod support;

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::*;

/// The representative: an accounting firm of the same account, filing for the account's main
/// organization (`INN`/`KPP`, the payer of the sample report).
const REP_INN: &str = "6671000017";
const REP_KPP: &str = "667101001";
/// A person trusted by a warrant (a 12-digit INN).
const PERSON_INN: &str = "500100732259";
const ON_DOV: &str =
    "ON_DOV_0087_0087_6676130154667601001_20241024_d075a2c7-1e38-49f1-a13b-28753780102c.xml";

struct World {
    api: Api,
    /// The payer's organization id (the account's main organization).
    payer_org: String,
    /// The representative's certificate.
    rep: Signer,
}

async fn create_org(api: &Api, inn: &str, kpp: &str, name: &str) -> String {
    let a = api
        .post(
            &api.acc("/organizations"),
            json!({ "inn": inn, "kpp": kpp, "name": name }),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    a.body["id"].as_str().unwrap().to_string()
}

async fn world() -> World {
    let api = Api::start().await;
    let orgs = api.get(&api.acc("/organizations")).await;
    let payer_org = orgs.body["organizations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["general"]["inn"] == INN)
        .expect("the main organization")["id"]
        .as_str()
        .unwrap()
        .to_string();
    create_org(&api, REP_INN, REP_KPP, "ООО «Бухгалтер-представитель»").await;
    let rep = api.signer(REP_INN, REP_KPP).await;
    World {
        api,
        payer_org,
        rep,
    }
}

/// The representative organization as `issue-warrant` names it.
fn rep_organization() -> Value {
    json!({ "sender-organization": { "name": "ООО «Бухгалтер-представитель»", "inn": REP_INN, "kpp": REP_KPP } })
}

/// `POST /test-tools/v1/issue-warrant` by the account's user; answers the warrant id.
async fn issue(api: &Api, org: &str, begin: &str, end: &str, representative: Value) -> String {
    let mut body = json!({
        "organization-id": org, "number": "МЧД-1", "date-begin": begin, "date-end": end,
        "permissions": [1],
    });
    body.as_object_mut()
        .unwrap()
        .extend(representative.as_object().unwrap().clone());
    let a = api.post("/test-tools/v1/issue-warrant", body).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    a.body["id"].as_str().unwrap().to_string()
}

/// The meta of a representative's draft: the sender is the representative, the payer another
/// organization, the warrant named in `additional-info`.
fn meta(payer: (&str, &str), warrant: Option<&str>) -> Value {
    let mut meta = json!({
        "sender": { "inn": REP_INN, "kpp": REP_KPP, "is-representative": true, "ipaddress": "8.8.8.8" },
        "payer": { "inn": payer.0, "organization": { "kpp": payer.1 } },
        "recipient": { "ifns-code": "0087" },
    });
    if let Some(w) = warrant {
        meta["additional-info"] = json!({ "machine-readable-warrant-id": w });
    }
    meta
}

/// Creates the draft (201 whatever the warrant: the service judges it at the check) and adds the
/// sample report signed by `signer`.
async fn draft_with_report(api: &Api, meta: Value, signer: &Signer) -> String {
    let a = api.post(&api.acc("/drafts"), meta.clone()).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    assert_eq!(
        a.body["meta"]["additional-info"], meta["additional-info"],
        "the warrant id is kept as sent"
    );
    let draft = a.body["id"].as_str().unwrap().to_string();
    let (_, report) = report_for("0087");
    let doc = api.add_document(&draft, &report, None).await;
    api.sign_document(&draft, doc["id"].as_str().unwrap(), &signer.sign(&report))
        .await;
    draft
}

/// Every line of a check protocol (`{documents-errors, common-errors}`).
fn lines(protocol: &Value) -> Vec<Value> {
    let mut out: Vec<Value> = protocol["common-errors"].as_array().unwrap().clone();
    for errs in protocol["documents-errors"].as_object().unwrap().values() {
        out.extend(errs.as_array().unwrap().iter().cloned());
    }
    out
}

/// Check, prepare and send all refuse the draft for one protocol line of `kind` whose
/// description contains `needle`; the draft stays unsent.
async fn refused(api: &Api, draft: &str, kind: &str, needle: &str) {
    let check = api.run_task(draft, "check").await;
    assert_eq!(check["task-state"], "succeed", "{check}");
    let found = lines(&check["task-result"]["data"]);
    assert_eq!(found.len(), 1, "one line, the warrant's: {check}");
    assert_eq!(found[0]["level"], "Error", "{check}");
    assert_eq!(found[0]["type"], kind, "{check}");
    let description = found[0]["description"].as_str().unwrap();
    assert!(
        description.contains(needle),
        "{needle:?} in {description:?}"
    );

    let prepare = api.run_task(draft, "prepare").await;
    assert_eq!(
        prepare["task-result"]["status"], "check-protocol-has-errors",
        "{prepare}"
    );
    let send = api.run_task(draft, "send").await;
    assert_eq!(send["task-state"], "succeed", "{send}");
    let failure = &send["task-result"];
    assert_eq!(
        failure["id"], "urn:error:externapi:checkProtocolHasErrors",
        "{send}"
    );
    assert_eq!(failure["status-code"], 400, "{send}");
    assert_eq!(failure["status"], "check-protocol-has-errors", "{send}");
    assert_eq!(lines(&failure["check-result"]).len(), 1, "{send}");
    let after = api.get(&api.acc(&format!("/drafts/{draft}"))).await;
    assert_eq!(after.body["status"], "checked", "{}", after.body);
    assert!(after.body.get("docflow-id").is_none(), "{}", after.body);
}

fn state(docflow: &Value) -> (String, String) {
    (
        docflow["status"]
            .as_str()
            .unwrap()
            .trim_start_matches("urn:docflow-common-status:")
            .into(),
        docflow["success-state"]
            .as_str()
            .unwrap()
            .trim_start_matches("urn:docflow-state:")
            .into(),
    )
}

#[tokio::test]
async fn a_representative_with_the_payers_warrant_files_to_a_finished_docflow() {
    let w = world().await;
    let api = &w.api;
    let warrant = issue(
        api,
        &w.payer_org,
        "2020-01-01",
        "2999-12-31",
        rep_organization(),
    )
    .await;
    // The warrant is listed as the payer's, trusting the representative.
    let listed = api.get(&api.acc("/warrants")).await;
    let info = &listed.body["organization-warrant-informations"][0];
    assert_eq!(info["inn"], INN, "{}", listed.body);
    assert_eq!(
        info["warrant"]["sender"]["sender-organization"]["inn"], REP_INN,
        "{}",
        listed.body
    );

    let draft = draft_with_report(api, meta((INN, KPP), Some(&warrant)), &w.rep).await;
    let check = api.run_task(&draft, "check").await;
    assert!(lines(&check["task-result"]["data"]).is_empty(), "{check}");
    let prepare = api.run_task(&draft, "prepare").await;
    assert_eq!(prepare["task-result"]["status"], "ok", "{prepare}");
    let send = api.run_task(&draft, "send").await;
    assert_eq!(send["task-state"], "succeed", "{send}");
    assert_eq!(send["task-result"]["type"], "urn:docflow:fns534-report");
    let id = send["task-result"]["id"].as_str().unwrap().to_string();

    // Robot 0087: receipt, KV, IV; the representative answers what is due.
    let df = api
        .wait_docflow(&id, |d| {
            d["documents"].as_array().unwrap().iter().any(|x| {
                x["description"]["type"] == "urn:document:fns534-report-processing-result-ok"
            })
        })
        .await;
    assert_eq!(api.answer_replies(&df, &w.rep).await, 3);
    let done = api.get(&api.acc(&format!("/docflows/{id}"))).await.body;
    assert_eq!(state(&done), ("finished".into(), "successful".into()));
}

#[tokio::test]
async fn an_expired_or_not_yet_valid_warrant_is_refused() {
    let mut w = world().await;
    let api = &w.api;
    // Valid until tomorrow: accepted today, refused once the sandbox clock is three days on.
    let tomorrow = (Utc::now() + Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    let warrant = issue(
        api,
        &w.payer_org,
        "2020-01-01",
        &tomorrow,
        rep_organization(),
    )
    .await;
    let draft = draft_with_report(api, meta((INN, KPP), Some(&warrant)), &w.rep).await;
    let check = api.run_task(&draft, "check").await;
    assert!(lines(&check["task-result"]["data"]).is_empty(), "{check}");
    let a = api
        .post(
            "/test-tools/v1/advance-clock",
            json!({ "seconds": 3 * 86_400 }),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    // The access token has expired on the way (it lives a day): log in again.
    w.api.token = login(&w.api.http, w.api.sandbox(), "user@sandbox.local").await;
    let api = &w.api;
    refused(
        api,
        &draft,
        "CrossCheckReport",
        "Срок действия доверенности",
    )
    .await;

    let warrant = issue(
        api,
        &w.payer_org,
        "2999-01-01",
        "2999-12-31",
        rep_organization(),
    )
    .await;
    let draft = draft_with_report(api, meta((INN, KPP), Some(&warrant)), &w.rep).await;
    refused(api, &draft, "CrossCheckReport", "начинает действовать").await;
}

#[tokio::test]
async fn a_warrant_of_another_organization_is_refused() {
    let w = world().await;
    let api = &w.api;
    // Another client of the sandbox registers a warrant for its own organization, trusting our
    // representative; it is no warrant of our payer.
    let token = login(&api.http, api.sandbox(), extern_api_sandbox::OTHER_LOGIN).await;
    let get = |path: String| {
        let req = api.http.get(api.url(&path)).bearer_auth(&token);
        async move { answer(req.send().await.unwrap()).await }
    };
    let accounts = get("/v1".into()).await;
    let account = accounts.body["accounts"][0]["id"].as_str().unwrap();
    let orgs = get(format!("/v1/{account}/organizations")).await;
    let foreign_org = &orgs.body["organizations"][0];
    let foreign_inn = foreign_org["general"]["inn"].as_str().unwrap().to_string();
    assert_ne!(foreign_inn, INN);
    let mut body = json!({ "organization-id": foreign_org["id"], "date-begin": "2020-01-01", "date-end": "2999-12-31" });
    body.as_object_mut()
        .unwrap()
        .extend(rep_organization().as_object().unwrap().clone());
    let issued = answer(
        api.http
            .post(api.url("/test-tools/v1/issue-warrant"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.body);
    let warrant = issued.body["id"].as_str().unwrap();

    let draft = draft_with_report(api, meta((INN, KPP), Some(warrant)), &w.rep).await;
    refused(
        api,
        &draft,
        "CrossCheckReport",
        &format!("выдана организацией с ИНН {foreign_inn}"),
    )
    .await;
}

#[tokio::test]
async fn a_missing_or_unknown_warrant_is_refused() {
    let w = world().await;
    let api = &w.api;
    let unknown = uuid::Uuid::new_v4().to_string();
    let draft = draft_with_report(api, meta((INN, KPP), Some(&unknown)), &w.rep).await;
    refused(
        api,
        &draft,
        "CrossCheckReport",
        &format!("доверенность {unknown} не найдена"),
    )
    .await;

    // No warrant at all, and no representation message either.
    let draft = draft_with_report(api, meta((INN, KPP), None), &w.rep).await;
    refused(
        api,
        &draft,
        "CrossCheckReport",
        "не указана машиночитаемая доверенность",
    )
    .await;

    // A warrant id that is no GUID is no meta at all.
    let mut bad = meta((INN, KPP), None);
    bad["additional-info"] = json!({ "machine-readable-warrant-id": "МЧД-1" });
    let a = api.post(&api.acc("/drafts"), bad).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
}

#[tokio::test]
async fn a_payer_that_is_not_the_warrants_organization_is_refused() {
    let w = world().await;
    let api = &w.api;
    let warrant = issue(
        api,
        &w.payer_org,
        "2020-01-01",
        "2999-12-31",
        rep_organization(),
    )
    .await;
    // The account's other client: the warrant is the main organization's, not theirs.
    create_org(api, "6672000027", "667201001", "ООО «Другой клиент»").await;
    let draft = draft_with_report(
        api,
        meta(("6672000027", "667201001"), Some(&warrant)),
        &w.rep,
    )
    .await;
    refused(
        api,
        &draft,
        "CrossCheckReport",
        &format!("выдана организацией с ИНН {INN}, а отчётность представляется за налогоплательщика с ИНН 6672000027"),
    )
    .await;
}

#[tokio::test]
async fn the_warrant_names_the_sender_and_the_signer() {
    let w = world().await;
    let api = &w.api;
    // Trusting another organization: our sender is not the representative.
    let other = json!({ "sender-organization": { "name": "ООО «Чужой»", "inn": "7707329152", "kpp": "770701001" } });
    let warrant = issue(api, &w.payer_org, "2020-01-01", "2999-12-31", other).await;
    let draft = draft_with_report(api, meta((INN, KPP), Some(&warrant)), &w.rep).await;
    refused(
        api,
        &draft,
        "CrossCheckReport",
        &format!("выдана представителю с ИНН 7707329152, а отправитель черновика — ИНН {REP_INN}"),
    )
    .await;

    // Trusting a person: the report must carry their signature, not the firm's.
    let person = json!({ "sender-individual": { "fio": { "surname": "Петров", "name": "Пётр" }, "inn": PERSON_INN } });
    let warrant = issue(api, &w.payer_org, "2020-01-01", "2999-12-31", person).await;
    let draft = draft_with_report(api, meta((INN, KPP), Some(&warrant)), &w.rep).await;
    refused(
        api,
        &draft,
        "CrossCheckReportCert",
        &format!("({REP_INN}) не совпадает с ИНН представителя по доверенности ({PERSON_INN})"),
    )
    .await;
    let signer = api.signer(PERSON_INN, "").await;
    let draft = draft_with_report(api, meta((INN, KPP), Some(&warrant)), &signer).await;
    let check = api.run_task(&draft, "check").await;
    assert!(lines(&check["task-result"]["data"]).is_empty(), "{check}");
    let send = api.run_task(&draft, "send").await;
    assert_eq!(
        send["task-result"]["type"], "urn:docflow:fns534-report",
        "{send}"
    );
}

#[tokio::test]
async fn the_fns_takes_a_paper_warrant_with_the_representation_message() {
    let w = world().await;
    let api = &w.api;
    // As the vendor's example sends the flag: a string.
    let mut m = meta((INN, KPP), None);
    m["sender"]["is-representative"] = json!("true");
    let draft = draft_with_report(api, m, &w.rep).await;
    let on_dov = std::fs::read(format!(
        "{}/tests/fixtures/{ON_DOV}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let doc = api.add_document(&draft, &on_dov, None).await;
    assert_eq!(
        doc["description"]["type"], "urn:document:fns534-report-warrant",
        "{doc}"
    );
    api.sign_document(&draft, doc["id"].as_str().unwrap(), &w.rep.sign(&on_dov))
        .await;
    let check = api.run_task(&draft, "check").await;
    assert!(lines(&check["task-result"]["data"]).is_empty(), "{check}");
    let send = api.run_task(&draft, "send").await;
    assert_eq!(send["task-state"], "succeed", "{send}");
    assert_eq!(
        send["task-result"]["type"], "urn:docflow:fns534-report",
        "{send}"
    );
}
