//! Incoming FNS demands (`urn:docflow:fns534-demand`), as the vendor documents them: the
//! inspection's package (main document ON_DOCNPNO, description TR_INFSOOB, the demand itself as
//! attachments, the operator's date confirmation) arrives `received`; the subscriber's receipt
//! makes it `arrived`; after `check-demand`, an acceptance (КоП) or a decline (УО, with error
//! codes) makes it `processed`; the inspection's receipt on that makes it `finished`.
//! Test tools generate demands, with a chosen defect when asked.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use chrono::{DateTime, Datelike, Duration, Utc, Weekday};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{JsonBody, Path};
use crate::identity::scope::AccountScope;
use crate::state::Shared;
use crate::state::urns::{ACCEPT, CU_LETTER, CU_LETTER_RECEIPT, DECLINE, FNS_DEMAND, RECEIPT};
use crate::state::vocabulary::{DocflowStatus, SuccessState};
use crate::state::{Docflow, DocflowDocument, Origin, OwnSigner, Signature, Store};

/// Codes a decline may give, and what `check-demand` reports.
pub const WRONG_ADDRESSEE: &str = "0400100005";
pub const BAD_FORMAT: &str = "0300300001";
pub const ATTACHMENT_COUNT: &str = "0300300030";
pub const FOREIGN_ENCRYPTION: &str = "0100300003";
pub const BAD_SIGNATURE: &str = "0100100004";
pub const DECLINE_CODES: &[&str] = &[
    WRONG_ADDRESSEE,
    BAD_FORMAT,
    ATTACHMENT_COUNT,
    FOREIGN_ENCRYPTION,
    BAD_SIGNATURE,
];

/// Demand KNDs whose answer is an inventory of documents.
pub const INVENTORY_KNDS: &[&str] = &["1165050", "1165013", "1152006", "1153007", "1125008"];

/// `n` working days after `from` (weekends skipped; holidays are not modelled).
pub fn working_days_after(from: DateTime<Utc>, n: u32) -> DateTime<Utc> {
    let mut day = from;
    let mut left = n;
    while left > 0 {
        day += Duration::days(1);
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    day
}

/// What a generated demand gets wrong, to rehearse declines.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Defect {
    /// Addressed to another organization.
    WrongAddressee,
    /// The description announces one attachment more than there are.
    AttachmentCount,
    /// The main document is not well-formed XML.
    Format,
    /// The inspection's signature does not match an attachment.
    BadSignature,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct DemandRequest {
    account_id: Option<Uuid>,
    ifns_code: Option<String>,
    /// The KND of each demand attachment (default one `1165050`, a demand for documents).
    knds: Option<Vec<String>>,
    defect: Option<Defect>,
}

fn xml(text: &str) -> Vec<u8> {
    encoding_rs::WINDOWS_1251.encode(text).0.into_owned()
}

/// `POST /test-tools/v1/generate-demand` `{account-id?, ifns-code?, knds?, defect?}`: an incoming
/// demand from the inspection to the account's head organization.
pub async fn generate(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<DemandRequest>,
) -> ApiResult<Json<Value>> {
    crate::identity::auth::authorize(&shared, &headers)?;
    let cu = req.ifns_code.unwrap_or_else(|| "0087".into());
    if cu.len() != 4 || !cu.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::bad_request(
            "invalidRequest",
            format!("ifns-code {cu:?} must be 4 digits"),
        ));
    }
    let knds = req.knds.unwrap_or_else(|| vec!["1165050".into()]);
    if knds.is_empty()
        || knds.len() > 20
        || knds
            .iter()
            .any(|k| k.len() != 7 || !k.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(ApiError::bad_request(
            "invalidRequest",
            "knds: 1 to 20 codes of 7 digits",
        ));
    }
    let now = shared.clock.now();
    let mut guard = shared.lock();
    let store = &mut *guard;
    let account = match req.account_id {
        Some(id) => store.account(id).cloned(),
        None => store.accounts.first().cloned(),
    }
    .ok_or_else(|| ApiError::not_found("account"))?;
    let org = store
        .organizations
        .iter()
        .find(|o| o.account_id == account.id && o.is_main)
        .cloned()
        .ok_or_else(|| ApiError::not_found("organization"))?;
    let innkpp = format!("{}{}", org.inn, org.kpp);
    let date = now.format("%Y%m%d");
    let day = now.format("%d.%m.%Y");
    let hex = Uuid::new_v4().simple().to_string();
    let (to_inn, to_kpp) = if req.defect == Some(Defect::WrongAddressee) {
        ("7701234560".to_string(), "770101001".to_string())
    } else {
        (org.inn.clone(), org.kpp.clone())
    };
    let demand_number = format!("{}", 1000 + store.docflows.len() % 9000);
    let reply_deadline = working_days_after(now, 10);
    let receipt_deadline = working_days_after(now, 6);

    let mut documents = Vec::new();
    let sign = |bytes: &[u8]| {
        shared.own_signature(
            OwnSigner::Inspection,
            shared.inspection.sign_detached(bytes).into(),
        )
    };
    let mut attachment_names = Vec::new();
    let mut attachments = Vec::new();
    for (i, knd) in knds.iter().enumerate() {
        let id = format!("ON_TREBDOK_{innkpp}_{innkpp}_{cu}_{date}_{hex}{i}");
        let body = xml(&format!(
            "<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n<Файл ИдФайл=\"{id}\" ВерсПрог=\"extern-api-sandbox\" ВерсФорм=\"5.01\">\
             <Документ КНД=\"{knd}\" ДатаДок=\"{day}\" НомТреб=\"{demand_number}\"><СвНО КодНО=\"{cu}\" НаимНО=\"Тестовая ФНС\"/>\
             <СвНП><НПЮЛ НаимОрг=\"{}\" ИННЮЛ=\"{}\" КПП=\"{}\"/></СвНП><ТекстТреб>Представить документы в течение 10 рабочих дней</ТекстТреб></Документ></Файл>\n",
            org.name, to_inn, to_kpp
        ));
        attachment_names.push(id.clone());
        attachments.push((id, knd.clone(), body));
    }
    let main_id = format!("ON_DOCNPNO_{innkpp}_{innkpp}_{cu}_{date}_{hex}");
    let names: String = attachment_names
        .iter()
        .map(|n| format!("<ИмяФайл>{n}</ИмяФайл>"))
        .collect();
    let mut main = format!(
        "<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n<Файл ИдФайл=\"{main_id}\" ВерсПрог=\"extern-api-sandbox\" ВерсФорм=\"5.01\">\
         <Документ КНД=\"1184002\" ДатаДок=\"{day}\"><СвОтпрДок><ОтпрНО КодНО=\"{cu}\" НаимНО=\"Тестовая ФНС\"/></СвОтпрДок>\
         <СвПолДок><ОтпрЮЛ НаимОрг=\"{}\" ИННЮЛ=\"{to_inn}\" КПП=\"{to_kpp}\"/></СвПолДок>\
         <ДокНапрИзНО><ИнфСообДок КНД_Док=\"{}\" КолФайл=\"{}\">{names}</ИнфСообДок></ДокНапрИзНО></Документ></Файл>\n",
        org.name,
        knds[0],
        knds.len()
    );
    if req.defect == Some(Defect::Format) {
        main.truncate(main.len() - "</Документ></Файл>\n".len());
    }
    let main = xml(&main);
    let announced = knds.len() + usize::from(req.defect == Some(Defect::AttachmentCount));
    let description = xml(&format!(
        "<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n<ОписДок><КНДДок>1184002</КНДДок><КодНО>{cu}</КодНО><КодНО2>{cu}</КодНО2><НП>{innkpp}</НП>\
         <КолФайлПрилож>{announced}</КолФайлПрилож>{}</ОписДок>\n",
        attachment_names
            .iter()
            .map(|n| format!("<ИмяФайлПрилож>{n}</ИмяФайлПрилож>"))
            .collect::<String>()
    ));
    let mut push = |store: &mut Store,
                    doc_type: &'static str,
                    filename: String,
                    bytes: &[u8],
                    signature: Option<Signature>,
                    origin: Origin,
                    replies: Vec<String>| {
        let content_id = shared.put_content(store, account.id, bytes);
        // What the inspection sends is encrypted for the organization; the operator's is not.
        let sealed = if origin == Origin::Authority {
            crate::flows::sealing::seal(
                store,
                account.id,
                &org.inn,
                &filename,
                bytes,
                crate::formats::compression::Compression::of(shared.config.older_forms),
                None,
            )
        } else {
            None
        };
        documents.push(DocflowDocument {
            made: crate::state::Made::Stored,
            id: Uuid::new_v4(),
            origin,
            doc_type: doc_type.into(),
            filename,
            content_type: "application/xml",
            content_id,
            size: bytes.len() as u64,
            signatures: signature.into_iter().collect(),
            signed_by: None,
            replies_due: replies.into_iter().map(Into::into).collect(),
            decrypted: sealed.is_none(),
            sealed,
            sent: now,
        });
    };
    push(
        store,
        "urn:document:fns534-demand",
        format!("{main_id}.xml"),
        &main,
        Some(sign(&main)),
        Origin::Authority,
        vec![RECEIPT.into()],
    );
    push(
        store,
        "urn:document:fns534-demand-description",
        "TR_INFSOOB.xml".into(),
        &description,
        None,
        Origin::Authority,
        Vec::new(),
    );
    for (i, (id, _, body)) in attachments.iter().enumerate() {
        let signature = if req.defect == Some(Defect::BadSignature) && i == 0 {
            sign(b"something else")
        } else {
            sign(body)
        };
        push(
            store,
            "urn:document:fns534-demand-attachment",
            format!("{id}.xml"),
            body,
            Some(signature),
            Origin::Authority,
            Vec::new(),
        );
    }
    let pd_name = format!(
        "PD_DOCNPNO_{innkpp}_{innkpp}_1BM_{date}_{}.xml",
        Uuid::new_v4()
    );
    let pd = xml(&format!(
        "<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n<Файл ИдФайл=\"{}\"><Документ КНД=\"1166101\" ДатаДок=\"{day}\"/></Файл>\n",
        pd_name.trim_end_matches(".xml")
    ));
    let pd_sig = shared.own_signature(
        OwnSigner::Operator,
        shared.operator.sign_detached(&pd).into(),
    );
    push(
        store,
        "urn:document:fns534-demand-date-confirmation",
        pd_name,
        &pd,
        Some(pd_sig),
        Origin::Operator,
        Vec::new(),
    );
    // Attachment requisites: what the demand asks, and by when.
    let requisites: Vec<Value> = attachments
        .iter()
        .map(|(_, knd, _)| {
            json!({ "demand-number": demand_number, "demand-knd": knd, "demand-date": now.date_naive().to_string(),
                    "demand-inn-list": [org.inn], "tax-department-name": "Тестовая ФНС",
                    "receipt-deadline-date": receipt_deadline.date_naive().to_string(),
                    "reply-deadline-date": reply_deadline.date_naive().to_string() })
        })
        .collect();
    let docflow = Docflow {
        seq: 0,
        id: Uuid::new_v4(),
        account_id: account.id,
        organization_id: org.id,
        doc_type: FNS_DEMAND.into(),
        status: DocflowStatus::Received,
        success_state: SuccessState::Neutral,
        inn: org.inn.clone(),
        kpp: org.kpp.clone(),
        cu: cu.clone(),
        knd: Some("1184002".into()),
        okud: None,
        incoming: true,
        description: crate::state::Description::new(&json!({
            "attachments-count": knds.len(),
            "form-versions": knds.iter().map(|k| json!({ "knd": k })).collect::<Vec<_>>(),
            "payer-inn": format!("{}-{}", org.inn, org.kpp),
            "cu": cu,
            "transit-cu": cu,
            "receipt-status": "waiting",
            "receipt-deadline-date": crate::state::clock::wire_time(receipt_deadline),
            "reply-deadline-date": crate::state::clock::wire_time(reply_deadline),
            "replies-status": if knds.iter().any(|k| INVENTORY_KNDS.contains(&k.as_str())) { "not-sent" } else { "not-required" },
            "demand-number": demand_number,
            "attachments-requisites": requisites,
        })),
        documents: documents.into(),
        created: now,
        updated: now,
        robot: None,
    };
    let id = docflow.id;
    store.push_event(&docflow, "document", now);
    store.insert_docflow(docflow);
    Ok(Json(json!({ "docflow-id": id, "account-id": account.id })))
}

/// What the subscriber's reply shows in a demand's description: the receipt's status and date,
/// then the replies' status. (What falls due and what the robot answers is declared in
/// `flows/docflows/demand.rs`.)
pub fn describe_reply(docflow: &mut Docflow, reply_type: &str, now: DateTime<Utc>) {
    docflow.description.edit(|m| match reply_type {
        RECEIPT => {
            m.insert("receipt-status".into(), json!("accepted"));
            m.insert(
                "receipt-date".into(),
                json!(crate::state::clock::wire_time(now)),
            );
        }
        ACCEPT => {
            m.insert("replies-status".into(), json!("accepted"));
        }
        DECLINE => {
            m.insert("replies-status".into(), json!("declined"));
        }
        _ => {}
    });
}

/// `POST /v1/{accountId}/docflows/{docflowId}/check-demand`: the error codes that allow a decline,
/// and the reply links.
pub async fn check(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account, id)): Path<(Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    let (docflow, contents) = {
        let store = shared.lock();
        let d = store
            .docflows
            .get(&id)
            .filter(|d| d.account_id == account)
            .cloned()
            .ok_or_else(|| ApiError::not_found("docflow"))?;
        if d.doc_type != FNS_DEMAND {
            return Err(ApiError::bad_request(
                "notDemand",
                "check-demand applies to fns534-demand docflows only",
            ));
        }
        if d.documents
            .iter()
            .any(|x| x.sealed.is_some() && !x.decrypted)
        {
            return Err(ApiError::bad_request(
                "decryptedContentRequired",
                "store the decrypted contents of the demand's documents first (PUT …/decrypted-content or decrypt-content)",
            ));
        }
        let contents: Vec<_> = d
            .documents
            .iter()
            .map(|doc| {
                shared
                    .content(&store, doc.content_id)
                    .map(std::borrow::Cow::into_owned)
            })
            .collect();
        (d, contents)
    };
    let now = shared.clock.now();
    let checker = shared.clone();
    let codes = tokio::task::spawn_blocking(move || codes(&checker, &docflow, &contents, now))
        .await
        .map_err(|e| {
            ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                e.to_string(),
            )
        })?;
    let store = shared.lock();
    let d = &store.docflows[&id];
    let base = crate::views::docflow_path(account, id);
    let links: Vec<Value> = d
        .documents
        .iter()
        .flat_map(|doc| {
            doc.replies_due
                .iter()
                .map(|r| (doc.id, r.to_string()))
                .collect::<Vec<_>>()
        })
        .map(|(doc, r)| json!({ "rel": "reply", "name": r, "href": shared.url(&format!("{base}/documents/{doc}/generate-reply?documentType={r}")) }))
        .collect();
    Ok(Json(json!({ "error-codes": codes, "links": links })))
}

fn codes(
    shared: &Shared,
    d: &Docflow,
    contents: &[Option<crate::state::Content>],
    now: DateTime<Utc>,
) -> Vec<&'static str> {
    let mut codes = Vec::new();
    let text = |i: usize| -> String {
        contents[i]
            .as_ref()
            .and_then(|c| c.head(1 << 20).ok())
            .map(|b| encoding_rs::WINDOWS_1251.decode(&b).0.into_owned())
            .unwrap_or_default()
    };
    let main = d
        .documents
        .iter()
        .position(|x| x.doc_type == "urn:document:fns534-demand");
    if let Some(i) = main {
        let body = text(i);
        if !well_formed(&body) {
            codes.push(BAD_FORMAT);
        } else if !(body.contains(&format!("ИННЮЛ=\"{}\"", d.inn))
            && body.contains(&format!("КПП=\"{}\"", d.kpp)))
        {
            codes.push(WRONG_ADDRESSEE);
        }
    }
    let attachments = d
        .documents
        .iter()
        .filter(|x| x.doc_type == "urn:document:fns534-demand-attachment")
        .count();
    if let Some(i) = d
        .documents
        .iter()
        .position(|x| x.doc_type == "urn:document:fns534-demand-description")
    {
        let body = text(i);
        let announced = body
            .split("<КолФайлПрилож>")
            .nth(1)
            .and_then(|r| r.split('<').next())
            .and_then(|n| n.trim().parse::<usize>().ok());
        if announced != Some(attachments) {
            codes.push(ATTACHMENT_COUNT);
        }
    }
    for (i, doc) in d.documents.iter().enumerate() {
        if doc.origin != Origin::Authority {
            continue;
        }
        let Some(content) = &contents[i] else {
            continue;
        };
        for sig in &doc.signatures {
            let ok = content
                .reader()
                .map(|r| {
                    shared
                        .ca
                        .verify_detached(sig.bytes.stored(), r, now)
                        .is_ok()
                })
                .unwrap_or(false);
            if !ok && !codes.contains(&BAD_SIGNATURE) {
                codes.push(BAD_SIGNATURE);
            }
        }
    }
    codes
}

fn well_formed(text: &str) -> bool {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut depth = 0i32;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(_)) => depth += 1,
            Ok(quick_xml::events::Event::End(_)) => depth -= 1,
            Ok(quick_xml::events::Event::Eof) => return depth == 0,
            Err(_) => return false,
            _ => {}
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct LetterRequest {
    account_id: Option<Uuid>,
    ifns_code: Option<String>,
    subject: Option<String>,
    text: Option<String>,
}

/// `POST /test-tools/v1/generate-cu-letter` `{account-id?, ifns-code?, subject?, text?}`: a letter
/// from the inspection (`fns534-cu-letter`), `received` until the subscriber's receipt finishes it.
pub async fn generate_letter(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<LetterRequest>,
) -> ApiResult<Json<Value>> {
    crate::identity::auth::authorize(&shared, &headers)?;
    let cu = req.ifns_code.unwrap_or_else(|| "0087".into());
    if cu.len() != 4 || !cu.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::bad_request(
            "invalidRequest",
            format!("ifns-code {cu:?} must be 4 digits"),
        ));
    }
    let subject = req
        .subject
        .unwrap_or_else(|| "Информационное письмо".into());
    let text = req
        .text
        .unwrap_or_else(|| "Сообщаем о проведении сверки расчётов.".into());
    let now = shared.clock.now();
    let mut guard = shared.lock();
    let store = &mut *guard;
    let account = match req.account_id {
        Some(id) => store.account(id).cloned(),
        None => store.accounts.first().cloned(),
    }
    .ok_or_else(|| ApiError::not_found("account"))?;
    let org = store
        .organizations
        .iter()
        .find(|o| o.account_id == account.id && o.is_main)
        .cloned()
        .ok_or_else(|| ApiError::not_found("organization"))?;
    let innkpp = format!("{}{}", org.inn, org.kpp);
    let file_id = format!(
        "ON_PISMNO_{innkpp}_{innkpp}_{cu}_{}_{}",
        now.format("%Y%m%d"),
        Uuid::new_v4().simple()
    );
    let body = xml(&format!(
        "<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n<Файл ИдФайл=\"{file_id}\" ВерсПрог=\"extern-api-sandbox\" ВерсФорм=\"5.01\">\
         <Документ КНД=\"1166102\" ДатаДок=\"{}\"><Письмо Тема=\"{}\"><Текст>{}</Текст></Письмо></Документ></Файл>\n",
        now.format("%d.%m.%Y"),
        subject.replace('"', "'"),
        text.replace('<', "&lt;")
    ));
    let content_id = shared.put_content(store, account.id, &body);
    let sealed = crate::flows::sealing::seal(
        store,
        account.id,
        &org.inn,
        &format!("{file_id}.xml"),
        &body,
        crate::formats::compression::Compression::of(shared.config.older_forms),
        None,
    );
    let letter = DocflowDocument {
        made: crate::state::Made::Stored,
        id: Uuid::new_v4(),
        origin: Origin::Authority,
        doc_type: "urn:document:fns534-cu-letter".into(),
        filename: format!("{file_id}.xml"),
        content_type: "application/xml",
        content_id,
        size: body.len() as u64,
        signatures: vec![shared.own_signature(
            OwnSigner::Inspection,
            shared.inspection.sign_detached(&body).into(),
        )],
        signed_by: None,
        replies_due: vec![CU_LETTER_RECEIPT.into()],
        decrypted: sealed.is_none(),
        sealed,
        sent: now,
    };
    let docflow = Docflow {
        seq: 0,
        id: Uuid::new_v4(),
        account_id: account.id,
        organization_id: org.id,
        doc_type: CU_LETTER.into(),
        status: DocflowStatus::Received,
        success_state: SuccessState::Neutral,
        inn: org.inn.clone(),
        kpp: org.kpp.clone(),
        cu: cu.clone(),
        knd: Some("1166102".into()),
        okud: None,
        incoming: true,
        description: crate::state::Description::new(
            &json!({ "cu": cu, "subject": subject, "recipient-inn": org.inn }),
        ),
        documents: vec![letter].into(),
        created: now,
        updated: now,
        robot: None,
    };
    let id = docflow.id;
    store.push_event(&docflow, "document", now);
    store.insert_docflow(docflow);
    Ok(Json(json!({ "docflow-id": id, "account-id": account.id })))
}
