//! An account's users, employees and warrants, an organization's signer, control-unit
//! subscriptions and Gosuslugi authorization, and the events feed's publishers — over plain
//! HTTP, with their refusals.

mod support;

use base64::Engine;
use reqwest::Method;
use serde_json::{Value, json};
use support::*;

async fn main_org(api: &Api) -> String {
    let a = api.get(&api.acc("/organizations")).await;
    assert_eq!(a.status, 200, "{}", a.body);
    a.body["organizations"][0]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The other seeded user: their token and their account.
async fn other_user(api: &Api) -> (String, String) {
    let token = login(&api.http, api.sandbox(), extern_api_sandbox::OTHER_LOGIN).await;
    let r = api
        .http
        .get(api.url("/v1"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let body: Value = r.json().await.unwrap();
    let account = body["accounts"][0]["id"].as_str().unwrap().to_string();
    (token, account)
}

async fn as_user(
    api: &Api,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Answer {
    let mut req = api.http.request(method, api.url(path)).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    answer(req.send().await.unwrap()).await
}

#[tokio::test]
async fn users_and_employees_of_an_account() {
    let api = Api::start().await;
    let a = api.get(&api.acc("/users")).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let users = a.body["users"].as_array().unwrap();
    assert_eq!(users.len(), 1, "{}", a.body);
    assert_eq!(users[0]["login"], "user@sandbox.local");
    assert_eq!(users[0]["account-id"], api.account.as_str());
    assert_eq!(users[0]["role"], "admin");
    assert_eq!(users[0]["login-certificates"], json!([]));
    assert_eq!(users[0]["access-rights"]["restricted"], false);

    // A certificate of the organization logs its user in: it is theirs, and names them.
    let signer = api.signer(INN, KPP).await;
    let a = api.get(&api.acc("/users")).await;
    let user = &a.body["users"][0];
    let certificates = user["login-certificates"].as_array().unwrap();
    assert_eq!(certificates.len(), 1, "{user}");
    let thumbprint = hex_sha1(&signer.certificate);
    assert_eq!(
        certificates[0]["thumbprint"]
            .as_str()
            .unwrap()
            .to_lowercase(),
        thumbprint
    );
    assert_eq!(user["fio"], "Иванов Иван Иванович");

    let org = main_org(&api).await;
    let a = api.get(&api.acc("/employees")).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(
        a.body["employees"],
        json!([{ "organization-id": org, "login": "user@sandbox.local", "fio": "Иванов Иван Иванович" }])
    );
    let a = api
        .post(
            &api.acc("/organizations"),
            json!({ "inn": "7707083893", "kpp": "773601001", "name": "Вторая" }),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    let a = api.get(&api.acc("/employees")).await;
    assert_eq!(a.body["employees"].as_array().unwrap().len(), 2);
    let a = api.get(&api.acc("/users")).await;
    assert_eq!(
        a.body["users"][0]["access-rights"]["organization-ids"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let (_, foreign) = other_user(&api).await;
    for path in ["users", "employees"] {
        let a = api.get(&format!("/v1/{foreign}/{path}")).await;
        assert_eq!(a.status, 403, "{path}: {}", a.body);
    }
}

fn hex_sha1(der: &[u8]) -> String {
    use sha1::Digest;
    sha1::Sha1::digest(der)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn warrants_are_listed_once_issued() {
    let api = Api::start().await;
    let a = api.get(&api.acc("/warrants")).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["total-count"], 0);
    assert_eq!(a.body["warrants"], json!([]));
    assert_eq!(a.body["organization-warrant-informations"], json!([]));
    assert_eq!(a.body["skip"], 0);

    let org = main_org(&api).await;
    let issued = api
        .post(
            "/test-tools/v1/issue-warrant",
            json!({
                "organization-id": org,
                "number": "77/1",
                "date-begin": "2025-01-01",
                "date-end": "2026-01-01",
                "permissions": [1, 2],
                "sender-individual": { "fio": { "surname": "Петров", "name": "Пётр" }, "inn": "500100732259" },
            }),
        )
        .await;
    assert_eq!(issued.status, 201, "{}", issued.body);
    assert!(issued.body["id"].is_string());

    let a = api.get(&api.acc("/warrants")).await;
    assert_eq!(a.body["total-count"], 1);
    let w = &a.body["warrants"][0];
    assert_eq!(w, &issued.body["warrant"]);
    assert_eq!(w["number"], "77/1");
    assert_eq!(w["date-begin"], "2025-01-01");
    assert_eq!(w["date-end"], "2026-01-01");
    assert_eq!(w["permissions"], json!([1, 2]));
    assert_eq!(w["sender"]["sender-individual"]["fio"]["surname"], "Петров");
    assert_eq!(w["issuer"]["issuer-organization"]["inn"], INN);
    assert_eq!(w["issuer"]["issuer-organization"]["kpp"], KPP);
    let info = &a.body["organization-warrant-informations"][0];
    assert_eq!(info["organization-id"], org.as_str());
    assert_eq!(info["inn"], INN);
    assert_eq!(info["warrant"], *w);

    let a = api
        .get(&api.acc("/warrants?forAllUsers=True&skip=1&take=10"))
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["total-count"], 1);
    assert_eq!(a.body["warrants"], json!([]), "past the end");

    for query in ["take=-1", "take=1001", "skip=-1", "forAllUsers=maybe"] {
        let a = api.get(&api.acc(&format!("/warrants?{query}"))).await;
        assert_eq!(a.status, 400, "{query}: {}", a.body);
    }
    let (_, foreign) = other_user(&api).await;
    let a = api.get(&format!("/v1/{foreign}/warrants")).await;
    assert_eq!(a.status, 403, "{}", a.body);

    // The tool's refusals.
    let tool = "/test-tools/v1/issue-warrant";
    let individual = json!({ "fio": { "surname": "Петров" } });
    for (body, status) in [
        (json!({ "sender-individual": individual }), 400),
        (json!({ "organization-id": org }), 400),
        (
            json!({ "organization-id": org, "sender-individual": individual, "sender-organization": { "inn": INN } }),
            400,
        ),
        (
            json!({ "organization-id": org, "sender-individual": individual, "date-begin": "2025-02-01", "date-end": "2025-01-01" }),
            400,
        ),
        (
            json!({ "organization-id": org, "sender-individual": individual, "date-begin": "01.02.2025" }),
            400,
        ),
        (
            json!({ "organization-id": uuid::Uuid::new_v4(), "sender-individual": individual }),
            404,
        ),
    ] {
        let a = api.post(tool, body.clone()).await;
        assert_eq!(a.status, status, "{body}: {}", a.body);
    }
}

#[tokio::test]
async fn a_signer_is_chosen_for_an_organization() {
    let api = Api::start().await;
    let org = main_org(&api).await;
    let url = api.acc(&format!("/organizations/{org}/update-signer"));
    let a = api
        .post(
            &url,
            json!({ "control-unit": "0087", "signer-type": "chief" }),
        )
        .await;
    assert_eq!(a.status, 204, "{}", a.body);
    let a = api.post(&url, json!(["chief"])).await;
    assert_eq!(a.status, 400, "{}", a.body);
    let a = api
        .post(
            &api.acc(&format!(
                "/organizations/{}/update-signer",
                uuid::Uuid::new_v4()
            )),
            json!({}),
        )
        .await;
    assert_eq!(a.status, 404, "{}", a.body);
    let (_, foreign) = other_user(&api).await;
    let a = api
        .post(
            &format!("/v1/{foreign}/organizations/{org}/update-signer"),
            json!({}),
        )
        .await;
    assert_eq!(a.status, 403, "{}", a.body);
}

#[tokio::test]
async fn an_employee_is_authorized_on_gosuslugi() {
    let api = Api::start().await;
    let org = main_org(&api).await;
    let url = api.acc(&format!("/organizations/{org}/gosuslugi-auth"));
    let uid = "0123456789abcdef0123456789abcdef";
    let signer = api.signer(INN, KPP).await;
    let signature = B64.encode(signer.sign(uid.as_bytes()));
    let a = api
        .post(
            &url,
            json!({ "gosuslugi-uid": uid, "base64-signature-content": signature }),
        )
        .await;
    assert_eq!(a.status, 204, "{}", a.body);
    // A fresh signature refreshes it.
    let again = B64.encode(signer.sign(uid.as_bytes()));
    let a = api
        .post(
            &url,
            json!({ "gosuslugi-uid": uid, "base64-signature-content": again }),
        )
        .await;
    assert_eq!(a.status, 204, "{}", a.body);

    let stranger = api.signer("7707083893", "773601001").await;
    let cases = [
        (
            json!({ "base64-signature-content": signature }),
            "invalidRequest",
        ),
        (
            json!({ "gosuslugi-uid": "short", "base64-signature-content": signature }),
            "invalidGosuslugiUid",
        ),
        (json!({ "gosuslugi-uid": uid }), "invalidRequest"),
        (
            json!({ "gosuslugi-uid": uid, "base64-signature-content": "***" }),
            "invalidRequest",
        ),
        (
            json!({ "gosuslugi-uid": uid, "base64-signature-content": B64.encode(signer.sign(b"another key")) }),
            "invalidSignature",
        ),
        (
            json!({ "gosuslugi-uid": uid, "base64-signature-content": B64.encode(stranger.sign(uid.as_bytes())) }),
            "certificateInnMismatch",
        ),
    ];
    for (body, id) in cases {
        let a = api.post(&url, body.clone()).await;
        assert_eq!(a.status, 400, "{body}: {}", a.body);
        assert_eq!(a.body["id"], format!("urn:error:externapi:{id}"), "{body}");
    }
    let a = api
        .post(
            &api.acc(&format!(
                "/organizations/{}/gosuslugi-auth",
                uuid::Uuid::new_v4()
            )),
            json!({ "gosuslugi-uid": uid, "base64-signature-content": signature }),
        )
        .await;
    assert_eq!(a.status, 404, "{}", a.body);
}

/// Sends a SEDO provider subscription for `number` (SFR when `sfr`), signed; answers the
/// docflow id.
async fn subscribe(api: &Api, signer: &Signer, number: &str, sfr: bool, what: &str) -> String {
    let key = if sfr {
        "registration-number-sfr"
    } else {
        "registration-number-fss"
    };
    let mut payer = json!({ "inn": INN, "organization": { "kpp": KPP } });
    payer[key] = json!(number);
    let a = api
        .post(
            &api.acc("/drafts"),
            json!({
                "sender": { "inn": INN, "kpp": KPP, "ipaddress": "127.0.0.1" },
                "payer": payer,
                // The sandbox's check still asks for an FNS or Rosstat recipient, whatever the
                // docflow: the FSS test robot's code goes along with an inspection's.
                "recipient": { "fss-code": "SEDO-TEST", "ifns-code": "0087" },
            }),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    let draft = a.body["id"].as_str().unwrap().to_string();
    let a = api
        .post(
            &api.acc(&format!(
                "/drafts/{draft}/build-document?type=fssSedoProviderSubscriptionForRegistrationNumber"
            )),
            json!({ "subscription-type": what }),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let doc = a.body["id"].as_str().unwrap().to_string();
    let content = a.body["contents"][0]["content-id"]
        .as_str()
        .or_else(|| a.body["content-id"].as_str())
        .unwrap_or_else(|| panic!("no content id: {}", a.body))
        .to_string();
    let bytes = api
        .get(&api.acc(&format!("/contents/{content}")))
        .await
        .bytes;
    api.sign_document(&draft, &doc, &signer.sign(&bytes)).await;
    let task = api.run_task(&draft, "send").await;
    assert_eq!(task["task-state"], "succeed", "{task}");
    task["task-result"]["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn control_unit_subscriptions_follow_the_subscription_docflows() {
    let api = Api::start().await;
    let org = main_org(&api).await;
    let url = api.acc(&format!("/organizations/{org}/control-unit-subscriptions"));
    let sedo = json!({ "control-unit-subscription-type": "fss-sedo" });
    let a = api.post(&url, sedo.clone()).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(
        a.body,
        json!({ "items": [], "total-count": 0 }),
        "the account's own provider subscription names no number"
    );

    let signer = api.signer(INN, KPP).await;
    subscribe(&api, &signer, "6601000001", false, "subscribe").await;
    subscribe(&api, &signer, "0660000002", true, "subscribe").await;
    let a = api.post(&url, sedo.clone()).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["total-count"], 2, "{}", a.body);
    let items = a.body["items"].as_array().unwrap();
    assert_eq!(items[0]["registration-number"], "6601000001");
    assert_eq!(items[0]["is-sfr"], false);
    assert_eq!(items[1]["registration-number"], "0660000002");
    assert_eq!(items[1]["is-sfr"], true);
    for item in items {
        assert!(
            ["subscribe-in-progress", "subscribed"]
                .contains(&item["subscription-status"].as_str().unwrap()),
            "{item}"
        );
    }

    // An unsubscription supersedes the subscription of its number.
    subscribe(&api, &signer, "6601000001", false, "unsubscribe").await;
    let a = api
        .post(
            &url,
            json!({ "control-unit-subscription-type": "fss-sedo", "registration-number": "6601000001" }),
        )
        .await;
    assert_eq!(a.body["total-count"], 1, "{}", a.body);
    assert!(
        ["unsubscribe-in-progress", "unsubscribed"]
            .contains(&a.body["items"][0]["subscription-status"].as_str().unwrap()),
        "{}",
        a.body
    );
    let a = api
        .post(
            &url,
            json!({ "control-unit-subscription-type": "fss-sedo", "skip": 1, "take": 1 }),
        )
        .await;
    assert_eq!(a.body["total-count"], 2);
    assert_eq!(a.body["items"][0]["registration-number"], "0660000002");

    for body in [
        json!({}),
        json!({ "control-unit-subscription-type": "fns" }),
        json!({ "control-unit-subscription-type": "fss-sedo", "take": 5000 }),
    ] {
        let a = api.post(&url, body.clone()).await;
        assert_eq!(a.status, 400, "{body}: {}", a.body);
    }
    let a = api
        .post(
            &api.acc(&format!(
                "/organizations/{}/control-unit-subscriptions",
                uuid::Uuid::new_v4()
            )),
            sedo.clone(),
        )
        .await;
    assert_eq!(a.status, 404, "{}", a.body);
}

#[tokio::test]
async fn publishers_are_the_users_who_shared_their_events() {
    let api = Api::start().await;
    let a = api.get("/v1/event-publishers").await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["event-publishers"], json!([]));

    let share = |filter: Option<Value>| {
        let mut body = json!({ "subscriber": "sandbox" });
        if let Some(f) = filter {
            body["events-filter"] = f;
        }
        body
    };
    let a = api.post(&api.acc("/share-events"), share(None)).await;
    assert_eq!(a.status, 204, "{}", a.body);
    let (token, account) = other_user(&api).await;
    let filter = json!({ "docflow-types": ["urn:docflow:fns534-report"], "document-forms": [{ "knd": "1151006" }] });
    let a = as_user(
        &api,
        &token,
        Method::POST,
        &format!("/v1/{account}/share-events"),
        Some(share(Some(filter.clone()))),
    )
    .await;
    assert_eq!(a.status, 204, "{}", a.body);
    // Sharing again keeps the publisher.
    let a = api.post(&api.acc("/share-events"), share(None)).await;
    assert_eq!(a.status, 204, "{}", a.body);

    let a = api.get("/v1/event-publishers").await;
    let publishers = a.body["event-publishers"].as_array().unwrap().clone();
    assert_eq!(publishers.len(), 2, "{}", a.body);
    assert_eq!(publishers[0]["login"], "user@sandbox.local");
    assert_eq!(publishers[0]["account-ids"], json!([api.account]));
    assert!(publishers[0]["events-filter"].is_null());
    assert_eq!(publishers[1]["login"], extern_api_sandbox::OTHER_LOGIN);
    assert_eq!(publishers[1]["events-filter"], filter);

    for bad in [
        json!({ "docflow-types": ["fns534-report"] }),
        json!({ "document-forms": [{}] }),
        json!({ "docflow-types": "urn:docflow:fns534-report" }),
    ] {
        let a = api
            .post(&api.acc("/share-events"), share(Some(bad.clone())))
            .await;
        assert_eq!(a.status, 400, "{bad}: {}", a.body);
    }

    let id = publishers[1]["id"].as_str().unwrap();
    let a = api
        .send(Method::DELETE, &format!("/v1/event-publishers/{id}"), None)
        .await;
    assert_eq!(a.status, 204, "{}", a.body);
    let a = api
        .send(Method::DELETE, &format!("/v1/event-publishers/{id}"), None)
        .await;
    assert_eq!(a.status, 404, "{}", a.body);
    let a = api.get("/v1/event-publishers").await;
    assert_eq!(a.body["event-publishers"].as_array().unwrap().len(), 1);
    assert_eq!(a.body["event-publishers"][0]["login"], "user@sandbox.local");
    let a = api
        .send(
            Method::DELETE,
            &format!("/v1/event-publishers/{}", uuid::Uuid::new_v4()),
            None,
        )
        .await;
    assert_eq!(a.status, 404, "{}", a.body);
}
