//! Errors in the vendor's shape: `{id, status-code, message, trace-id}` with a `urn:error:` id,
//! on every 4xx and 5xx the sandbox answers.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

tokio::task_local! {
    /// The trace id of the request being handled (set by the trace middleware).
    pub static TRACE_ID: String;
}

/// The current request's trace id.
pub fn current_trace_id() -> String {
    TRACE_ID.try_with(|t| t.clone()).unwrap_or_default()
}

/// An error answer (boxed: handlers return it in every `Result`).
#[derive(Debug, Clone)]
pub struct ApiError(Box<ErrorBody>);

#[derive(Debug, Clone)]
pub struct ErrorBody {
    pub status: StatusCode,
    pub id: String,
    pub message: String,
    pub extra: Map<String, Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, id: &str, message: impl Into<String>) -> Self {
        Self(Box::new(ErrorBody {
            status,
            id: format!("urn:error:externapi:{id}"),
            message: message.into(),
            extra: Map::new(),
        }))
    }

    pub fn bad_request(id: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, id, message)
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "notFound",
            format!("{what} not found"),
        )
    }

    pub fn conflict(id: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, id, message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// Adds a field next to the standard ones (`status`, `check-result`, `context`).
    pub fn with(mut self, key: &str, value: Value) -> Self {
        self.0.extra.insert(key.into(), value);
        self
    }

    /// The body as JSON, e.g. for a task's `error`.
    pub fn body(&self) -> Value {
        let e = &self.0;
        let mut body = json!({
            "id": e.id,
            "status-code": e.status.as_u16(),
            "message": e.message,
            "trace-id": current_trace_id(),
            // Both names carry the id in the vendor's 409 example (docs/device_api/loks.rst).
            "track-id": current_trace_id(),
        });
        if let Value::Object(m) = &mut body {
            m.extend(e.extra.clone());
        }
        body
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0.status, Json(self.body())).into_response()
    }
}

/// What handlers return.
pub type ApiResult<T> = Result<T, ApiError>;
