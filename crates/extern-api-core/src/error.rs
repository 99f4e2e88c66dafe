//! One error type for everything the SDK does, with what a person needs to act on it: the
//! vendor's error id, the HTTP status, the message and the trace id support will ask for.

use std::time::Duration;

use crate::check::CheckProtocol;
use crate::validate::InvalidInput;

/// Everything that can go wrong. New variants may be added: match with a wildcard arm.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error.
    #[error("{status} {id}: {message}{}", trace(trace_id))]
    Api {
        /// HTTP status.
        status: u16,
        /// The vendor's error URN, e.g. `urn:error:externapi:concurrentApiTaskActive`.
        id: String,
        /// The server's message.
        message: String,
        /// `X-Kontur-Trace-Id` of the answer.
        trace_id: Option<String>,
    },
    /// The request never got an answer (connection refused or reset, DNS, TLS).
    #[error("transport error: {message}")]
    Transport {
        /// What failed, with its causes.
        message: String,
    },
    /// No answer within the configured timeout, or a task not finished by its deadline.
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    /// The identity provider refused to log in or to refresh.
    #[error("authentication failed: {0}")]
    Auth(String),
    /// A long operation ended `failed`.
    #[error("task {task_id} failed: {message}")]
    TaskFailed {
        /// The task's id.
        task_id: uuid::Uuid,
        /// The vendor's error URN, when the task carries one.
        id: Option<String>,
        /// Why it failed.
        message: String,
    },
    /// The draft check found errors; the protocol names each document.
    #[error("{0}")]
    CheckFailed(CheckProtocol),
    /// Input refused before any request was made.
    #[error(transparent)]
    InvalidInput(#[from] InvalidInput),
    /// Signing failed (key, certificate or external command).
    #[error("signing failed: {0}")]
    Signing(String),
    /// A local file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The report was filed — its docflow exists — but following it to its end failed. Nothing
    /// should be sent again: resume with [`ExternClient::follow_docflow`](crate::ExternClient::follow_docflow).
    #[error("filed as docflow {docflow_id} (last seen {status:?}), then: {source}")]
    AfterFiling {
        /// The draft that was sent.
        draft_id: uuid::Uuid,
        /// The docflow it became.
        docflow_id: uuid::Uuid,
        /// The docflow's status when it was last read.
        status: crate::urn::DocflowStatus,
        /// What ended the following.
        #[source]
        source: Box<Error>,
    },
    /// The server answered something this SDK could not read.
    #[error("unexpected answer: {0}")]
    Protocol(String),
    /// The operation was cancelled by the caller.
    #[error("cancelled")]
    Cancelled,
    /// A cloud (DSS) signing or decryption did not complete.
    #[error("cloud operation failed ({failure:?}): {message}")]
    Cloud {
        /// What happened, as the vendor classifies it.
        failure: CloudFailure,
        /// The server's message or the task's error.
        message: String,
    },
}

/// Why a cloud signing or decryption did not complete.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CloudFailure {
    /// The holder denied it (in the app), or the confirmer gave up.
    CanceledByUser,
    /// The holder did not confirm in time.
    Timeout,
    /// Wrong SMS codes too many times; start a new operation.
    ExceededConfirmationAttempts,
    /// Another cloud operation on this draft or docflow awaits confirmation (409).
    UnconfirmedOperationPending,
    /// The certificate's key is not held by the service.
    NotCloudCertificate,
    /// The service's signing backend failed.
    Crashed,
    /// A failure this SDK does not know yet: the vendor's progress value or error id.
    Other(String),
}

fn trace(id: &Option<String>) -> String {
    id.as_ref()
        .map(|t| format!(" (trace id {t})"))
        .unwrap_or_default()
}

impl Error {
    /// The HTTP status of an API error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The vendor's error URN of an API error.
    pub fn error_id(&self) -> Option<&str> {
        match self {
            Self::Api { id, .. } => Some(id),
            Self::TaskFailed { id, .. } => id.as_deref(),
            _ => None,
        }
    }

    /// Worth repeating (for idempotent calls): transport failures, 408, 429, 500, 502, 503, 504.
    /// A 500 on a read or a replace is repeated too: repeating them cannot do anything twice.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Transport { .. } | Self::Timeout(_) => true,
            Self::Api { status, .. } => matches!(status, 408 | 429 | 500 | 502 | 503 | 504),
            _ => false,
        }
    }

    pub(crate) fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.as_ref().display().to_string(),
            source,
        }
    }
}

/// Converts progenitor's error, reading the body of undeclared answers.
pub(crate) async fn from_raw(
    e: extern_api_raw::Error<extern_api_raw::types::Error>,
    timeout: Duration,
) -> (Error, Option<Duration>) {
    use extern_api_raw::Error as E;
    match e {
        E::ErrorResponse(rv) => {
            let status = rv.status().as_u16();
            let trace_id = extern_api_raw::trace::trace_id(rv.headers()).map(String::from);
            let retry_after = retry_after(rv.headers());
            let body = rv.into_inner();
            (
                Error::Api {
                    status,
                    id: body.id.unwrap_or_else(|| format!("http:{status}")),
                    message: body.message.unwrap_or_default(),
                    trace_id: trace_id.or(body.trace_id),
                },
                retry_after,
            )
        }
        E::UnexpectedResponse(response) => {
            let status = response.status().as_u16();
            let trace_id = extern_api_raw::trace::trace_id(response.headers()).map(String::from);
            let retry_after = retry_after(response.headers());
            let text = response.text().await.unwrap_or_default();
            let parsed: Option<serde_json::Value> = serde_json::from_str(&text).ok();
            let field = |k: &str| {
                parsed
                    .as_ref()
                    .and_then(|v| v.get(k))
                    .and_then(|v| v.as_str())
                    .map(String::from)
            };
            (
                Error::Api {
                    status,
                    id: field("id").unwrap_or_else(|| format!("http:{status}")),
                    message: field("message").unwrap_or_else(|| text.chars().take(500).collect()),
                    trace_id,
                },
                retry_after,
            )
        }
        E::CommunicationError(err) | E::ResponseBodyError(err) => (transport(err, timeout), None),
        E::InvalidResponsePayload(bytes, err) => (
            Error::Protocol(format!(
                "{err}: {}",
                String::from_utf8_lossy(&bytes[..bytes.len().min(300)])
            )),
            None,
        ),
        E::InvalidRequest(msg) => (Error::Protocol(format!("invalid request: {msg}")), None),
        E::Custom(msg) => (Error::Auth(msg), None),
        other => (Error::Protocol(other.to_string()), None),
    }
}

pub(crate) fn transport(err: reqwest::Error, timeout: Duration) -> Error {
    if err.is_timeout() {
        Error::Timeout(timeout)
    } else {
        // reqwest errors name the URL, never headers: no secret leaks through here.
        Error::Transport {
            message: format!("{err}{}", source_chain(&err)),
        }
    }
}

fn source_chain(err: &dyn std::error::Error) -> String {
    let mut out = String::new();
    let mut cur = err.source();
    while let Some(e) = cur {
        out.push_str(": ");
        out.push_str(&e.to_string());
        cur = e.source();
    }
    out
}

pub(crate) fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let v = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    v.trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        // Capped here against absurd values; the retry loop caps it again by its policy.
        .map(|s| Duration::from_secs_f64(s.min(300.0)))
}
