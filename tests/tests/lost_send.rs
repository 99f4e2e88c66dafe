//! A send whose answer is lost on the way back must not create a second docflow: the client
//! looks the draft's send task up instead of sending again.

use std::sync::atomic::Ordering;
use std::time::Duration;

use extern_api_core::model::urn::{DocflowStatus, SuccessState};
use extern_api_core::raw::prelude::*;
use extern_api_core::{
    Idempotency,
    workflows::{Recipient, ReportRequest},
};
use extern_api_sandbox::{Sandbox, SandboxConfig};
use extern_api_tests::*;

#[tokio::test]
async fn a_lost_send_answer_does_not_send_twice() {
    let sandbox = std::sync::Arc::new(Sandbox::start(SandboxConfig::for_tests()).await.unwrap());
    let proxy = LosingProxy::start(sandbox.addr(), "/send?").await;
    let world = World::connect(sandbox.clone(), &proxy.url, |b| b).await;
    let mut request = ReportRequest::new(
        world.account,
        INN,
        Some(KPP.into()),
        Recipient::Fns("0087".into()),
        vec![report_for("0087")],
    );
    request.follow_interval = Duration::from_millis(20);
    let outcome = world
        .client
        .send_report(&request, &world.signer, None)
        .await
        .unwrap();
    assert_eq!(
        proxy.dropped.load(Ordering::SeqCst),
        1,
        "the send answer was lost once"
    );
    assert_eq!(
        (outcome.status, outcome.success),
        (DocflowStatus::Finished, SuccessState::Successful)
    );
    let page = world
        .client
        .call(Idempotency::Idempotent, move |c| async move {
            c.docflows_search().account_id(world.account).send().await
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(page.total_count, Some(1), "exactly one docflow");
    assert_eq!(page.docflows_page_item[0].id, outcome.docflow_id);
}
