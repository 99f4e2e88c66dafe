//! A docflow's `description`, kept as its compact JSON text deflated against a typical one: a
//! `Value` tree of a report's description took 3 KB (its maps' nodes and keys), its text half a
//! kilobyte, deflated alone 330 bytes, deflated against [`TYPICAL`] about a hundred — and a
//! million docflows are held at once. It is inflated whole when rendered and when searches read
//! a key; the few edits (requisites, a demand's receipt) write it again.

use std::sync::LazyLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::formats::primed_deflate::Primed;

/// What a report's description usually says (the dictionary its text is deflated against).
const TYPICAL: &str = r#"{"correction-number":0,"final-recipient":"0087","form-version":{"form-fullname":"Бухгалтерская (финансовая) отчетность","form-shortname":"Бухотчетность","knd":"0710099","okud":null,"version":"5.07"},"okpo":null,"original-draft-id":"00000000-0000-0000-0000-000000000000","payer-inn":"6676130154-667601001","period-begin":"2024-01-01T00:00:00.0000000","period-code":"34","period-end":"2024-12-31T00:00:00.0000000","period-year":"2024","recipient":"0087","related-docflow-id":null,"related-document-id":null}"#;

static PRIMED: LazyLock<Primed> = LazyLock::new(|| Primed::new(TYPICAL));

#[derive(Clone)]
pub struct Description(Box<[u8]>);

impl Description {
    /// The description `value` (an object, or anything the vendor's shapes allow).
    pub fn new(value: &Value) -> Self {
        Self::from_text(&value.to_string())
    }

    fn from_text(text: &str) -> Self {
        Self(PRIMED.pack(text).into_boxed_slice())
    }

    /// The whole description, parsed.
    pub fn value(&self) -> Value {
        serde_json::from_str(&self.text()).unwrap_or(Value::Null)
    }

    /// One key's value; `None` when absent (or the description is not an object).
    pub fn get(&self, key: &str) -> Option<Value> {
        let text = self.text();
        let map: std::collections::HashMap<&str, &RawValue> = serde_json::from_str(&text).ok()?;
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
    pub fn text(&self) -> String {
        PRIMED.unpack(&self.0)
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

impl std::fmt::Debug for Description {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text())
    }
}

/// Written as the JSON it holds (the API's answers, a data directory).
impl Serialize for Description {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        RawValue::from_string(self.text())
            .map_err(serde::ser::Error::custom)?
            .serialize(s)
    }
}

/// Read back from a data directory: the JSON text as it was written.
impl<'de> Deserialize<'de> for Description {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Box::<RawValue>::deserialize(d).map(|raw| Self::from_text(raw.get()))
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
