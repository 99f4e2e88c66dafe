//! Printing a document to PDF: the print task started, waited for, and the PDF it made streamed
//! to any `AsyncWrite` (skbkontur/extern-api-docs docs/scenarios/device_api/print.rst: the task's
//! result names the PDF's `content-id`).

use tokio::io::AsyncWrite;
use uuid::Uuid;

use crate::api::{PollPolicy, TransferOptions, task_result, wait_task};
use crate::{Error, ExternClient};

impl ExternClient {
    /// Prints a docflow's document to PDF into `writer`; answers the PDF's size.
    ///
    /// ```no_run
    /// # async fn demo(client: extern_api_core::ExternClient, account: uuid::Uuid, docflow: uuid::Uuid, document: uuid::Uuid) -> Result<(), extern_api_core::Error> {
    /// let file = tokio::fs::File::create("report.pdf").await.map_err(|e| extern_api_core::Error::io("report.pdf", e))?;
    /// let size = client.print_docflow_document(account, docflow, document, file, &Default::default()).await?;
    /// # let _ = size; Ok(()) }
    /// ```
    pub async fn print_docflow_document(
        &self,
        account: Uuid,
        docflow: Uuid,
        document: Uuid,
        writer: impl AsyncWrite + Unpin,
        policy: &PollPolicy,
    ) -> Result<u64, Error> {
        let docflows = self.account(account).docflows();
        let task = docflows.print(docflow, document, None).await?;
        let done = wait_task(policy, || docflows.document_task(docflow, document, task)).await?;
        self.download_printed(account, task_result(done)?, writer)
            .await
    }

    /// Prints a draft's document to PDF into `writer` (a sent draft prints with the docflow's
    /// stamps); answers the PDF's size.
    pub async fn print_draft_document(
        &self,
        account: Uuid,
        draft: Uuid,
        document: Uuid,
        writer: impl AsyncWrite + Unpin,
        policy: &PollPolicy,
    ) -> Result<u64, Error> {
        let drafts = self.account(account).drafts();
        let task = drafts.print_document(draft, document).await?;
        let done = wait_task(policy, || drafts.document_task(draft, document, task)).await?;
        self.download_printed(account, task_result(done)?, writer)
            .await
    }

    /// The PDF a print task made, streamed to `writer`.
    async fn download_printed(
        &self,
        account: Uuid,
        result: serde_json::Value,
        writer: impl AsyncWrite + Unpin,
    ) -> Result<u64, Error> {
        let pdf = result
            .get("content-id")
            .and_then(|v| v.as_str())
            .and_then(|v| v.parse::<Uuid>().ok())
            .ok_or_else(|| {
                Error::protocol(format!(
                    "the print task's result names no content-id: {result}"
                ))
            })?;
        self.account(account)
            .contents()
            .download(pdf, writer, &TransferOptions::default())
            .await
    }
}
