//! The generic hooks every generated call runs through.
//!
//! progenitor calls `pre` before sending, `exec` to send and `post` after; this crate implements
//! them once for the generated [`Client`](crate::Client) without naming any operation:
//! - `pre` strips progenitor's `api-version` header (the vendor does not use it), asks for any
//!   content type on binary downloads, and adds the credentials from [`Inner`];
//! - `exec` opens a tracing span per call (operation, method, path, status, trace id) and
//!   captures the `X-Kontur-Trace-Id` of the response into [`Inner::trace`].

use std::sync::Arc;

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use tracing::Instrument;

use crate::credentials::{Authorization, CredentialProvider};
use crate::trace::{TraceLog, trace_id};

/// The legacy api-key header.
pub const API_KEY_HEADER: &str = "x-kontur-apikey";

/// State shared by every call of one client (and its clones).
#[derive(Clone, Debug)]
pub struct Inner {
    credentials: Option<Arc<dyn CredentialProvider>>,
    trace: TraceLog,
    max_json_answer: usize,
}

/// The largest JSON answer read by default: the service's largest lists (1000 docflows a page)
/// are a few megabytes; a bigger answer is an error, never a body read whole into memory.
pub const DEFAULT_MAX_JSON_ANSWER: usize = 32 * 1024 * 1024;

impl Default for Inner {
    fn default() -> Self {
        Self {
            credentials: None,
            trace: TraceLog::default(),
            max_json_answer: DEFAULT_MAX_JSON_ANSWER,
        }
    }
}

impl Inner {
    /// No credentials: for the identity-free parts (and for tests of 401 answers).
    pub fn new() -> Self {
        Self::default()
    }

    /// Every call asks `provider` for its authorization.
    pub fn with_credentials(provider: Arc<dyn CredentialProvider>) -> Self {
        Self {
            credentials: Some(provider),
            ..Self::default()
        }
    }

    /// JSON answers larger than `bytes` fail to read instead of filling memory (binary contents
    /// are streamed and not limited).
    pub fn with_max_json_answer(mut self, bytes: usize) -> Self {
        self.max_json_answer = bytes;
        self
    }

    /// The trace ids seen by this client.
    pub fn trace(&self) -> &TraceLog {
        &self.trace
    }
}

/// Puts an authorization on a request's headers, marked sensitive so that no `Debug` shows it.
pub fn apply_authorization(headers: &mut HeaderMap, auth: &Authorization) -> Result<(), String> {
    let sensitive = |value: String| {
        HeaderValue::from_str(&value)
            .map(|mut v| {
                v.set_sensitive(true);
                v
            })
            .map_err(|_| "credentials contain characters not allowed in a header".to_string())
    };
    match auth {
        Authorization::Bearer(token) => {
            headers.insert(
                AUTHORIZATION,
                sensitive(format!("Bearer {}", token.expose()))?,
            );
        }
        Authorization::ApiKeySid { api_key, sid } => {
            headers.insert(
                HeaderName::from_static(API_KEY_HEADER),
                sensitive(api_key.expose().to_string())?,
            );
            headers.insert(
                AUTHORIZATION,
                sensitive(format!("auth.sid {}", sid.expose()))?,
            );
        }
    }
    Ok(())
}

impl ClientHooks<Inner> for crate::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        let headers = request.headers_mut();
        headers.remove("api-version");
        if !headers.contains_key(ACCEPT) {
            headers.insert(ACCEPT, HeaderValue::from_static("*/*"));
        }
        if let Some(provider) = &self.inner().credentials {
            let auth = provider
                .authorization()
                .await
                .map_err(|e| Error::Custom(e.to_string()))?;
            apply_authorization(request.headers_mut(), &auth).map_err(Error::Custom)?;
        }
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let span = tracing::debug_span!(
            "extern_api",
            operation = info.operation_id,
            method = %request.method(),
            path = request.url().path(),
            status = tracing::field::Empty,
            trace_id = tracing::field::Empty,
        );
        let call = async {
            let result = self
                .client()
                .execute(request)
                .await
                .map(|r| limit_json(r, self.inner().max_json_answer));
            match &result {
                Ok(response) => {
                    let span = tracing::Span::current();
                    span.record("status", response.status().as_u16());
                    if let Some(id) = trace_id(response.headers()) {
                        span.record("trace_id", id);
                        self.inner().trace.record(id);
                    }
                    tracing::debug!("response");
                }
                Err(error) => tracing::debug!(%error, "request failed"),
            }
            result
        };
        call.instrument(span).await
    }
}

/// A JSON answer whose body fails once it passes `max` bytes (the declared length is not trusted:
/// the body is counted as it arrives).
fn limit_json(response: reqwest::Response, max: usize) -> reqwest::Response {
    let json = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    if !json {
        return response;
    }
    let response: http::Response<reqwest::Body> = response.into();
    let (parts, body) = response.into_parts();
    let limited = reqwest::Body::wrap(http_body_util::Limited::new(body, max));
    reqwest::Response::from(http::Response::from_parts(parts, limited))
}
