//! How transient failures of idempotent calls are repeated: exponential backoff with jitter.

use std::time::Duration;

/// Retries of idempotent calls after transport errors, 429 and 502/503/504.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    /// Repeats after the first attempt (0 disables retries).
    pub max_retries: u32,
    /// The first delay; each next one doubles, up to `max_delay`.
    pub base_delay: Duration,
    /// The longest delay between two attempts.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 4,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// The delay before repeat number `attempt` (0-based): exponential, with ±50 % jitter so that
    /// many clients do not come back at once.
    pub fn delay(&self, attempt: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.max_delay);
        let jitter = 0.5 + rand_unit();
        exp.mul_f64(jitter).min(self.max_delay)
    }
}

fn rand_unit() -> f64 {
    use rand_core::RngCore;
    (rand_core::OsRng.next_u32() as f64) / (u32::MAX as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_stay_bounded() {
        let p = RetryPolicy::default();
        for attempt in 0..20 {
            let d = p.delay(attempt);
            assert!(d <= p.max_delay);
        }
        assert!(p.delay(0) <= Duration::from_millis(300));
        assert!(p.delay(3) >= Duration::from_millis(800));
    }
}
