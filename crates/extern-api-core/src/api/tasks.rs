//! Long operations: the API answers a task at once; this polls it with growing intervals until
//! it ends or a deadline passes. Dropping the future stops polling (the task itself goes on at
//! the server and can be resumed from its id).

use std::future::Future;
use std::time::{Duration, Instant};

use extern_api_raw::types::ApiTask;

pub use tokio_util::sync::CancellationToken;

use crate::Error;
use crate::model::urn::TaskState;

/// How a task is polled.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct PollPolicy {
    /// The first interval between polls; it grows by half each time, up to `max_interval`.
    pub first_interval: Duration,
    /// The longest interval between two polls.
    pub max_interval: Duration,
    /// Give up (with [`Error::Timeout`]) after this long.
    pub deadline: Duration,
    /// Stop waiting (with [`Error::Cancelled`]) when this is cancelled.
    pub cancel: Option<CancellationToken>,
}

impl PollPolicy {
    /// The default policy with another deadline.
    pub fn with_deadline(deadline: Duration) -> Self {
        Self {
            deadline,
            ..Self::default()
        }
    }

    /// This policy, stopped by `token`.
    pub fn cancelled_by(mut self, token: CancellationToken) -> Self {
        self.cancel = Some(token);
        self
    }
}

impl Default for PollPolicy {
    fn default() -> Self {
        Self {
            first_interval: Duration::from_millis(100),
            max_interval: Duration::from_secs(5),
            deadline: Duration::from_secs(20 * 60),
            cancel: None,
        }
    }
}

/// Polls with `fetch` until the task is no longer running.
pub async fn wait_task<F, Fut>(policy: &PollPolicy, mut fetch: F) -> Result<ApiTask, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<ApiTask, Error>>,
{
    let started = Instant::now();
    let mut interval = policy.first_interval;
    let cancelled = || policy.cancel.as_ref().is_some_and(|c| c.is_cancelled());
    loop {
        if cancelled() {
            return Err(Error::Cancelled);
        }
        let task = fetch().await?;
        match TaskState::parse(task.task_state.as_deref().unwrap_or("running")) {
            TaskState::Running => {}
            _ => return Ok(task),
        }
        if started.elapsed() + interval > policy.deadline {
            return Err(Error::Timeout(policy.deadline));
        }
        tracing::trace!(task = %task.id, wait_ms = interval.as_millis() as u64, "task running");
        match &policy.cancel {
            Some(token) => {
                tokio::select! {
                    _ = token.cancelled() => return Err(Error::Cancelled),
                    _ = tokio::time::sleep(interval) => {}
                }
            }
            None => tokio::time::sleep(interval).await,
        }
        interval = interval.mul_f64(1.5).min(policy.max_interval);
    }
}

/// The result of a task that ended `succeed`; a `failed` task becomes [`Error::TaskFailed`].
pub fn task_result(task: ApiTask) -> Result<serde_json::Value, Error> {
    match TaskState::parse(task.task_state.as_deref().unwrap_or("")) {
        TaskState::Succeed => Ok(task.task_result.unwrap_or(serde_json::Value::Null)),
        _ => {
            let error = task.error.unwrap_or_default();
            Err(Error::TaskFailed {
                task_id: task.id,
                id: error.id,
                message: error
                    .message
                    .unwrap_or_else(|| format!("task ended {:?}", task.task_state)),
            })
        }
    }
}
