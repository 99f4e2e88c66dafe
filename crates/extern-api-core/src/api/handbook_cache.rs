//! Handbook answers kept for a while: control units, forms and the other handbooks change a few
//! times a year, and an integrator asks the same ones for every organization it files for.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Answers kept at most: the cache never grows past this (the oldest entries go first).
const MAX_ENTRIES: usize = 4096;

/// What the client keeps of handbook answers, by query, for `ttl`.
#[derive(Debug)]
pub(crate) struct HandbookCache {
    ttl: Duration,
    entries: Mutex<HashMap<String, (Instant, serde_json::Value)>>,
}

impl HandbookCache {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The answer kept for `key`, if still fresh.
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let (at, value) = entries.get(key)?;
        if at.elapsed() >= self.ttl {
            return None;
        }
        serde_json::from_value(value.clone()).ok()
    }

    /// Keeps `value` for `key`; a zero `ttl` keeps nothing.
    pub fn put<T: Serialize>(&self, key: String, value: &T) {
        if self.ttl.is_zero() {
            return;
        }
        let Ok(value) = serde_json::to_value(value) else {
            return;
        };
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(&key) {
            let ttl = self.ttl;
            entries.retain(|_, (at, _)| at.elapsed() < ttl);
            if entries.len() >= MAX_ENTRIES
                && let Some(oldest) = entries
                    .iter()
                    .min_by_key(|(_, (at, _))| *at)
                    .map(|(k, _)| k.clone())
            {
                entries.remove(&oldest);
            }
        }
        entries.insert(key, (Instant::now(), value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_and_the_cache_stays_bounded() {
        let cache = HandbookCache::new(Duration::from_secs(60));
        cache.put("a".into(), &1u32);
        assert_eq!(cache.get::<u32>("a"), Some(1));
        for i in 0..MAX_ENTRIES + 10 {
            cache.put(format!("k{i}"), &i);
        }
        assert!(cache.entries.lock().unwrap().len() <= MAX_ENTRIES);
        let none = HandbookCache::new(Duration::ZERO);
        none.put("a".into(), &1u32);
        assert_eq!(none.get::<u32>("a"), None);
    }
}
