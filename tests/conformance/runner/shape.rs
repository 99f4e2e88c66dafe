//! "The answer contains the documented JSON shape": the rules of tests/conformance/README.md.

use serde_json::Value;

/// The differences between a documented value and an actual one, each naming its JSON path.
pub fn differences(documented: &Value, actual: &Value) -> Vec<String> {
    let mut out = Vec::new();
    compare(documented, actual, "", &mut out);
    out
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// `urn:docflow-common-status:sent` → `urn:docflow-common-status:`.
fn urn_namespace(s: &str) -> Option<&str> {
    s.starts_with("urn:")
        .then(|| s.rfind(':').map(|i| &s[..=i]))
        .flatten()
}

fn is_guid(s: &str) -> bool {
    uuid::Uuid::parse_str(s).is_ok()
}

fn compare(documented: &Value, actual: &Value, path: &str, out: &mut Vec<String>) {
    match (documented, actual) {
        (Value::Null, _) => {}
        (Value::Bool(_), Value::Bool(_)) | (Value::Number(_), Value::Number(_)) => {}
        (Value::String(d), Value::String(a)) => {
            if let Some(ns) = urn_namespace(d)
                && !a.starts_with(ns)
            {
                out.push(format!("{path}: documented a URN {d:?}, got {a:?}"));
            }
        }
        (Value::Object(d), Value::Object(a)) => {
            if !d.is_empty() && d.keys().all(|k| is_guid(k)) {
                // A map keyed by ids: its values follow the documented value's shape.
                if let Some(first) = d.values().next() {
                    for (k, v) in a {
                        compare(first, v, &format!("{path}/{k}"), out);
                    }
                }
                return;
            }
            for (k, dv) in d {
                match a.get(k) {
                    Some(av) => compare(dv, av, &format!("{path}/{k}"), out),
                    None if dv.is_null() => {}
                    None => out.push(format!("{path}/{k}: documented, missing")),
                }
            }
        }
        (Value::Array(d), Value::Array(a)) => {
            if a.is_empty() {
                return;
            }
            for (i, dv) in d.iter().enumerate() {
                let matched = a.iter().any(|av| {
                    let mut sub = Vec::new();
                    compare(dv, av, "", &mut sub);
                    sub.is_empty()
                });
                if !matched {
                    // Report against the closest element: the one with fewest differences.
                    let best = a
                        .iter()
                        .map(|av| {
                            let mut sub = Vec::new();
                            compare(dv, av, &format!("{path}/{i}"), &mut sub);
                            sub
                        })
                        .min_by_key(Vec::len)
                        .unwrap_or_default();
                    out.push(format!(
                        "{path}/{i}: no element of the answer has the documented shape ({})",
                        best.join("; ")
                    ));
                }
            }
        }
        (d, a) => out.push(format!("{path}: documented {}, got {}", kind(d), kind(a))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rules() {
        let doc = json!({"id": "x", "status": "urn:docflow-common-status:sent", "n": null,
            "errors": {"4b3046fe-cabd-42e5-8618-8e9d9b2466a0": []}, "links": [{"rel": "self"}]});
        let ok = json!({"id": "y", "status": "urn:docflow-common-status:finished", "extra": 1,
            "errors": {"0b3046fe-cabd-42e5-8618-8e9d9b2466a0": [1]}, "links": [{"rel": "a", "href": "h"}]});
        assert!(
            differences(&doc, &ok).is_empty(),
            "{:?}",
            differences(&doc, &ok)
        );
        let bad = json!({"id": 1, "status": "urn:docflow-state:x", "errors": {}, "links": [{"href": "h"}]});
        let d = differences(&doc, &bad);
        assert_eq!(d.len(), 3, "{d:?}");
    }
}
