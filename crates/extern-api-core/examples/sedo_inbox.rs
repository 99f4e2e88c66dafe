//! The SEDO inbox: a notice from the Social Fund arrives (here a sick-leave change notice that
//! the sandbox's test tools make arrive), its document is requested, delivered and read, and
//! the exchange reaches its end. No setup:
//!
//! ```sh
//! cargo run -p extern-api-core --example sedo_inbox
//! ```

use extern_api_core::model::DocflowExt;

#[path = "support/sandbox_world.rs"]
mod sandbox_world;
use sandbox_world::SandboxWorld;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let world = SandboxWorld::start().await?;
    let (client, account) = (&world.client, world.account);
    // The Social Fund sends a notice: it arrives as a docflow without its document.
    let arrived = SandboxWorld::test_tool(
        &world.sandbox,
        "generate-sedo-docflow",
        serde_json::json!({
            "type": "fss-sedo-sick-report-change-notification",
            "registration-number": "6601234567",
        }),
    )
    .await?;
    let docflow: uuid::Uuid = arrived["docflow-id"]
        .as_str()
        .ok_or("no docflow")?
        .parse()?;
    let before = client.account(account).docflows().get(docflow).await?;
    println!(
        "arrived: {} ({}, {} documents)",
        before.docflow_type(),
        before.status().name(),
        before.documents.len()
    );

    let outcome = client
        .answer_sedo(account, docflow, &world.signer, "8.8.8.8", None)
        .await?;
    if let Some(request) = outcome.documents_request_id {
        println!("requested its document: documents request {request} (data-to-sign signed raw)");
    }
    for reply in &outcome.replies {
        println!("answered with {}", reply.reply_type);
    }
    println!(
        "done: {} / {}",
        outcome.status.name(),
        outcome.success.name()
    );
    Ok(())
}
