//! The handbooks through core's handler against the sandbox: control units, forms and another
//! handbook, and answers kept by the client — served when the service is gone, asked again when
//! the time-to-live is zero.

use std::time::Duration;

use extern_api_core::ExternClient;
use extern_api_core::api::ControlUnitFilter;
use extern_api_core::auth::Credentials;
use extern_api_sandbox::{Sandbox, SandboxConfig};

fn client(sandbox: &Sandbox, ttl: Duration) -> ExternClient {
    let c = sandbox.config();
    ExternClient::builder()
        .base_url(sandbox.url())
        .credentials(Credentials::password(
            &c.client_id,
            c.api_key.as_str(),
            &c.login,
            c.password.as_str(),
        ))
        .handbook_ttl(ttl)
        .retry(extern_api_core::RetryPolicy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn control_units_and_forms_are_read_and_kept() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let client = client(&sandbox, Duration::from_secs(600));
    let handbooks = client.handbooks();
    let unit = handbooks.control_unit("fns", "0087").await.unwrap();
    assert_eq!(unit.code, "0087");
    let fns = ControlUnitFilter {
        control_unit_type: Some("fns".into()),
        ..Default::default()
    };
    let page = handbooks.control_units(&fns, 0, 100).await.unwrap();
    assert!(page.items.iter().any(|u| u.code == "0087"), "{page:?}");
    let forms = handbooks.fns_forms(None, 0, 10).await.unwrap();
    assert!(!forms.items.is_empty());

    // The service goes away: what was read is still there, what was not is an error.
    drop(sandbox);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let kept = handbooks.control_unit("fns", "0087").await.unwrap();
    assert_eq!(kept.code, unit.code);
    assert_eq!(
        handbooks
            .control_units(&fns, 0, 100)
            .await
            .unwrap()
            .items
            .len(),
        page.items.len()
    );
    assert!(handbooks.control_unit("fns", "0088").await.is_err());
}

#[tokio::test]
async fn with_no_time_to_live_every_answer_is_asked_again() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let client = client(&sandbox, Duration::ZERO);
    client
        .handbooks()
        .control_unit("fns", "0087")
        .await
        .unwrap();
    drop(sandbox);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        client
            .handbooks()
            .control_unit("fns", "0087")
            .await
            .is_err()
    );
}

#[tokio::test]
async fn an_unknown_control_unit_is_the_services_404() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let client = client(&sandbox, Duration::from_secs(600));
    let err = client
        .handbooks()
        .control_unit("fns", "9999")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err:#}");
}
