//! Reestro's errors. Its error body is `{code, message, target, errors[]}` — a JSON path of the
//! request in `target` — unlike Extern's, so the crate has its own type; transport failures,
//! signing and local files reuse extern-api-core's error.

use std::time::Duration;

use serde::Deserialize;

/// An error body of the API, also found in a failed docflow's `error`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ApiErrorBody {
    /// `validation`, `signature`, `objectNotFound`, … (open: new codes decode).
    pub code: String,
    /// The message, often in Russian.
    pub message: String,
    /// What it is about: `api`, or a JSON path such as
    /// `objectRequest.options.cadastralNumber`.
    pub target: Option<String>,
    /// Nested details.
    pub errors: Vec<ApiErrorBody>,
}

impl std::fmt::Display for ApiErrorBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        if let Some(t) = self.target.as_deref().filter(|t| !t.is_empty()) {
            write!(f, " (at {t})")?;
        }
        for e in &self.errors {
            write!(f, "; {e}")?;
        }
        Ok(())
    }
}

/// Everything a Reestro call or workflow can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error.
    #[error("Reestro answered {status}: {body}")]
    Api {
        /// The HTTP status.
        status: u16,
        /// The error body (empty fields when the body was not Reestro's shape).
        body: ApiErrorBody,
        /// `Retry-After`, when the server asked to wait.
        retry_after: Option<Duration>,
    },
    /// The input was refused before any request: the field and why.
    #[error("invalid {field}: {message}")]
    InvalidInput {
        /// The field (a JSON path of the options, or an argument name).
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// The docflow ended in `error`.
    #[error("docflow {docflow_id} failed: {error}")]
    DocflowFailed {
        /// The docflow.
        docflow_id: uuid::Uuid,
        /// Rosreestr's or Reestro's reason.
        error: ApiErrorBody,
    },
    /// The docflow did not reach the awaited state before the deadline.
    #[error("docflow {docflow_id} was still {state} at the deadline")]
    Deadline {
        /// The docflow.
        docflow_id: uuid::Uuid,
        /// Its state then.
        state: String,
    },
    /// The server's answer did not make sense (undecodable JSON, a missing field).
    #[error("unexpected answer: {0}")]
    Protocol(String),
    /// Writing a download or reading a file failed.
    #[error("local file: {0}")]
    Io(#[from] std::io::Error),
    /// Transport, signing or local files: extern-api-core's error.
    #[error(transparent)]
    Core(#[from] extern_api_core::Error),
}

impl Error {
    /// The HTTP status of an API error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The request path the server or the local check blames, if any.
    pub fn target(&self) -> Option<&str> {
        match self {
            Self::Api { body, .. } | Self::DocflowFailed { error: body, .. } => {
                body.target.as_deref()
            }
            Self::InvalidInput { field, .. } => Some(field),
            _ => None,
        }
    }

    pub(crate) fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::InvalidInput {
            field: field.into(),
            message: message.into(),
        }
    }

    pub(crate) fn transport(e: reqwest::Error, timeout: Duration) -> Self {
        extern_api_core::Error::from_reqwest(e, timeout).into()
    }

    /// Reads an error answer: Reestro's body when it is one, the raw text otherwise.
    pub(crate) async fn from_response(response: reqwest::Response) -> Self {
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let text = response.text().await.unwrap_or_default();
        let body = serde_json::from_str::<ApiErrorBody>(&text)
            .ok()
            .filter(|b| !b.code.is_empty() || !b.message.is_empty())
            .unwrap_or_else(|| ApiErrorBody {
                code: format!("http{status}"),
                message: text.chars().take(500).collect(),
                ..Default::default()
            });
        Self::Api {
            status,
            body,
            retry_after,
        }
    }
}

impl kontur_transport::Retryable for Error {
    fn is_transient(&self) -> bool {
        match self {
            Self::Api { status, .. } => matches!(status, 408 | 429 | 502 | 503 | 504),
            Self::Core(e) => e.is_transient(),
            _ => false,
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Api { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    fn refused_before_work(&self) -> bool {
        matches!(self, Self::Api { status: 429, .. })
            || matches!(self, Self::Core(e) if e.status() == Some(429))
    }
}
