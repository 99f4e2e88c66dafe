//! Printing to PDF through core's print workflows against the sandbox: a docflow's document and
//! a draft's, each a deferred task whose PDF streams to a writer.

use extern_api_core::Error;
use extern_api_core::model::DocflowExt;
use extern_api_tests::*;

#[tokio::test]
async fn a_filed_report_and_its_draft_print_to_pdf() {
    let world = World::start().await;
    let outcome = world
        .client
        .send_report(&report_request(&world), &world.signer, None)
        .await
        .unwrap();
    let docflow = world
        .client
        .account(world.account)
        .docflows()
        .get(outcome.docflow_id)
        .await
        .unwrap();
    let report = docflow
        .summaries()
        .into_iter()
        .find(|d| d.document_type.name() == "fns534-report")
        .unwrap();
    let mut pdf = Vec::new();
    let size = world
        .client
        .print_docflow_document(
            world.account,
            docflow.id,
            report.id,
            &mut pdf,
            &Default::default(),
        )
        .await
        .unwrap();
    assert_eq!(size, pdf.len() as u64);
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");

    let draft = world
        .client
        .account(world.account)
        .drafts()
        .get(outcome.draft_id)
        .await
        .unwrap();
    let document = extern_api_core::model::link_id(&draft.documents[0]).unwrap();
    let mut pdf = Vec::new();
    world
        .client
        .print_draft_document(
            world.account,
            outcome.draft_id,
            document,
            &mut pdf,
            &Default::default(),
        )
        .await
        .unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");
}

#[tokio::test]
async fn printing_a_document_that_does_not_exist_is_the_services_404() {
    let world = World::start().await;
    let outcome = world
        .client
        .send_report(&report_request(&world), &world.signer, None)
        .await
        .unwrap();
    let err = world
        .client
        .print_docflow_document(
            world.account,
            outcome.docflow_id,
            uuid::Uuid::new_v4(),
            Vec::new(),
            &Default::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err:#}");
    assert!(matches!(err, Error::Api { .. }));
}
