//! Which operation of `openapi/extern-api.json` a documented request calls, and the component
//! schema the description gives its answer for a status.

use serde_json::Value;

pub struct Description {
    /// (method, path template split in segments, operation object)
    operations: Vec<(String, Vec<String>, Value)>,
}

/// What the description says of one documented answer.
pub enum Answer {
    /// The status is described with a component schema (or an array of one).
    Schema(String),
    /// The status is described without a named JSON schema (binary, empty, inline).
    Unnamed,
}

impl Description {
    pub fn load() -> Self {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/extern-api.json");
        let spec: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut operations = Vec::new();
        for (template, item) in spec["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                if ["get", "post", "put", "delete", "patch"].contains(&method.as_str()) {
                    let segments = template.split('/').map(str::to_string).collect();
                    operations.push((method.to_uppercase(), segments, op.clone()));
                }
            }
        }
        Self { operations }
    }

    /// Every operation: method and path template.
    pub fn all(&self) -> impl Iterator<Item = (&str, String)> {
        self.operations
            .iter()
            .map(|(m, t, _)| (m.as_str(), t.join("/")))
    }

    /// The operation a concrete path (query ignored) calls: the template whose literal
    /// segments all match, preferring the one with most literal segments.
    pub fn operation(&self, method: &str, path: &str) -> Option<(String, &Value)> {
        let path = path.split('?').next().unwrap_or(path);
        let segments: Vec<&str> = path.split('/').collect();
        self.operations
            .iter()
            .filter(|(m, t, _)| m == method && t.len() == segments.len())
            .filter(|(_, t, _)| {
                t.iter()
                    .zip(&segments)
                    .all(|(t, s)| t.starts_with('{') || t == s)
            })
            .max_by_key(|(_, t, _)| t.iter().filter(|s| !s.starts_with('{')).count())
            .map(|(_, t, op)| (t.join("/"), op))
    }

    /// What the operation declares for `status`; `None` when the status is not declared.
    pub fn answer(op: &Value, status: u16) -> Option<Answer> {
        let responses = op["responses"].as_object()?;
        let declared = responses
            .get(&status.to_string())
            .or_else(|| responses.get(&format!("{}XX", status / 100)))?;
        let schema = declared["content"]
            .as_object()
            .and_then(|c| c.values().find_map(|m| m.get("schema")));
        let Some(schema) = schema else {
            return Some(Answer::Unnamed);
        };
        let named = schema["$ref"]
            .as_str()
            .or_else(|| schema["items"]["$ref"].as_str());
        Some(match named {
            Some(r) => Answer::Schema(r.rsplit('/').next().unwrap().to_string()),
            None => Answer::Unnamed,
        })
    }
}
