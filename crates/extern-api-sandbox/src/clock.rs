//! The sandbox's clock: real time plus an offset that test tools can advance, so robots and token
//! expiry can be driven without waiting.

use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

/// Real time, shifted by whatever the test tools have advanced it.
#[derive(Debug, Default)]
pub struct Clock {
    offset: Mutex<Duration>,
}

impl Clock {
    /// The sandbox's current time.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + *self.offset.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Moves the clock forward (never back: tokens and robots only move on).
    pub fn advance(&self, by: Duration) -> DateTime<Utc> {
        let by = by.max(Duration::zero());
        let mut offset = self.offset.lock().unwrap_or_else(|p| p.into_inner());
        *offset += by;
        Utc::now() + *offset
    }
}
