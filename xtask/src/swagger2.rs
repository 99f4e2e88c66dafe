//! Swagger 2.0 → OpenAPI 3.0.3, over `serde_json::Value` (key order kept).
//!
//! A faithful structural conversion only; everything progenitor needs beyond that is done by
//! [`crate::fixups`], so a 3.0 vendor document gets the same treatment.

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value, json};

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];

/// Whether the document is Swagger 2.0.
pub fn is_swagger2(doc: &Value) -> bool {
    doc.get("swagger")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with('2'))
}

/// Converts a Swagger 2.0 document to OpenAPI 3.0.3.
pub fn convert(doc: &Value) -> Result<Value> {
    let Some(src) = doc.as_object() else {
        bail!("the document is not a JSON object");
    };
    let mut out = Map::new();
    out.insert("openapi".into(), json!("3.0.3"));
    out.insert(
        "info".into(),
        src.get("info").cloned().unwrap_or_else(|| json!({})),
    );
    out.insert("servers".into(), Value::Array(servers(src)));
    for key in ["tags", "security", "externalDocs"] {
        if let Some(v) = src.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    let consumes = strings(src.get("consumes"));
    let produces = strings(src.get("produces"));
    let mut paths = Map::new();
    if let Some(src_paths) = src.get("paths").and_then(Value::as_object) {
        for (path, item) in src_paths {
            let item = item
                .as_object()
                .with_context(|| format!("path {path} is not an object"))?;
            let mut new_item = Map::new();
            for (key, value) in item {
                if key == "parameters" {
                    let params = value.as_array().map(Vec::as_slice).unwrap_or_default();
                    let converted: Vec<Value> = params
                        .iter()
                        .map(|p| resolve(doc, p))
                        .filter(|p| {
                            !matches!(
                                p.get("in").and_then(Value::as_str),
                                Some("body" | "formData")
                            )
                        })
                        .map(|p| parameter(&p))
                        .collect();
                    new_item.insert(key.clone(), Value::Array(converted));
                } else if METHODS.contains(&key.as_str()) {
                    let op = operation(doc, value, item.get("parameters"), &consumes, &produces)
                        .with_context(|| format!("{} {path}", key.to_uppercase()))?;
                    new_item.insert(key.clone(), op);
                } else {
                    new_item.insert(key.clone(), value.clone());
                }
            }
            paths.insert(path.clone(), Value::Object(new_item));
        }
    }
    out.insert("paths".into(), Value::Object(paths));

    let mut components = Map::new();
    if let Some(defs) = src.get("definitions").and_then(Value::as_object) {
        let schemas = defs.iter().map(|(k, v)| (k.clone(), schema(v))).collect();
        components.insert("schemas".into(), Value::Object(schemas));
    }
    if let Some(defs) = src.get("securityDefinitions").and_then(Value::as_object) {
        let schemes = defs
            .iter()
            .map(|(k, v)| (k.clone(), security_scheme(v)))
            .collect();
        components.insert("securitySchemes".into(), Value::Object(schemes));
    }
    out.insert("components".into(), Value::Object(components));
    add_undeclared_tags(&mut out);
    for (key, value) in src {
        if key.starts_with("x-") {
            out.insert(key.clone(), value.clone());
        }
    }
    Ok(Value::Object(out))
}

fn servers(src: &Map<String, Value>) -> Vec<Value> {
    let base_path = src.get("basePath").and_then(Value::as_str).unwrap_or("");
    let Some(host) = src.get("host").and_then(Value::as_str) else {
        let url = if base_path.is_empty() { "/" } else { base_path };
        return vec![json!({ "url": url })];
    };
    let mut schemes = strings(src.get("schemes"));
    if schemes.is_empty() {
        schemes.push("https".into());
    }
    schemes
        .iter()
        .map(|s| json!({ "url": format!("{s}://{host}{base_path}") }))
        .collect()
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

/// Follows a local `$ref` (`#/parameters/X`, `#/responses/X`); anything else is returned as is.
fn resolve(doc: &Value, v: &Value) -> Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) if r.starts_with("#/") => {
            doc.pointer(&r[1..]).cloned().unwrap_or_else(|| v.clone())
        }
        _ => v.clone(),
    }
}

fn operation(
    doc: &Value,
    op: &Value,
    path_params: Option<&Value>,
    consumes: &[String],
    produces: &[String],
) -> Result<Value> {
    let Some(op) = op.as_object() else {
        bail!("the operation is not an object");
    };
    let op_consumes = match strings(op.get("consumes")) {
        c if c.is_empty() => consumes.to_vec(),
        c => c,
    };
    let op_produces = match strings(op.get("produces")) {
        p if p.is_empty() => produces.to_vec(),
        p => p,
    };
    let mut out = Map::new();
    let mut params = Vec::new();
    let mut body = None;
    let mut form = Vec::new();
    // Path-level body/formData parameters apply to every operation of the path.
    let inherited = path_params
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let inherited_special = inherited.iter().map(|p| resolve(doc, p)).filter(|p| {
        matches!(
            p.get("in").and_then(Value::as_str),
            Some("body" | "formData")
        )
    });
    let own: Vec<Value> = op
        .get("parameters")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for p in inherited_special.chain(own.iter().map(|p| resolve(doc, p))) {
        match p.get("in").and_then(Value::as_str) {
            Some("body") => body = Some(p),
            Some("formData") => form.push(p),
            _ => params.push(parameter(&p)),
        }
    }
    for (key, value) in op {
        match key.as_str() {
            "parameters" | "consumes" | "produces" | "responses" | "schemes" => {}
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    if !params.is_empty() {
        out.insert("parameters".into(), Value::Array(params));
    }
    let media = if op_consumes.is_empty() {
        vec!["application/json".to_string()]
    } else {
        op_consumes
    };
    if let Some(body) = body {
        let s = schema(body.get("schema").unwrap_or(&json!({})));
        let content: Map<String, Value> = media
            .iter()
            .map(|m| (m.clone(), json!({ "schema": s })))
            .collect();
        let mut rb = Map::new();
        if let Some(d) = body.get("description") {
            rb.insert("description".into(), d.clone());
        }
        rb.insert("content".into(), Value::Object(content));
        rb.insert(
            "required".into(),
            json!(
                body.get("required")
                    .and_then(Value::as_bool)
                    .unwrap_or(false)
            ),
        );
        if let Some(name) = body.get("name") {
            rb.insert("x-codegen-request-body-name".into(), name.clone());
        }
        out.insert("requestBody".into(), Value::Object(rb));
    } else if !form.is_empty() {
        out.insert("requestBody".into(), form_body(&form));
    }
    let mut responses = Map::new();
    if let Some(src) = op.get("responses").and_then(Value::as_object) {
        for (code, r) in src {
            responses.insert(code.clone(), response(&resolve(doc, r), &op_produces));
        }
    }
    out.insert("responses".into(), Value::Object(responses));
    Ok(Value::Object(out))
}

fn form_body(form: &[Value]) -> Value {
    let has_file = form
        .iter()
        .any(|p| p.get("type").and_then(Value::as_str) == Some("file"));
    let mut props = Map::new();
    let mut required = Vec::new();
    for p in form {
        let name = p
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("field")
            .to_string();
        if p.get("required").and_then(Value::as_bool).unwrap_or(false) {
            required.push(json!(name));
        }
        props.insert(name, schema(&param_schema(p)));
    }
    let mut s = json!({ "type": "object", "properties": props });
    if !required.is_empty() {
        s["required"] = Value::Array(required);
    }
    let media = if has_file {
        "multipart/form-data"
    } else {
        "application/x-www-form-urlencoded"
    };
    json!({ "content": { media: { "schema": s } } })
}

/// A non-body parameter: the type keywords move into `schema`.
fn parameter(p: &Value) -> Value {
    let mut out = Map::new();
    for key in [
        "name",
        "in",
        "description",
        "required",
        "deprecated",
        "allowEmptyValue",
    ] {
        if let Some(v) = p.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    if p.get("in").and_then(Value::as_str) == Some("path") {
        out.insert("required".into(), json!(true));
    }
    match p.get("collectionFormat").and_then(Value::as_str) {
        Some("multi") => {
            out.insert("style".into(), json!("form"));
            out.insert("explode".into(), json!(true));
        }
        Some("ssv") => {
            out.insert("style".into(), json!("spaceDelimited"));
        }
        Some("pipes") => {
            out.insert("style".into(), json!("pipeDelimited"));
        }
        Some("csv") if p.get("in").and_then(Value::as_str) == Some("query") => {
            out.insert("style".into(), json!("form"));
            out.insert("explode".into(), json!(false));
        }
        _ => {}
    }
    out.insert("schema".into(), schema(&param_schema(p)));
    for (key, value) in p.as_object().into_iter().flatten() {
        if key.starts_with("x-") {
            out.insert(key.clone(), value.clone());
        }
    }
    Value::Object(out)
}

const SCHEMA_KEYS: &[&str] = &[
    "type",
    "format",
    "items",
    "enum",
    "default",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "multipleOf",
];

fn param_schema(p: &Value) -> Value {
    let mut s = Map::new();
    for key in SCHEMA_KEYS {
        if let Some(v) = p.get(*key) {
            s.insert((*key).into(), v.clone());
        }
    }
    if s.get("type").and_then(Value::as_str) == Some("file") {
        s.insert("type".into(), json!("string"));
        s.insert("format".into(), json!("binary"));
    }
    Value::Object(s)
}

fn response(r: &Value, produces: &[String]) -> Value {
    let mut out = Map::new();
    out.insert(
        "description".into(),
        r.get("description").cloned().unwrap_or_else(|| json!("")),
    );
    if let Some(h) = r.get("headers").and_then(Value::as_object) {
        let headers: Map<String, Value> = h
            .iter()
            .map(|(name, header)| {
                let mut nh = Map::new();
                if let Some(d) = header.get("description") {
                    nh.insert("description".into(), d.clone());
                }
                nh.insert("schema".into(), schema(&param_schema(header)));
                (name.clone(), Value::Object(nh))
            })
            .collect();
        out.insert("headers".into(), Value::Object(headers));
    }
    if let Some(s) = r.get("schema") {
        let s = schema(s);
        let media: Vec<String> = if produces.is_empty() {
            vec!["application/json".into()]
        } else {
            produces.to_vec()
        };
        let content: Map<String, Value> = media
            .iter()
            .map(|m| (m.clone(), json!({ "schema": s })))
            .collect();
        out.insert("content".into(), Value::Object(content));
    }
    Value::Object(out)
}

/// A schema: `#/definitions/` refs, `x-nullable`, `type: file`, empty formats, discriminators.
pub fn schema(v: &Value) -> Value {
    let Some(src) = v.as_object() else {
        return v.clone();
    };
    let mut out = Map::new();
    for (key, value) in src {
        match key.as_str() {
            "$ref" => {
                let r = value
                    .as_str()
                    .unwrap_or_default()
                    .replace("#/definitions/", "#/components/schemas/");
                out.insert(key.clone(), json!(r));
            }
            "x-nullable" => {
                out.insert("nullable".into(), value.clone());
            }
            "format" if value.as_str() == Some("") => {}
            "discriminator" if value.is_string() => {
                out.insert(key.clone(), json!({ "propertyName": value }));
            }
            "properties" | "definitions" => {
                let props = value
                    .as_object()
                    .map(|m| m.iter().map(|(k, v)| (k.clone(), schema(v))).collect())
                    .unwrap_or_default();
                out.insert(key.clone(), Value::Object(props));
            }
            "items" | "additionalProperties" | "not" => {
                out.insert(key.clone(), schema(value));
            }
            "allOf" | "anyOf" | "oneOf" => {
                let list = value
                    .as_array()
                    .map(|a| a.iter().map(schema).collect())
                    .unwrap_or_default();
                out.insert(key.clone(), Value::Array(list));
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    if out.get("type").and_then(Value::as_str) == Some("file") {
        out.insert("type".into(), json!("string"));
        out.insert("format".into(), json!("binary"));
    }
    // OpenAPI 3.0 ignores siblings of `$ref`; keep them by wrapping the reference.
    if out.contains_key("$ref") && out.len() > 1 {
        let r = out.remove("$ref").expect("checked above");
        let mut wrapped = Map::new();
        wrapped.insert("allOf".into(), json!([{ "$ref": r }]));
        wrapped.extend(out);
        return Value::Object(wrapped);
    }
    Value::Object(out)
}

fn security_scheme(v: &Value) -> Value {
    match v.get("type").and_then(Value::as_str) {
        Some("basic") => {
            let mut s = json!({ "type": "http", "scheme": "basic" });
            if let Some(d) = v.get("description") {
                s["description"] = d.clone();
            }
            s
        }
        Some("oauth2") => {
            let flow = match v.get("flow").and_then(Value::as_str) {
                Some("application") => "clientCredentials",
                Some("accessCode") => "authorizationCode",
                Some("password") => "password",
                _ => "implicit",
            };
            let mut f = Map::new();
            for (from, to) in [
                ("authorizationUrl", "authorizationUrl"),
                ("tokenUrl", "tokenUrl"),
            ] {
                if let Some(u) = v.get(from) {
                    f.insert(to.into(), u.clone());
                }
            }
            f.insert(
                "scopes".into(),
                v.get("scopes").cloned().unwrap_or_else(|| json!({})),
            );
            json!({ "type": "oauth2", "flows": { flow: f } })
        }
        _ => v.clone(),
    }
}

fn add_undeclared_tags(out: &mut Map<String, Value>) {
    let mut declared: Vec<String> = out
        .get("tags")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|t| t.get("name")?.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let mut added = Vec::new();
    if let Some(paths) = out.get("paths").and_then(Value::as_object) {
        for item in paths.values() {
            for op in item.as_object().into_iter().flat_map(|m| m.values()) {
                for tag in strings(op.get("tags")) {
                    if !declared.contains(&tag) {
                        declared.push(tag.clone());
                        added.push(json!({ "name": tag }));
                    }
                }
            }
        }
    }
    if !added.is_empty() {
        let tags = out.entry("tags").or_insert_with(|| json!([]));
        if let Some(a) = tags.as_array_mut() {
            a.extend(added);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs_nullable_files_and_ref_siblings() {
        let s = schema(&json!({
            "type": "object",
            "properties": {
                "a": { "$ref": "#/definitions/A", "description": "kept" },
                "b": { "type": "string", "x-nullable": true, "format": "" },
                "f": { "type": "file" }
            }
        }));
        assert_eq!(
            s,
            json!({
                "type": "object",
                "properties": {
                    "a": { "allOf": [{ "$ref": "#/components/schemas/A" }], "description": "kept" },
                    "b": { "type": "string", "nullable": true },
                    "f": { "type": "string", "format": "binary" }
                }
            })
        );
    }

    #[test]
    fn servers_from_host_base_path_and_schemes() {
        let doc = json!({ "swagger": "2.0", "info": {"title": "t", "version": "1"}, "host": "h.example", "basePath": "/api", "schemes": ["http", "https"], "paths": {} });
        let out = convert(&doc).unwrap();
        assert_eq!(
            out["servers"],
            json!([{ "url": "http://h.example/api" }, { "url": "https://h.example/api" }])
        );
    }
}
