//! One error type for everything the SDK does, with what a person needs to act on it: the
//! vendor's error id, the HTTP status, the message and the trace id support will ask for, and
//! the cause it wraps (reqwest's, OpenSSL's, serde's, the file system's) as its `source()`.
//!
//! `Display` is one line; the alternate form (`{:#}`) adds the chain of causes.

use std::fmt;
use std::time::Duration;

use crate::model::CheckProtocol;
use crate::model::validate::InvalidInput;

/// A wrapped cause of any type.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Everything that can go wrong. New variants may be added: match with a wildcard arm.
///
/// ```
/// use extern_api_core::Error;
///
/// let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
/// let err = Error::io("report.xml", io);
/// assert_eq!(err.to_string(), "cannot read or write report.xml");
/// assert_eq!(format!("{err:#}"), "cannot read or write report.xml: no such file");
/// assert!(std::error::Error::source(&err).is_some());
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error.
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
    Transport {
        /// What was being done.
        message: String,
        /// reqwest's error (its own causes below it).
        #[source]
        source: BoxError,
    },
    /// No answer within the configured timeout, or a task not finished by its deadline.
    Timeout(Duration),
    /// The identity provider refused to log in or to refresh.
    Auth {
        /// Why, with the provider's error code when it gave one.
        message: String,
        /// The cause, when one was wrapped.
        #[source]
        source: Option<BoxError>,
    },
    /// A long operation ended `failed`.
    TaskFailed {
        /// The task's id.
        task_id: uuid::Uuid,
        /// The vendor's error URN, when the task carries one.
        id: Option<String>,
        /// Why it failed.
        message: String,
    },
    /// The draft check found errors; the protocol names each document.
    CheckFailed(CheckProtocol),
    /// Input refused before any request was made.
    InvalidInput(#[from] InvalidInput),
    /// Signing or decryption failed (key, certificate, external command, cryptography).
    Signing {
        /// What failed.
        message: String,
        /// The cause, when one was wrapped.
        #[source]
        source: Option<BoxError>,
    },
    /// A local file could not be read or written.
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The report was filed — its docflow exists — but following it to its end failed. Nothing
    /// should be sent again: resume with [`ExternClient::follow_docflow`](crate::ExternClient::follow_docflow).
    AfterFiling {
        /// The draft that was sent.
        draft_id: uuid::Uuid,
        /// The docflow it became.
        docflow_id: uuid::Uuid,
        /// The docflow's status when it was last read.
        status: crate::model::urn::DocflowStatus,
        /// What ended the following.
        #[source]
        source: Box<Error>,
    },
    /// The server answered something this SDK could not read.
    Protocol {
        /// What could not be read.
        message: String,
        /// The decoder's error, when one was wrapped.
        #[source]
        source: Option<BoxError>,
    },
    /// The operation was cancelled by the caller.
    Cancelled,
    /// A cloud (DSS) signing or decryption did not complete.
    Cloud {
        /// What happened, as the vendor classifies it.
        failure: CloudFailure,
        /// The server's message or the task's error.
        message: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api {
                status,
                id,
                message,
                trace_id,
            } => {
                write!(f, "{status} {id}: {message}")?;
                if let Some(t) = trace_id {
                    write!(f, " (trace id {t})")?;
                }
            }
            Self::Transport { message, .. } => write!(f, "transport error: {message}")?,
            Self::Timeout(after) => write!(f, "timed out after {after:?}")?,
            Self::Auth { message, .. } => write!(f, "authentication failed: {message}")?,
            Self::TaskFailed {
                task_id, message, ..
            } => write!(f, "task {task_id} failed: {message}")?,
            Self::CheckFailed(protocol) => write!(f, "{protocol}")?,
            Self::InvalidInput(e) => write!(f, "{e}")?,
            Self::Signing { message, .. } => write!(f, "signing failed: {message}")?,
            Self::Io { path, .. } => write!(f, "cannot read or write {path}")?,
            Self::AfterFiling {
                docflow_id, status, ..
            } => write!(
                f,
                "filed as docflow {docflow_id} (last seen {status:?}), then it failed"
            )?,
            Self::Protocol { message, .. } => write!(f, "unexpected answer: {message}")?,
            Self::Cancelled => write!(f, "cancelled")?,
            Self::Cloud { failure, message } => {
                write!(f, "cloud operation failed ({failure:?}): {message}")?
            }
        }
        if f.alternate() {
            let mut cause = std::error::Error::source(self);
            while let Some(e) = cause {
                write!(f, ": {e}")?;
                cause = e.source();
            }
        }
        Ok(())
    }
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

    /// A file that could not be read or written.
    pub fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.as_ref().display().to_string(),
            source,
        }
    }

    /// An answer this SDK could not read.
    pub fn protocol(message: impl Into<String>) -> Self {
        Self::Protocol {
            message: message.into(),
            source: None,
        }
    }

    /// An answer this SDK could not read, because of `cause`.
    pub fn protocol_with(message: impl Into<String>, cause: impl Into<BoxError>) -> Self {
        Self::Protocol {
            message: message.into(),
            source: Some(cause.into()),
        }
    }

    /// A signature or decryption that failed.
    pub fn signing(message: impl Into<String>) -> Self {
        Self::Signing {
            message: message.into(),
            source: None,
        }
    }

    /// A signature or decryption that failed because of `cause`.
    pub fn signing_with(message: impl Into<String>, cause: impl Into<BoxError>) -> Self {
        Self::Signing {
            message: message.into(),
            source: Some(cause.into()),
        }
    }

    /// A login the identity provider refused.
    pub fn auth(message: impl Into<String>) -> Self {
        Self::Auth {
            message: message.into(),
            source: None,
        }
    }

    /// A request that got no answer, keeping reqwest's error as the cause; a time-out becomes
    /// [`Error::Timeout`]. For sibling clients on the same transport (reestro-api) too.
    pub fn from_reqwest(err: reqwest::Error, timeout: Duration) -> Self {
        if err.is_timeout() {
            Error::Timeout(timeout)
        } else {
            // reqwest errors name the URL, never headers: no secret leaks through here.
            Self::transport("the request got no answer", err)
        }
    }

    /// A request that got no answer, or an HTTP client that could not be built, saying what
    /// was being done and keeping reqwest's error as the cause.
    pub fn transport(message: impl Into<String>, source: reqwest::Error) -> Self {
        Self::Transport {
            message: message.into(),
            source: Box::new(source),
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
        E::CommunicationError(err) | E::ResponseBodyError(err) => {
            (Error::from_reqwest(err, timeout), None)
        }
        E::InvalidResponsePayload(bytes, err) => (
            Error::protocol_with(
                format!(
                    "the answer does not decode: {}",
                    String::from_utf8_lossy(&bytes[..bytes.len().min(300)])
                ),
                err,
            ),
            None,
        ),
        E::InvalidRequest(msg) => (Error::protocol(format!("invalid request: {msg}")), None),
        E::Custom(msg) => (Error::auth(msg), None),
        other => (Error::protocol(other.to_string()), None),
    }
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
