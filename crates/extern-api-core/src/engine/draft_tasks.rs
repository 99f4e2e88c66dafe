//! Draft tasks run to their end. A send is never repeated blindly: when its answer is lost, the
//! draft's task list says whether the server took it, and that task is followed instead.

use uuid::Uuid;

use crate::api::{DraftTask, PollPolicy, task_result, wait_task};
use crate::model::CheckProtocol;
use crate::{Error, ExternClient};

impl ExternClient {
    /// Sends a draft as a task and waits for its result (the docflow, or an error object).
    pub(crate) async fn send_draft(
        &self,
        account: Uuid,
        draft: Uuid,
        policy: &PollPolicy,
    ) -> Result<serde_json::Value, Error> {
        let drafts = self.account(account).drafts();
        let task = match drafts.start(draft, DraftTask::Send).await {
            Ok(task) => task,
            Err(e) if e.is_transient() || e.status().is_some_and(|s| s >= 500) => {
                tracing::warn!(error = %format!("{e:#}"), "the send answer was lost; looking the draft up before anything else");
                match self.find_send(account, draft).await? {
                    Some(task) => task,
                    None => drafts.start(draft, DraftTask::Send).await?,
                }
            }
            Err(e) => return Err(e),
        };
        self.wait_draft_task(account, draft, task, policy).await
    }

    /// Waits for a draft task (check, prepare, send) started earlier — e.g. by a process that
    /// stopped — from its saved id, and returns its result.
    pub async fn wait_draft_task(
        &self,
        account: Uuid,
        draft: Uuid,
        task: Uuid,
        policy: &PollPolicy,
    ) -> Result<serde_json::Value, Error> {
        let drafts = self.account(account).drafts();
        let done = wait_task(policy, || drafts.task(draft, task)).await?;
        task_result(done)
    }

    /// Checks a draft and returns its protocol (errors and warnings; empty when all is well).
    pub async fn check_draft(
        &self,
        account: Uuid,
        draft: Uuid,
        policy: &PollPolicy,
    ) -> Result<CheckProtocol, Error> {
        let task = self
            .account(account)
            .drafts()
            .start(draft, DraftTask::Check)
            .await?;
        let result = self.wait_draft_task(account, draft, task, policy).await?;
        Ok(CheckProtocol::from_json(&result["data"], &[]))
    }

    /// The send task a draft already has, if the server took the send.
    pub(crate) async fn find_send(
        &self,
        account: Uuid,
        draft: Uuid,
    ) -> Result<Option<Uuid>, Error> {
        let tasks = self.account(account).drafts().tasks(draft).await?;
        Ok(tasks
            .items
            .iter()
            .rev()
            .find(|t| t.task_type.as_deref() == Some(DraftTask::Send.task_type()))
            .and_then(|t| t.id))
    }
}
