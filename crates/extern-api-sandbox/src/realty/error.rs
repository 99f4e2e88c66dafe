//! Reestro's error body, `{code, message, target, errors[]}` — not Extern's shape.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An error answer of `/realty/v1/`.
#[derive(Debug)]
pub struct RealtyError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub target: String,
}

pub type RealtyResult<T> = Result<T, RealtyError>;

impl RealtyError {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        target: &str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            target: target.into(),
        }
    }

    /// 400 `validation` at `target` (a JSON path of the request, or `api`).
    pub fn validation(target: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "validation", target, message)
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "notFound",
            "api",
            format!("no such {what}"),
        )
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", "api", message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", "api", message)
    }

    /// The body, also used as a docflow's `error`.
    pub fn body(&self) -> serde_json::Value {
        json!({ "code": self.code, "message": self.message, "target": self.target, "errors": [] })
    }
}

impl IntoResponse for RealtyError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}
