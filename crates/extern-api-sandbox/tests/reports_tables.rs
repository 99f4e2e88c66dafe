//! The reporting table over plain HTTP: the forms of an organization, the deadlines with their
//! states as reports are sent and answered, the docflows behind a deadline, the payments — and
//! the refusals.

mod support;

use serde_json::{Value, json};
use support::*;

/// The main organization's id.
async fn main_org(api: &Api) -> String {
    let a = api.get(&api.acc("/organizations")).await;
    assert_eq!(a.status, 200, "{}", a.body);
    a.body["organizations"][0]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The other seeded user's account: foreign to the main user.
async fn foreign_account(api: &Api) -> String {
    let token = login(&api.http, api.sandbox(), extern_api_sandbox::OTHER_LOGIN).await;
    let r = api
        .http
        .get(api.url("/v1"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let body: Value = r.json().await.unwrap();
    body["accounts"][0]["id"].as_str().unwrap().to_string()
}

/// The 2024 accounting statements' deadline (31 March 2025) as the table shows it.
fn accounting_2024(table: &Value) -> Value {
    let forms = table["reports-tables"][0]["forms"].as_array().unwrap();
    let form = forms
        .iter()
        .find(|f| f["form-info"]["knd"] == "0710099")
        .unwrap();
    let deadlines = form["deadlines"].as_array().unwrap();
    assert_eq!(deadlines.len(), 1, "{form}");
    deadlines[0].clone()
}

const SPRING_2025: (&str, &str) = ("2025-01-01T00:00:00Z", "2025-06-30T00:00:00Z");

#[tokio::test]
async fn the_forms_of_an_organization_are_listed() {
    let api = Api::start().await;
    let org = main_org(&api).await;
    let a = api
        .get(&api.acc(&format!("/reports-tables/{org}/forms")))
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let forms = a.body["forms"].as_array().unwrap();
    let knds: Vec<&str> = forms.iter().map(|f| f["knd"].as_str().unwrap()).collect();
    assert_eq!(
        knds,
        ["0710099", "1151001", "1151006", "1151100", "1151111"],
        "the FNS reports the sandbox knows; a demand is not filed"
    );
    assert_eq!(forms[0]["form-id"], 710099);
    assert_eq!(forms[0]["periodicity"], "yearly");
    assert_eq!(forms[1]["periodicity"], "quarterly");
    assert_eq!(forms[1]["form-short-name"], "НДС");
    assert!(
        forms[1]["form-full-name"]
            .as_str()
            .unwrap()
            .contains("добавленную")
    );

    let a = api
        .get(&api.acc(&format!("/reports-tables/{org}/forms?includeDeleted=True")))
        .await;
    assert_eq!(a.status, 200, "the C# SDK prints True: {}", a.body);
    assert_eq!(a.body["forms"].as_array().unwrap().len(), 5);
    let a = api
        .get(&api.acc(&format!("/reports-tables/{org}/forms?includeDeleted=maybe")))
        .await;
    assert_eq!(a.status, 400, "{}", a.body);
    let a = api
        .get(&api.acc(&format!("/reports-tables/{}/forms", uuid::Uuid::new_v4())))
        .await;
    assert_eq!(a.status, 404, "{}", a.body);
    let foreign = foreign_account(&api).await;
    let a = api
        .get(&format!("/v1/{foreign}/reports-tables/{org}/forms"))
        .await;
    assert_eq!(a.status, 403, "{}", a.body);
}

#[tokio::test]
async fn deadlines_follow_the_reports_sent() {
    let api = Api::start().await;
    let org = main_org(&api).await;
    let search = |body: Value| {
        let api = &api;
        async move { api.post(&api.acc("/reports-tables/search"), body).await }
    };

    // Without a window: three months back and ahead of now, every organization of the account.
    let a = search(json!({})).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let tables = a.body["reports-tables"].as_array().unwrap();
    assert_eq!(tables.len(), 1);
    assert_eq!(tables[0]["organization-id"], org.as_str());
    assert_eq!(tables[0]["forms"].as_array().unwrap().len(), 5);
    for form in tables[0]["forms"].as_array().unwrap() {
        for d in form["deadlines"].as_array().unwrap() {
            assert!(
                ["not-sent", "not-sent-after-deadline"].contains(&d["status"].as_str().unwrap()),
                "nothing sent yet: {d}"
            );
        }
    }

    let window =
        json!({ "organization-ids": [org], "date-from": SPRING_2025.0, "date-to": SPRING_2025.1 });
    let a = search(window.clone()).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let d = accounting_2024(&a.body);
    assert_eq!(d["deadline"], "2025-03-31T00:00:00+00:00");
    assert_eq!(d["period-year"], 2024);
    assert_eq!(d["period-number"], 1);
    assert_eq!(d["status"], "not-sent-after-deadline");
    let vat = a.body["reports-tables"][0]["forms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["form-info"]["knd"] == "1151001")
        .unwrap()
        .clone();
    let due: Vec<(&str, i64, i64)> = vat["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["deadline"].as_str().unwrap(),
                d["period-year"].as_i64().unwrap(),
                d["period-number"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        due,
        [
            ("2025-01-25T00:00:00+00:00", 2024, 4),
            ("2025-04-25T00:00:00+00:00", 2025, 1)
        ]
    );

    // The sample statements for 2024, sent (late) to the inspection that accepts them.
    let signer = api.signer(INN, KPP).await;
    let accepted = api.send_report("0087", &signer).await;
    api.wait_docflow(&accepted, |d| state(d).1 == "successful")
        .await;
    let d = accounting_2024(&search(window.clone()).await.body);
    assert_eq!(d["status"], "accepted-after-deadline");

    let cell = |n: u32| {
        api.acc(&format!(
            "/reports-tables/{org}/report-docflows?formId=710099&deadline=2025-03-31T00:00:00%2B00:00&periodYear=2024&periodNumber={n}"
        ))
    };
    let a = api.get(&cell(1)).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let docflows = a.body["docflows"].as_array().unwrap();
    assert_eq!(docflows.len(), 1, "{}", a.body);
    assert_eq!(docflows[0]["docflow-id"], accepted.as_str());
    assert_eq!(docflows[0]["report-status"], "accepted");
    assert_eq!(docflows[0]["recipient"], "0087");
    assert_eq!(docflows[0]["correction-number"], 0);
    assert_eq!(docflows[0]["form"]["knd"], "0710099");
    assert!(docflows[0]["organization-short-name"].is_string());
    assert!(docflows[0]["send-date"].is_string());

    // A later one refused: the statements stay accepted, with a refusal on the correction.
    let declined = api.send_report("0088", &signer).await;
    api.wait_docflow(&declined, |d| state(d).1 == "failed")
        .await;
    let d = accounting_2024(&search(window.clone()).await.body);
    assert_eq!(d["status"], "accepted-with-warning");
    let a = api.get(&cell(1)).await;
    let statuses: Vec<&str> = a.body["docflows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["report-status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["accepted", "declined"]);

    // The refusals.
    let a = api.get(&cell(2)).await;
    assert_eq!(a.status, 400, "a yearly form has one period: {}", a.body);
    let a = api
        .get(&api.acc(&format!(
            "/reports-tables/{org}/report-docflows?formId=710099&deadline=2025-03-31T00:00:00Z&periodYear=2024"
        )))
        .await;
    assert_eq!(a.status, 400, "periodNumber is required: {}", a.body);
    let a = api
        .get(&api.acc(&format!(
            "/reports-tables/{org}/report-docflows?formId=710099&deadline=someday&periodYear=2024&periodNumber=1"
        )))
        .await;
    assert_eq!(a.status, 400, "{}", a.body);
    let a = api
        .get(&api.acc(&format!(
            "/reports-tables/{org}/report-docflows?formId=1165050&deadline=2025-03-31T00:00:00Z&periodYear=2024&periodNumber=1"
        )))
        .await;
    assert_eq!(a.status, 404, "a demand is not a form: {}", a.body);
    let a = api
        .get(&api.acc(&format!(
            "/reports-tables/{}/report-docflows?formId=710099&deadline=2025-03-31T00:00:00Z&periodYear=2024&periodNumber=1",
            uuid::Uuid::new_v4()
        )))
        .await;
    assert_eq!(a.status, 404, "{}", a.body);
}

#[tokio::test]
async fn a_precise_notice_asks_for_a_correction() {
    let api = Api::start().await;
    let signer = api.signer(INN, KPP).await;
    let docflow = api.send_report("0085", &signer).await;
    api.wait_docflow(&docflow, |d| state(d).1 == "warning")
        .await;
    let a = api
        .post(
            &api.acc("/reports-tables/search"),
            json!({ "date-from": SPRING_2025.0, "date-to": SPRING_2025.1 }),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(accounting_2024(&a.body)["status"], "accepted-with-rebuke");
}

#[tokio::test]
async fn the_search_refuses_what_it_cannot_lay_out() {
    let api = Api::start().await;
    let url = api.acc("/reports-tables/search");
    for (body, why) in [
        (json!({ "organization-ids": [uuid::Uuid::new_v4()] }), 404),
        (json!({ "take": 1001 }), 400),
        (json!({ "skip": -1 }), 400),
        (
            json!({ "date-from": "2025-06-01T00:00:00Z", "date-to": "2025-01-01T00:00:00Z" }),
            400,
        ),
        (
            json!({ "date-from": "2000-01-01T00:00:00Z", "date-to": "2025-01-01T00:00:00Z" }),
            400,
        ),
        (json!({ "date-from": "yesterday" }), 400),
        (json!({ "include-deleted": 3 }), 400),
    ] {
        let a = api.post(&url, body.clone()).await;
        assert_eq!(a.status, why, "{body}: {}", a.body);
    }
    // The C# SDK's unspecified-kind DateTime, and a plain date, are read.
    let a = api
        .post(
            &url,
            json!({ "date-from": "2025-01-01T00:00:00", "date-to": "2025-06-30", "include-deleted": true, "take": 0 }),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["reports-tables"], json!([]), "take 0");
    let foreign = foreign_account(&api).await;
    let a = api
        .post(&format!("/v1/{foreign}/reports-tables/search"), json!({}))
        .await;
    assert_eq!(a.status, 403, "{}", a.body);
}

#[tokio::test]
async fn payments_follow_the_forms() {
    let api = Api::start().await;
    let org = main_org(&api).await;
    let url = api.acc("/reports-tables/search-payments");
    let a = api
        .post(
            &url,
            json!({ "deadline-from": "2025-04-01T00:00:00Z", "deadline-to": "2025-06-30T00:00:00Z" }),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["skip"], 0);
    assert_eq!(a.body["take"], 1000);
    assert_eq!(a.body["total-count"], 1);
    let payments = a.body["organization-payments"][0]["payments"]
        .as_array()
        .unwrap();
    assert_eq!(
        a.body["organization-payments"][0]["organization-id"],
        org.as_str()
    );
    let vat = payments
        .iter()
        .find(|p| p["payment-form-id"] == 1151001)
        .unwrap();
    assert_eq!(vat["short-name"], "НДС");
    assert_eq!(vat["periodicity"], "quarterly");
    let periods: Vec<(&str, i64, i64, i64)> = vat["payment-periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["deadline"].as_str().unwrap(),
                p["period-year"].as_i64().unwrap(),
                p["period-number"].as_i64().unwrap(),
                p["payment-number-in-period"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        periods,
        [
            ("2025-04-28T00:00:00+00:00", 2025, 1, 1),
            ("2025-05-28T00:00:00+00:00", 2025, 1, 2),
            ("2025-06-28T00:00:00+00:00", 2025, 1, 3),
        ]
    );
    let ndfl = payments
        .iter()
        .find(|p| p["payment-form-id"] == 1151100)
        .unwrap();
    assert_eq!(ndfl["periodicity"], "monthly");
    let months: Vec<i64> = ndfl["payment-periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["period-number"].as_i64().unwrap())
        .collect();
    assert_eq!(months, [3, 4, 5], "March's tax by 28 April…");
    assert!(ndfl["payment-periods"][0]["payment-number-in-period"].is_null());
    assert!(
        payments.iter().all(|p| p["payment-form-id"] != 710099),
        "the accounting statements declare no tax"
    );

    // A second organization; paging counts organizations.
    let a = api
        .post(
            &api.acc("/organizations"),
            json!({ "inn": "7707083893", "kpp": "773601001", "name": "Вторая" }),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    let a = api.post(&url, json!({ "skip": 1, "take": 1 })).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["total-count"], 2);
    assert_eq!(a.body["organization-payments"].as_array().unwrap().len(), 1);
    assert_ne!(
        a.body["organization-payments"][0]["organization-id"],
        org.as_str()
    );

    for body in [
        json!({ "organization-ids": [uuid::Uuid::new_v4()] }),
        json!({ "skip": -1 }),
        json!({ "take": 5000 }),
        json!({ "deadline-from": "2025-07-01", "deadline-to": "2025-01-01" }),
    ] {
        let a = api.post(&url, body.clone()).await;
        assert!(a.status == 400 || a.status == 404, "{body}: {}", a.body);
        assert!(a.body["id"].as_str().unwrap().starts_with("urn:error:"));
    }
    let foreign = foreign_account(&api).await;
    let a = api
        .post(
            &format!("/v1/{foreign}/reports-tables/search-payments"),
            json!({}),
        )
        .await;
    assert_eq!(a.status, 403, "{}", a.body);
}
