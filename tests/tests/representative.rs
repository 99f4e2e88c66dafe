//! Filing as a representative through core: a machine-readable warrant (МЧД) issued by the
//! payer, `ReportRequest::on_behalf_of`, and the sandbox's checks of the warrant.

use extern_api_core::Error;
use extern_api_core::crypto::SoftwareSigner;
use extern_api_core::model::urn::{DocflowStatus, SuccessState};
use extern_api_tests::*;

/// The representative: an accounting firm with a certificate of its own.
const REP_INN: &str = "6671000017";
const REP_KPP: &str = "667101001";

async fn representative(world: &World) -> SoftwareSigner {
    let (cert, key) = issue_certificate(&world.sandbox, REP_INN, REP_KPP, "ecdsa").await;
    SoftwareSigner::from_pem(&key, cert).unwrap()
}

/// A warrant of the seeded organization (the payer) for the representative, valid `begin..=end`.
async fn issue_warrant(world: &World, begin: &str, end: &str) -> uuid::Uuid {
    let org = world
        .client
        .account(world.account)
        .organizations()
        .page(Some(INN), Some(KPP), 0, 10)
        .await
        .unwrap()
        .items[0]
        .id;
    let issued: serde_json::Value = reqwest::Client::new()
        .post(format!(
            "{}/test-tools/v1/issue-warrant",
            world.sandbox.url()
        ))
        .bearer_auth(
            world
                .client
                .tokens()
                .unwrap()
                .access_token()
                .await
                .unwrap()
                .expose(),
        )
        .json(&serde_json::json!({
            "organization-id": org, "number": "МЧД-1", "date-begin": begin, "date-end": end,
            "permissions": [1],
            "sender-organization": { "name": "ООО «Бухгалтер»", "inn": REP_INN, "kpp": REP_KPP }
        }))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .json()
        .await
        .unwrap();
    issued["id"].as_str().unwrap().parse().unwrap()
}

fn request(world: &World, warrant: uuid::Uuid) -> extern_api_core::workflows::ReportRequest {
    let mut r = report_request(world);
    r.sender_inn = REP_INN.into();
    r.sender_kpp = Some(REP_KPP.into());
    r.on_behalf_of(INN, Some(KPP.into()), Some(warrant))
}

#[tokio::test]
async fn a_representative_with_the_payers_warrant_files_to_the_end() {
    let world = World::start().await;
    let signer = representative(&world).await;
    let warrant = issue_warrant(&world, "2020-01-01", "2099-12-31").await;
    let listed = world
        .client
        .account(world.account)
        .warrants()
        .page(true, 0, 100)
        .await
        .unwrap();
    assert!(
        listed
            .items
            .iter()
            .any(|w| w.representative_inn.as_deref() == Some(REP_INN)
                && w.inn.as_deref() == Some(INN)),
        "{listed:?}"
    );
    let outcome = world
        .client
        .send_report(&request(&world, warrant), &signer, None)
        .await
        .unwrap();
    assert_eq!(outcome.status, DocflowStatus::Finished);
    assert_eq!(outcome.success, SuccessState::Successful);
}

#[tokio::test]
async fn an_expired_or_unknown_warrant_fails_the_check() {
    let world = World::start().await;
    let signer = representative(&world).await;
    let expired = issue_warrant(&world, "2020-01-01", "2020-12-31").await;
    for warrant in [expired, uuid::Uuid::new_v4()] {
        let err = world
            .client
            .send_report(&request(&world, warrant), &signer, None)
            .await
            .unwrap_err();
        let Error::CheckFailed(protocol) = &err else {
            panic!("{err:#}");
        };
        assert!(protocol.has_errors(), "{protocol}");
        assert!(
            protocol.to_string().contains("оверенност"),
            "the protocol names the warrant: {protocol}"
        );
    }
}

#[tokio::test]
async fn a_payer_inn_with_a_wrong_check_digit_is_refused_before_any_request() {
    let world = World::start().await;
    let signer = representative(&world).await;
    let mut r = request(&world, uuid::Uuid::new_v4());
    if let Some(rep) = &mut r.representing {
        rep.payer_inn = "6676130155".into();
    }
    let err = world
        .client
        .send_report(&r, &signer, None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err:#}");
}
