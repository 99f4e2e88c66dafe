//! Timestamps as the vendor really sends them.
//!
//! The API mostly sends RFC 3339 (`2020-02-26T06:51:08.4636938Z`), but some fields come from .NET
//! `DateTime` values without an offset (`2012-01-01T00:00:00.0000000`) and some are plain dates.
//! Codegen maps every `format: date-time` to [`DateTime`], which accepts all three (a missing
//! offset is taken as UTC) and always writes RFC 3339.

use std::fmt;
use std::str::FromStr;

use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A UTC instant that decodes with or without an offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime(pub chrono::DateTime<Utc>);

/// A timestamp the server sent that is not a date or date-time at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidDateTime(pub String);

impl fmt::Display for InvalidDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a date-time: {:?}", self.0)
    }
}

impl std::error::Error for InvalidDateTime {}

impl FromStr for DateTime {
    type Err = InvalidDateTime;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
            return Ok(Self(t.with_timezone(&Utc)));
        }
        if let Ok(t) = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f") {
            return Ok(Self(Utc.from_utc_datetime(&t)));
        }
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            return Ok(Self(Utc.from_utc_datetime(&d.and_time(Default::default()))));
        }
        Err(InvalidDateTime(s.to_string()))
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    }
}

impl From<chrono::DateTime<Utc>> for DateTime {
    fn from(value: chrono::DateTime<Utc>) -> Self {
        Self(value)
    }
}

impl From<DateTime> for chrono::DateTime<Utc> {
    fn from(value: DateTime) -> Self {
        value.0
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_offsets_naive_times_and_dates() {
        let with_z: DateTime = "2020-02-26T06:51:08.4636938Z".parse().unwrap();
        let naive: DateTime = "2012-01-01T00:00:00.0000000".parse().unwrap();
        let date: DateTime = "2012-01-01".parse().unwrap();
        let offset: DateTime = "2012-01-01T03:00:00+03:00".parse().unwrap();
        assert_eq!(naive, date);
        assert_eq!(naive, offset);
        assert_eq!(with_z.to_string(), "2020-02-26T06:51:08.463693800Z");
        assert_eq!(naive.to_string(), "2012-01-01T00:00:00Z");
        assert!("yesterday".parse::<DateTime>().is_err());
    }

    #[test]
    fn round_trips_through_json() {
        let t: DateTime = serde_json::from_str("\"2012-12-31T00:00:00.0000000\"").unwrap();
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            "\"2012-12-31T00:00:00Z\""
        );
    }
}
