//! Counts the HTTP calls extern-api-core makes, by operation, and the time spent in them: a
//! tracing layer over the `extern_api` span that extern-api-raw opens around every request.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tracing::Subscriber;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;

/// Calls and seconds per operation id.
#[derive(Clone, Default)]
pub struct Calls(Arc<Mutex<BTreeMap<String, (u64, f64)>>>);

impl Calls {
    /// Counts from now on (installs the layer as the global subscriber).
    pub fn install() -> Self {
        use tracing_subscriber::layer::SubscriberExt;
        let calls = Self::default();
        let subscriber = tracing_subscriber::registry().with(CallLayer(calls.clone()));
        tracing::subscriber::set_global_default(subscriber).expect("one subscriber");
        calls
    }

    /// The counts so far.
    pub fn snapshot(&self) -> BTreeMap<String, (u64, f64)> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

struct CallLayer(Calls);

/// Kept in a call span's extensions until it closes.
struct Started {
    operation: String,
    at: Instant,
}

#[derive(Default)]
struct Operation(String);

impl Visit for Operation {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "operation" {
            self.0 = value.to_string();
        }
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "operation" {
            self.0 = format!("{value:?}");
        }
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for CallLayer {
    fn enabled(&self, metadata: &tracing::Metadata<'_>, _: Context<'_, S>) -> bool {
        metadata.name() == "extern_api"
    }

    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut operation = Operation::default();
        attrs.record(&mut operation);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(Started {
                operation: operation.0,
                at: Instant::now(),
            });
        }
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(&id) else { return };
        let extensions = span.extensions();
        let Some(started) = extensions.get::<Started>() else {
            return;
        };
        let mut calls = self.0.0.lock().unwrap_or_else(|p| p.into_inner());
        let entry = calls.entry(started.operation.clone()).or_default();
        entry.0 += 1;
        entry.1 += started.at.elapsed().as_secs_f64();
    }
}
