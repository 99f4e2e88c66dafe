//! A monitor in its own process, for the test that kills it with SIGKILL: follows the events feed
//! of a sandbox at `argv[1]` with a SQLite cursor at `argv[2]`, appending each handled event id to
//! the file `argv[3]` (written and flushed before the handler returns, so a kill can only repeat
//! an event, never lose one), until the feed is quiet for a moment.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use extern_api_core::raw::types::ApiEvent;
use extern_api_core::stores::SqliteCursorStore;
use extern_api_core::workflows::MonitorOptions;
use extern_api_core::{ExternClient, auth::Credentials};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, cursor, log] = args.as_slice() else {
        return Err("usage: monitor-child SANDBOX_URL CURSOR_FILE LOG_FILE".into());
    };
    let c = extern_api_sandbox::SandboxConfig::default();
    let client = ExternClient::builder()
        .base_url(url)
        .credentials(Credentials::password(
            &c.client_id,
            c.api_key.as_str(),
            &c.login,
            c.password.as_str(),
        ))
        .build()?;
    let cursors = Arc::new(SqliteCursorStore::open(cursor)?);
    let mut options = MonitorOptions::new("killed-monitor");
    options.page_size = 7;
    options.min_idle = Duration::from_millis(20);
    options.max_idle = Duration::from_millis(50);
    let cancel = options.cancel.clone();
    let log = log.clone();
    let quiet = tokio::spawn(async move {
        // The parent decides when the feed is done; this process just stops after a while.
        tokio::time::sleep(Duration::from_secs(20)).await;
        cancel.cancel();
    });
    client
        .monitor(cursors, options, move |event: ApiEvent| {
            let log = log.clone();
            async move {
                let mut f = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&log)?;
                writeln!(f, "{}", event.id)?;
                f.sync_data()?;
                // Slow enough that a kill lands in the middle of the feed.
                tokio::time::sleep(Duration::from_millis(2)).await;
                Ok::<(), std::io::Error>(())
            }
        })
        .await
        .map_err(|e| format!("{e}"))?;
    quiet.abort();
    Ok(())
}
