//! The workflows' futures are `Send`, so they can be spawned on a multi-threaded runtime or
//! awaited in a web handler. A compile-time check: this file compiling is the assertion.

use std::path::Path;
use std::sync::Arc;

use extern_api_core::stores::CursorStore;
use reestro_api::{ExtractRequest, NewsOptions, ReestroClient, RegistrationRequest};

fn assert_send<T: Send>(_: T) {}

#[allow(dead_code)]
fn workflows(
    client: ReestroClient,
    extract: ExtractRequest,
    registration: RegistrationRequest,
    cursors: Arc<dyn CursorStore>,
) {
    let c = client.clone();
    assert_send(async move { c.request_extract(&extract, Path::new("out")).await });
    let c = client.clone();
    assert_send(async move {
        c.register(&registration, None, |_, _| async { Ok(()) })
            .await
    });
    assert_send(async move {
        client
            .monitor_news(cursors, NewsOptions::new("x"), |_| async {
                Ok::<_, std::io::Error>(())
            })
            .await
    });
}
