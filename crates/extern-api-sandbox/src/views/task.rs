//! Long operations as the API shows them, and the 409 of a busy draft.

use serde_json::{Value, json};
use uuid::Uuid;

use crate::http::error::ApiError;
use crate::state::Task;

pub fn render_task(task: &Task) -> Value {
    let mut v = json!({ "id": task.id, "task-state": task.state.as_str(), "task-type": task.kind });
    if let Some(r) = &task.result {
        v["task-result"] = r.clone();
    }
    if let Some(e) = &task.error {
        v["error"] = e.clone();
    }
    if let Some(p) = task.progress {
        v["progress"] = json!(p);
    }
    v
}

/// 409 for a draft a task is running on, naming that task and its type (docs/device_api/loks.rst:
/// "идентификатор и тип параллельно выполняющейся операции").
pub fn busy(store: &crate::state::Store, task: Uuid) -> ApiError {
    let kind = store.tasks.get(&task).map(|t| t.kind);
    ApiError::conflict(
        "concurrentApiTaskActive",
        "There is an active concurrent operation",
    )
    .with(
        "context",
        json!({ "concurrent-task": { "id": task, "task-type": kind } }),
    )
}
