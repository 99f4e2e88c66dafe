//! The workflows' futures are `Send`, so they can be spawned on a multi-threaded runtime or
//! awaited in a web handler. A compile-time check: this file compiling is the assertion.

use extern_api_core::api::PollPolicy;
use extern_api_core::raw::types;
use extern_api_core::{
    ExternClient, api::TransferOptions, crypto::Signer, workflows::ReportRequest,
};

fn assert_send<T: Send>(_: T) {}

#[allow(dead_code)]
fn workflows(
    client: ExternClient,
    request: ReportRequest,
    signer: Box<dyn Signer>,
    docflow: types::Docflow,
    id: uuid::Uuid,
    options: TransferOptions,
) {
    let c = client.clone();
    let s = &signer;
    assert_send(async move { c.send_report(&request, s.as_ref(), None).await });
    let c = client.clone();
    let s = &signer;
    assert_send(async move {
        c.answer_due_replies(id, docflow, s.as_ref(), "127.0.0.1")
            .await
    });
    let c = client.clone();
    assert_send(async move { c.wait_draft_task(id, id, id, &PollPolicy::default()).await });
    let c = client.clone();
    let o = options.clone();
    assert_send(async move { c.account(id).contents().upload(&b"content"[..], &o).await });
    let c = client.clone();
    assert_send(async move {
        c.account(id)
            .contents()
            .download(id, tokio::io::sink(), &options)
            .await
    });
    assert_send(async move { client.account(id).docflows().get(id).await });
}
