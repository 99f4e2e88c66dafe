//! Sends an ЕФС-1 to the Social Fund and follows it to its final state, printing each step.
//!
//! With no configuration it starts the sandbox in-process, issues a test certificate there and
//! sends the vendor's ЕФС-1 sample, signed inside with an enveloped XMLDsig, to the Social
//! Fund's robot, which acknowledges it and answers with the check protocol:
//!
//! ```sh
//! cargo run -p extern-api-core --example send_sfr_report
//! ```
//!
//! `SFR_OFFICE=000-088` makes the robot decline the package, `000-085` answer with a refinement
//! notice.

use std::sync::Arc;
use std::time::Duration;

use extern_api_core::workflows::{Recipient, ReportFile, ReportRequest, Step};

#[path = "support/sandbox_world.rs"]
mod sandbox_world;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/fixtures/ПФР_000_004_872962_666666_ЕФС_1_20230228_48d931ba_8d10_42c4_b03e.xml"
);

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let world = sandbox_world::SandboxWorld::start().await?;
    let c = world.sandbox.config();
    // The insurer's ЕРН: its first two groups name the Social Fund's office.
    let office = std::env::var("SFR_OFFICE").unwrap_or_else(|_| "087-101".into());
    let mut request = ReportRequest::new(
        world.account,
        c.inn.clone(),
        Some(c.kpp.clone()),
        Recipient::Sfr(format!("{office}-872962")),
        vec![ReportFile::read(FIXTURE).await?],
    );
    request.deadline = Duration::from_secs(600);
    request.follow_interval = Duration::from_millis(500);
    let progress = Arc::new(|step: &Step| match step {
        Step::DraftCreated { draft_id } => println!("draft {draft_id} created"),
        Step::FileAdded { file_name, .. } => println!(
            "added {} (signed inside: XMLDsig)",
            file_name.as_deref().unwrap_or("a file")
        ),
        Step::Checked => println!("check passed: the XMLDsig verified"),
        Step::Sent { docflow_id } => println!("sent: docflow {docflow_id}"),
        Step::Status { status, success } => {
            println!("status {} / {}", status.name(), success.name())
        }
        Step::ReplySent { reply_type } => println!("answered with {reply_type}"),
        other => println!("{other:?}"),
    });
    let outcome = world
        .client
        .send_sfr_report(&request, &world.signer, Some(progress))
        .await?;
    println!(
        "done: {} / {} ({} documents, {} replies sent)",
        outcome.status.name(),
        outcome.success.name(),
        outcome.documents.len(),
        outcome.replies.len()
    );
    Ok(())
}
