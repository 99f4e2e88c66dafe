//! Test tools, modelled on the vendor's Extern Test Tools: issue a test certificate that the
//! sandbox trusts as an organization's signer, and move the sandbox clock forward.
//! Authorized by the integrator's api-key (`X-Kontur-Apikey`) or a Bearer token.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use base64::Engine;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::flows::robots;
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::JsonBody;
use crate::identity::auth::authorize;
use crate::pki::{KeyAlgorithm, PkiError, Subject};
use crate::state::Shared;
use crate::state::SignerCertificate;

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct CertificateRequest {
    inn: String,
    kpp: Option<String>,
    fio: Option<String>,
    organization_name: Option<String>,
    /// ОГРН (13 digits) or ОГРНИП (15 digits), written to GOST certificates.
    ogrn: Option<String>,
    /// ECDSA when absent, gost2012-256 in GOST mode.
    #[serde(default)]
    algorithm: Option<KeyAlgorithm>,
}

/// `POST /test-tools/v1/generate-certificate`
/// `{inn, kpp?, fio?, organization-name?, ogrn?, algorithm?: ecdsa|rsa|gost2012-256|gost2012-512}`
/// → `{certificate: base64 DER, private-key: PKCS#8 PEM, thumbprint}`. Without `algorithm`,
/// ECDSA; gost2012-256 in GOST mode ([`crate::SandboxConfig::gost`]), as the vendor's test site
/// issues. GOST certificates are issued by the sandbox's GOST test CA and need a build with the
/// cargo feature `gost` (and OpenSSL's gost engine); otherwise 400 `unsupportedAlgorithm`.
pub async fn generate_certificate(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<CertificateRequest>,
) -> ApiResult<Json<Value>> {
    authorize(&shared, &headers)?;
    let digits =
        |s: &str, n: &[usize]| n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(&req.inn, &[10, 12]) {
        return Err(ApiError::bad_request(
            "invalidInn",
            format!("inn {:?} must be 10 or 12 digits", req.inn),
        ));
    }
    if let Some(ogrn) = &req.ogrn
        && !digits(ogrn, &[13, 15])
    {
        return Err(ApiError::bad_request(
            "invalidOgrn",
            format!("ogrn {ogrn:?} must be 13 (ОГРН) or 15 (ОГРНИП) digits"),
        ));
    }
    let organization = req.organization_name.clone().or_else(|| {
        let store = shared.lock();
        store
            .organizations
            .iter()
            .find(|o| o.inn == req.inn)
            .map(|o| o.name.clone())
    });
    let subject = Subject {
        inn: req.inn.clone(),
        kpp: req.kpp.clone(),
        fio: req
            .fio
            .clone()
            .unwrap_or_else(|| "Тестовый Подписант".into()),
        organization,
        ogrn: req.ogrn.clone(),
    };
    let algorithm = req.algorithm.unwrap_or(if shared.config.gost {
        KeyAlgorithm::Gost2012_256
    } else {
        KeyAlgorithm::Ecdsa
    });
    let ca = shared.clone();
    let issued = tokio::task::spawn_blocking(move || ca.ca.issue(&subject, algorithm))
        .await
        .map_err(|e| {
            ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                e.to_string(),
            )
        })?
        .map_err(|e| match e {
            // No GOST in this build or on this machine: the message names the feature and the
            // package.
            PkiError::Unsupported(m) => ApiError::bad_request("unsupportedAlgorithm", m),
            e => ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                e.to_string(),
            ),
        })?;
    let info = shared
        .ca
        .check_certificate(&issued.certificate_der, shared.clock.now())
        .map_err(|e| {
            ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                e.to_string(),
            )
        })?;
    shared.lock().signers.push(SignerCertificate {
        der: issued.certificate_der.clone(),
        info: info.clone(),
        kpp: req.kpp,
    });
    Ok(Json(json!({
        "certificate": base64::engine::general_purpose::STANDARD.encode(&issued.certificate_der),
        "private-key": issued.private_key_pem,
        "thumbprint": info.thumbprint,
    })))
}

#[derive(Deserialize)]
pub struct AdvanceRequest {
    seconds: f64,
}

/// `POST /test-tools/v1/advance-clock` `{seconds}`: moves the sandbox clock forward and runs every
/// robot step that falls due; answers the new time.
pub async fn advance_clock(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<AdvanceRequest>,
) -> ApiResult<Json<Value>> {
    authorize(&shared, &headers)?;
    if !req.seconds.is_finite() || req.seconds < 0.0 || req.seconds > 10.0 * 365.0 * 86_400.0 {
        return Err(ApiError::bad_request(
            "invalidRequest",
            "seconds must be between 0 and ten years",
        ));
    }
    let now = shared.clock.advance(chrono::Duration::milliseconds(
        (req.seconds * 1000.0) as i64,
    ));
    let mut store = shared.lock();
    robots::run_due(&shared, &mut store, now);
    Ok(Json(json!({ "now": now.to_rfc3339() })))
}

/// `GET /test-tools/v1/ca-certificate`: the sandbox CA, for clients that verify signatures;
/// `gost-certificate` too, the GOST test CA, when the sandbox has GOST.
pub async fn ca_certificate(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut body = json!({ "certificate": b64.encode(&shared.ca.certificate_der) });
    if let Some(gost) = shared.ca.gost_certificate_der() {
        body["gost-certificate"] = json!(b64.encode(gost));
    }
    Json(body)
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct DocflowsRequest {
    count: usize,
    account_id: Option<uuid::Uuid>,
    ifns_code: Option<String>,
}

/// Most docflows one call generates.
const MAX_GENERATED: usize = 1_000_000;

/// `POST /test-tools/v1/generate-docflows` `{count, account-id?, ifns-code?}`: sends `count`
/// signed reports of the account's head organization to an inspection (default 0087) as if
/// through drafts, so searches, events and benchmarks have data; the robots answer them as usual.
pub async fn generate_docflows(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<DocflowsRequest>,
) -> ApiResult<Json<Value>> {
    authorize(&shared, &headers)?;
    if req.count == 0 || req.count > MAX_GENERATED {
        return Err(ApiError::bad_request(
            "invalidRequest",
            format!("count must be 1 to {MAX_GENERATED}"),
        ));
    }
    let code = req.ifns_code.unwrap_or_else(|| "0087".into());
    if code.len() != 4 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::bad_request(
            "invalidRequest",
            format!("ifns-code {code:?} must be 4 digits"),
        ));
    }
    let (account, org) = {
        let store = shared.lock();
        let account = match req.account_id {
            Some(id) => store
                .account(id)
                .cloned()
                .ok_or_else(|| ApiError::not_found("account"))?,
            None => store
                .accounts
                .first()
                .cloned()
                .ok_or_else(|| ApiError::not_found("account"))?,
        };
        let org = store
            .organizations
            .iter()
            .find(|o| o.account_id == account.id && o.is_main)
            .cloned()
            .ok_or_else(|| ApiError::not_found("organization"))?;
        (account, org)
    };
    // GOST in GOST mode, as the sandbox's other own signatures.
    let signer = shared
        .own_signer(&Subject {
            inn: org.inn.clone(),
            kpp: Some(org.kpp.clone()),
            fio: "Генератор Отчётов".into(),
            organization: Some(org.name.clone()),
            ogrn: None,
        })
        .map_err(|e| {
            ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                e.to_string(),
            )
        })?;
    let now = shared.clock.now();
    let file_id = format!(
        "NO_BUHOTCH_{code}_{code}_{}{}_{}_{}",
        org.inn,
        org.kpp,
        now.format("%Y%m%d"),
        uuid::Uuid::new_v4()
    );
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n<Файл ИдФайл=\"{file_id}\" ВерсФорм=\"5.07\"><Документ КНД=\"0710099\" Период=\"34\" ОтчетГод=\"{}\" НомКорр=\"0\" КодНО=\"{code}\">\
         <СвНП><НПЮЛ НаимОрг=\"{}\" ИННЮЛ=\"{}\" КПП=\"{}\"/></СвНП></Документ></Файл>\n",
        now.format("%Y"),
        org.name,
        org.inn,
        org.kpp
    );
    let bytes = encoding_rs::WINDOWS_1251.encode(&xml).0.into_owned();
    let signature = signer.try_sign_detached(&bytes).map_err(|e| {
        ApiError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            e.to_string(),
        )
    })?;
    let thumbprint = crate::pki::thumbprint(&signer.certificate_der);
    let meta: crate::formats::wire::DraftMeta = serde_json::from_value(json!({
        "sender": { "inn": org.inn, "kpp": org.kpp, "ipaddress": "127.0.0.1" },
        "recipient": { "ifns-code": code },
        "payer": { "inn": org.inn, "organization": { "kpp": org.kpp } },
    }))
    .expect("a valid draft meta");
    let content_id = {
        let mut store = shared.lock();
        shared.put_content(&mut store, account.id, &bytes)
    };
    let document = crate::state::DraftDocument {
        id: uuid::Uuid::new_v4(),
        content_id: Some(content_id),
        doc_type: Some("urn:document:fns534-report".into()),
        filename: Some(format!("{file_id}.xml")),
        content_type: Some("application/xml".into()),
        properties: Default::default(),
        xml_signing: None,
        signatures: vec![crate::state::Signature {
            id: uuid::Uuid::new_v4(),
            bytes: signature.into(),
            thumbprint: thumbprint.into(),
            title: format!("{} (Генератор Отчётов)", org.name).into(),
            signer_type: "organization-representative",
        }],
    };
    let mut created = 0usize;
    // In batches, so that other requests get the store in between.
    while created < req.count {
        let batch = (req.count - created).min(1000);
        {
            let mut store = shared.lock();
            for _ in 0..batch {
                let draft = crate::state::Draft {
                    id: uuid::Uuid::new_v4(),
                    account_id: account.id,
                    meta: meta.clone(),
                    status: crate::state::vocabulary::DraftStatus::Sent,
                    documents: vec![document.clone()],
                    docflow_id: None,
                    busy_task: None,
                    docflow_type: None,
                };
                crate::api::docflows::create_from_draft(&shared, &mut store, &draft, now)?;
            }
        }
        created += batch;
        tokio::task::yield_now().await;
    }
    Ok(Json(
        json!({ "created": created, "account-id": account.id }),
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PartnerRequest {
    /// The partner's RSA public key, PEM (SPKI).
    public_key: String,
    /// The id the partner uses for the user (`sub` of its JWTs).
    service_user_id: String,
    /// The sandbox user it stands for (default: the seeded user).
    login: Option<String>,
}

/// `POST /test-tools/v1/register-partner` `{public-key, service-user-id, login?}`: lets a partner
/// log the user in with RS256 JWTs (`grant_type=trusted`).
pub async fn register_partner(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<PartnerRequest>,
) -> ApiResult<Json<Value>> {
    use rsa::pkcs8::DecodePublicKey;
    authorize(&shared, &headers)?;
    let key = rsa::RsaPublicKey::from_public_key_pem(req.public_key.trim()).map_err(|e| {
        ApiError::bad_request(
            "invalidRequest",
            format!("public-key is not an RSA public key in PEM: {e}"),
        )
    })?;
    let login = req.login.unwrap_or_else(|| shared.config.login.clone());
    let mut store = shared.lock();
    if !store.passwords.contains_key(&login) {
        return Err(ApiError::bad_request(
            "invalidRequest",
            format!("no user {login:?}"),
        ));
    }
    store
        .partners
        .retain(|p| p.service_user_id != req.service_user_id);
    store.partners.push(crate::state::Partner {
        key,
        service_user_id: req.service_user_id.clone(),
        login: login.clone(),
    });
    Ok(Json(
        json!({ "service-user-id": req.service_user_id, "login": login }),
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct DeviceAnswer {
    user_code: String,
    #[serde(default)]
    deny: bool,
    login: Option<String>,
}

/// `POST /test-tools/v1/approve-device` `{user-code, deny?, login?}`: the user confirms (or
/// refuses) a device-flow login, as they would on the verification page.
pub async fn approve_device(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<DeviceAnswer>,
) -> ApiResult<Json<Value>> {
    authorize(&shared, &headers)?;
    let login = req.login.unwrap_or_else(|| shared.config.login.clone());
    let mut store = shared.lock();
    let device = store
        .devices
        .values_mut()
        .find(|d| d.user_code.eq_ignore_ascii_case(req.user_code.trim()))
        .ok_or_else(|| ApiError::not_found("device login with this user code"))?;
    device.answer = Some(if req.deny { Err(()) } else { Ok(login) });
    Ok(Json(
        json!({ "user-code": device.user_code, "approved": !req.deny }),
    ))
}
