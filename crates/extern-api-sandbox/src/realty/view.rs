//! How Reestro shows a docflow, and the news entry each change adds.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::state::Shared;
use crate::state::realty::{RealtyDocflow, RealtyStore, Stage};

pub fn docflow_path(id: Uuid) -> String {
    format!("/realty/v1/docflows/{id}")
}

fn file_link(shared: &Shared, docflow: Uuid, file: Uuid) -> String {
    shared.url(&format!("{}/files/{file}", docflow_path(docflow)))
}

/// The docflow state object, as `GET` and the news show it.
pub fn render(shared: &Shared, d: &RealtyDocflow) -> Value {
    let mut v = json!({
        "docflowId": d.id,
        "docflowType": d.docflow_type,
        "userId": d.user_id,
        "state": d.state(),
        "options": d.options,
    });
    if let Some(r) = &d.request_id {
        v["requestId"] = json!(r);
    }
    match d.stage {
        Stage::AwaitingSignatures => {
            let signature: Vec<Value> = d
                .signatories
                .iter()
                .map(|s| {
                    json!({
                        "person": s.person,
                        "files": [{ "id": s.statement, "type": "statement", "contentLink": file_link(shared, d.id, s.statement) }],
                    })
                })
                .collect();
            v["requirements"] = json!({ "signature": signature });
        }
        Stage::AwaitingPayment => {
            let payment: Vec<Value> = d
                .payments
                .iter()
                .map(|p| json!({ "uin": p.uin, "summ": p.summ }))
                .collect();
            v["requirements"] = json!({ "payment": payment });
        }
        Stage::Completed => {
            let files: Vec<Value> = d
                .results
                .iter()
                .filter_map(|id| d.file(*id))
                .map(|f| {
                    json!({
                        "id": f.id,
                        "type": f.kind,
                        "contentLink": file_link(shared, d.id, f.id),
                        "signatures": f.signatures.iter().map(|(sid, _)| json!({ "id": sid, "contentLink": file_link(shared, d.id, *sid) })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            v["result"] = json!({ "files": files });
        }
        _ => {}
    }
    if let Some(e) = &d.error {
        v["error"] = e.clone();
    }
    v
}

/// Records a state change in the news feed.
pub fn push_news(shared: &Shared, realty: &mut RealtyStore, d: &RealtyDocflow, at: DateTime<Utc>) {
    realty.news.push(crate::state::realty::NewsEntry {
        date: at,
        docflow: render(shared, d),
        account_id: d.account_id,
    });
}

pub fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
