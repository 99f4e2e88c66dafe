//! The `X-Kontur-Trace-Id` header: the vendor's support asks for it with every question.

use std::sync::{Arc, Mutex};

use reqwest::header::HeaderMap;

/// The response header that carries the server's trace id.
pub const TRACE_ID_HEADER: &str = "x-kontur-trace-id";

/// The trace id of a response, if the server sent one.
pub fn trace_id(headers: &HeaderMap) -> Option<&str> {
    headers.get(TRACE_ID_HEADER)?.to_str().ok()
}

/// The trace id of the latest response seen by a client (shared by its clones).
///
/// Per-call trace ids are on each response (`ResponseValue::headers`, and the error's response),
/// and on the call's tracing span; this keeps the last one for error reports that lost the response.
#[derive(Clone, Debug, Default)]
pub struct TraceLog(Arc<Mutex<Option<String>>>);

impl TraceLog {
    /// Remembers a trace id.
    pub fn record(&self, trace_id: &str) {
        let mut last = self.0.lock().unwrap_or_else(|poison| poison.into_inner());
        *last = Some(trace_id.to_string());
    }

    /// The latest trace id, if any response carried one.
    pub fn last(&self) -> Option<String> {
        self.0
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .clone()
    }
}
