//! The sandbox's clock: real time plus an offset that test tools can advance, so robots and token
//! expiry can be driven without waiting.

use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

/// A time as the service writes it: UTC with seven fraction digits and `Z`
/// (`2024-06-05T07:27:58.5805863Z`, docs/FNS/report/send_report.rst).
pub fn wire_time(t: DateTime<Utc>) -> String {
    use chrono::Timelike;
    // chrono formats 3, 6 or 9 fraction digits; .NET's ticks are 100 ns.
    let ticks = t.nanosecond() % 1_000_000_000 / 100;
    format!("{}.{ticks:07}Z", t.format("%Y-%m-%dT%H:%M:%S"))
}

/// The furthest the clock can be advanced.
const MAX_OFFSET: Duration = Duration::days(365_000);

/// Real time, shifted by whatever the test tools have advanced it.
#[derive(Debug, Default)]
pub struct Clock {
    offset: Mutex<Duration>,
}

impl Clock {
    /// A clock already advanced by `offset` (a restarted sandbox's).
    pub fn with_offset(offset: Duration) -> Self {
        Self {
            offset: Mutex::new(offset.clamp(Duration::zero(), MAX_OFFSET)),
        }
    }

    /// How far the clock has been advanced.
    pub fn offset(&self) -> Duration {
        *self.offset.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The sandbox's current time.
    pub fn now(&self) -> DateTime<Utc> {
        let offset = *self.offset.lock().unwrap_or_else(|p| p.into_inner());
        Utc::now()
            .checked_add_signed(offset)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// Moves the clock forward (never back: tokens and robots only move on).
    pub fn advance(&self, by: Duration) -> DateTime<Utc> {
        let by = by.max(Duration::zero());
        let mut offset = self.offset.lock().unwrap_or_else(|p| p.into_inner());
        // Saturating, and never past a thousand years: an overflowing clock used to panic every
        // later request that asked the time (token checks included).
        *offset = offset
            .checked_add(&by)
            .unwrap_or(MAX_OFFSET)
            .min(MAX_OFFSET);
        Utc::now()
            .checked_add_signed(*offset)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_have_seven_fraction_digits() {
        let t = chrono::DateTime::parse_from_rfc3339("2024-06-05T07:27:58.5805863Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(super::wire_time(t), "2024-06-05T07:27:58.5805863Z");
    }
}
