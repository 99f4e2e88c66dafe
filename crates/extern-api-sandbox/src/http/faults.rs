//! Fault injection, to rehearse what a real network and a busy service do to a client: 500/503
//! answers, 429, reset connections, truncated bodies, added latency — per route, with a
//! probability each, reproducible from a seed. `after-effect` makes a faulted request still take
//! effect on the server (the case where a client must not repeat a send blindly).

use std::sync::Mutex;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::http::error::ApiError;

/// Faults for one run.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct FaultConfig {
    /// The seed of the fault dice; the same seed and the same requests give the same faults.
    pub seed: u64,
    /// The rules, tried in order; the first whose route matches decides.
    pub rules: Vec<FaultRule>,
}

/// Faults of the requests one route takes.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct FaultRule {
    /// Requests whose path contains this (empty: every API request).
    pub path: String,
    /// Only this method (empty: every method).
    pub method: String,
    /// Probability of answering 500.
    pub error_500: f64,
    /// Probability of answering 503.
    pub error_503: f64,
    /// Probability of answering 429 (with `Retry-After: 0`).
    pub error_429: f64,
    /// Probability of dropping the connection without an answer.
    pub reset: f64,
    /// Probability of cutting the answer's body short.
    pub truncate: f64,
    /// Probability of adding `latency-ms`.
    pub latency: f64,
    /// Added latency, in milliseconds.
    pub latency_ms: u64,
    /// A faulted request still takes effect on the server; only its answer is lost.
    pub after_effect: bool,
    /// At most this many faults from this rule (0: no limit).
    pub limit: u32,
}

/// What happens to one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    Status(StatusCode),
    Reset,
    Truncate,
}

/// The dice and the counts, shared by every request of a run.
#[derive(Debug)]
pub struct Faults {
    config: FaultConfig,
    state: Mutex<(u64, Vec<u32>)>,
}

/// What the faults layer decided for a request.
#[derive(Debug, Default)]
pub struct Decision {
    pub fault: Option<Fault>,
    pub after_effect: bool,
    pub delay: Option<Duration>,
}

impl Faults {
    pub fn new(config: FaultConfig) -> Self {
        let counts = vec![0; config.rules.len()];
        let seed = config.seed ^ 0x9E37_79B9_7F4A_7C15;
        Self {
            config,
            state: Mutex::new((seed, counts)),
        }
    }

    /// How many faults have been injected so far.
    pub fn injected(&self) -> u64 {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.1.iter().map(|&n| u64::from(n)).sum()
    }

    /// Rolls the dice for one request.
    pub fn decide(&self, method: &Method, path: &str) -> Decision {
        let Some((index, rule)) = self.config.rules.iter().enumerate().find(|(_, r)| {
            path.contains(&r.path)
                && (r.method.is_empty() || r.method.eq_ignore_ascii_case(method.as_str()))
        }) else {
            return Decision::default();
        };
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let mut roll = || {
            // splitmix64: tiny, good enough, and reproducible.
            state.0 = state.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            (z ^ (z >> 31)) as f64 / u64::MAX as f64
        };
        let delay = (roll() < rule.latency).then(|| Duration::from_millis(rule.latency_ms));
        let candidates = [
            (
                rule.error_500,
                Fault::Status(StatusCode::INTERNAL_SERVER_ERROR),
            ),
            (
                rule.error_503,
                Fault::Status(StatusCode::SERVICE_UNAVAILABLE),
            ),
            (rule.error_429, Fault::Status(StatusCode::TOO_MANY_REQUESTS)),
            (rule.reset, Fault::Reset),
            (rule.truncate, Fault::Truncate),
        ];
        let mut fault = None;
        for (p, f) in candidates {
            if roll() < p && fault.is_none() {
                fault = Some(f);
            }
        }
        if fault.is_some() {
            let used = &mut state.1[index];
            if rule.limit > 0 && *used >= rule.limit {
                fault = None;
            } else {
                *used += 1;
            }
        }
        Decision {
            fault,
            after_effect: rule.after_effect,
            delay,
        }
    }
}

/// The answer a fault gives instead of the real one (`real` is the handler's, when it ran).
pub async fn respond(fault: Fault, real: Option<Response>) -> Response {
    match fault {
        Fault::Status(status) => {
            let mut r = ApiError::new(
                status,
                "injectedFault",
                format!("fault injected by the sandbox ({status})"),
            )
            .into_response();
            if status == StatusCode::TOO_MANY_REQUESTS {
                r.headers_mut()
                    .insert("retry-after", HeaderValue::from_static("0"));
            }
            r
        }
        // A body that fails at once: the connection is dropped before a complete answer.
        Fault::Reset => Response::new(Body::from_stream(futures::stream::once(async {
            Err::<bytes::Bytes, _>(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "fault injected: connection reset",
            ))
        }))),
        Fault::Truncate => {
            let real = match real {
                Some(r) => r,
                None => return Response::new(Body::empty()),
            };
            let (mut parts, body) = real.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            let half = bytes.slice(..bytes.len() / 2);
            parts.headers.insert(
                axum::http::header::CONTENT_LENGTH,
                HeaderValue::from(bytes.len().max(1)),
            );
            let stream = futures::stream::iter(vec![
                Ok(half),
                Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "fault injected: truncated body",
                )),
            ]);
            Response::from_parts(parts, Body::from_stream(stream))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(p: f64) -> FaultConfig {
        FaultConfig {
            seed: 7,
            rules: vec![FaultRule {
                path: "/v1/".into(),
                error_503: p,
                ..Default::default()
            }],
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_faults() {
        let draw = |seed| {
            let f = Faults::new(FaultConfig { seed, ..rule(0.5) });
            (0..64)
                .map(|_| f.decide(&Method::GET, "/v1/x").fault.is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(draw(7), draw(7));
        assert_ne!(draw(7), draw(8));
        let hits = draw(7).iter().filter(|h| **h).count();
        assert!((16..48).contains(&hits), "{hits} of 64 at p = 0.5");
    }

    #[test]
    fn routes_methods_and_limits() {
        let mut config = rule(1.0);
        config.rules[0].method = "POST".into();
        config.rules[0].limit = 2;
        let f = Faults::new(config);
        assert!(f.decide(&Method::GET, "/v1/x").fault.is_none());
        assert!(f.decide(&Method::POST, "/other").fault.is_none());
        assert!(f.decide(&Method::POST, "/v1/x").fault.is_some());
        assert!(f.decide(&Method::POST, "/v1/x").fault.is_some());
        assert!(
            f.decide(&Method::POST, "/v1/x").fault.is_none(),
            "the limit is reached"
        );
    }
}
