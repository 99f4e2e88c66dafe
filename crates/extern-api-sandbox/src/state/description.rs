//! A docflow's `description`, kept as its compact JSON text: a `Value` tree of a report's
//! description took 3 KB (its maps' nodes and keys) where the text takes half a kilobyte, and
//! a million docflows are held at once. It is written whole when rendered and read a key at a
//! time by searches; the few edits (requisites, a demand's receipt) parse and write it again.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

#[derive(Debug, Clone)]
pub struct Description(Box<RawValue>);

impl Description {
    /// The description `value` (an object, or anything the vendor's shapes allow).
    pub fn new(value: &Value) -> Self {
        Self(serde_json::value::to_raw_value(value).expect("a Value serializes"))
    }

    /// The whole description, parsed.
    pub fn value(&self) -> Value {
        serde_json::from_str(self.0.get()).expect("stored as valid JSON")
    }

    /// One key's value; `None` when absent (or the description is not an object).
    pub fn get(&self, key: &str) -> Option<Value> {
        let map: std::collections::HashMap<&str, &RawValue> =
            serde_json::from_str(self.0.get()).ok()?;
        serde_json::from_str(map.get(key)?.get()).ok()
    }

    /// One key's string value.
    pub fn str(&self, key: &str) -> Option<String> {
        match self.get(key)? {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The JSON text (for searches by words of the form's name).
    pub fn text(&self) -> &str {
        self.0.get()
    }

    /// Edits the description as an object (an object it is not becomes an empty one); `true`
    /// when `edit` changed it.
    pub fn edit(&mut self, edit: impl FnOnce(&mut Map<String, Value>)) -> bool {
        let before = self.value();
        let mut map = match &before {
            Value::Object(m) => m.clone(),
            _ => Map::new(),
        };
        edit(&mut map);
        let after = Value::Object(map);
        let changed = after != before;
        if changed {
            *self = Self::new(&after);
        }
        changed
    }
}

impl Serialize for Description {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// Read back from a data directory: the JSON text as it was written.
impl<'de> Deserialize<'de> for Description {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Box::<RawValue>::deserialize(d).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_reads_and_edits_the_text() {
        let mut d = Description::new(&json!({ "okpo": "123", "n": 1 }));
        assert_eq!(d.str("okpo").as_deref(), Some("123"));
        assert_eq!(d.get("n"), Some(json!(1)));
        assert_eq!(d.get("none"), None);
        assert!(d.edit(|m| {
            m.insert("receipt-status".into(), json!("accepted"));
        }));
        assert!(!d.edit(|_| {}));
        assert_eq!(d.value()["receipt-status"], "accepted");
        assert_eq!(serde_json::to_value(&d).unwrap(), d.value());
    }
}
