//! The fixups pass: what a vendor OpenAPI 3.0 document needs before progenitor accepts it, and
//! what it needs so that the generated client survives the real server.
//!
//! Every rule logs one `fixup:` line naming what it changed, so the maintainer sees each change.
//! Rules only look at shapes, never at the vendor's operation names, except the short table of
//! download operations the vendor documents as JSON but which return raw bytes.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
const OCTET: &str = "application/octet-stream";
const JSON: &str = "application/json";

/// GET paths (by suffix) that the vendor declares as JSON strings but which answer with raw bytes.
const RAW_DOWNLOAD_SUFFIXES: &[&str] = &[
    "/content/encrypted",
    "/content/decrypted",
    "/encrypted-content",
    "/decrypted-content",
];

/// Applies every rule to an OpenAPI 3.0 document and returns the log.
pub fn apply(doc: &mut Value) -> Vec<String> {
    let mut log = Vec::new();
    version(doc, &mut log);
    info(doc, &mut log);
    definition_names(doc, &mut log);
    inline_request_bodies(doc, &mut log);
    operation_ids(doc, &mut log);
    let schemas = doc
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or_default();
    for_each_operation(doc, &mut log, |path, method, op, log| {
        parameters(path, op, log);
        request_body(op, log);
        responses(path, method, op, &schemas, log);
    });
    open_enums(doc, &mut log);
    schema_quirks(doc, &mut log);
    log
}

fn op_name(op: &Value) -> String {
    op.get("operationId")
        .and_then(Value::as_str)
        .unwrap_or("?")
        .to_string()
}

fn for_each_operation(
    doc: &mut Value,
    log: &mut Vec<String>,
    mut f: impl FnMut(&str, &str, &mut Value, &mut Vec<String>),
) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        // Path-level parameters are merged into each operation, where the rules can see them.
        let shared = item.as_object_mut().and_then(|m| m.remove("parameters"));
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for method in METHODS {
            let Some(op) = item.get_mut(*method) else {
                continue;
            };
            if let Some(Value::Array(shared)) = &shared {
                let params = op
                    .as_object_mut()
                    .map(|o| o.entry("parameters").or_insert_with(|| json!([])));
                if let Some(Value::Array(list)) = params {
                    for p in shared {
                        let key = |v: &Value| (v.get("name").cloned(), v.get("in").cloned());
                        if !list.iter().any(|q| key(q) == key(p)) {
                            list.push(p.clone());
                        }
                    }
                }
            }
            f(path, method, op, log);
        }
    }
}

fn version(doc: &mut Value, log: &mut Vec<String>) {
    let v = doc
        .get("openapi")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if !v.starts_with("3.0.") {
        log.push(format!(
            "fixup: openapi {v:?} -> \"3.0.3\" (progenitor reads 3.0.x only)"
        ));
        doc["openapi"] = json!("3.0.3");
    }
}

fn info(doc: &mut Value, log: &mut Vec<String>) {
    if !doc.get("info").is_some_and(Value::is_object) {
        doc["info"] = json!({});
    }
    for (key, default) in [("title", "Kontur.Extern API"), ("version", "v1")] {
        if !doc["info"].get(key).is_some_and(Value::is_string) {
            log.push(format!("fixup: info.{key} missing -> {default:?}"));
            doc["info"][key] = json!(default);
        }
    }
}

/// `ApiTaskResult[CheckResult]`, `Foo<Bar>`, `Kontur.Models.Draft`, names with spaces → identifiers.
fn definition_names(doc: &mut Value, log: &mut Vec<String>) {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let mut renames = BTreeMap::new();
    let mut taken: BTreeSet<String> = schemas.keys().filter(|k| is_plain(k)).cloned().collect();
    for name in schemas.keys().filter(|k| !is_plain(k)) {
        let base = identifier(name);
        let mut new = base.clone();
        let mut n = 2;
        while taken.contains(&new) {
            new = format!("{base}{n}");
            n += 1;
        }
        taken.insert(new.clone());
        renames.insert(name.clone(), new);
    }
    if renames.is_empty() {
        return;
    }
    let old = std::mem::take(schemas);
    for (k, v) in old {
        let k = renames.get(&k).cloned().unwrap_or(k);
        schemas.insert(k, v);
    }
    for (from, to) in &renames {
        log.push(format!("fixup: schema name {from:?} -> {to:?}"));
    }
    let refs: BTreeMap<String, String> = renames
        .iter()
        .map(|(from, to)| {
            (
                format!("#/components/schemas/{from}"),
                format!("#/components/schemas/{to}"),
            )
        })
        .collect();
    rewrite_refs(doc, &refs);
}

fn is_plain(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `Kontur.Models[Foo bar]` → `KonturModelsFooBar`.
fn identifier(name: &str) -> String {
    let mut out = String::new();
    for word in name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "Schema");
    }
    out
}

fn rewrite_refs(v: &mut Value, refs: &BTreeMap<String, String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get_mut("$ref")
                && let Some(new) = refs.get(r.as_str())
            {
                *r = new.clone();
            }
            m.values_mut().for_each(|v| rewrite_refs(v, refs));
        }
        Value::Array(a) => a.iter_mut().for_each(|v| rewrite_refs(v, refs)),
        _ => {}
    }
}

/// `$ref: #/components/requestBodies/X` → the body itself, so the body rules see it.
fn inline_request_bodies(doc: &mut Value, log: &mut Vec<String>) {
    let bodies = doc.pointer("/components/requestBodies").cloned();
    let Some(bodies) = bodies else { return };
    for_each_operation(doc, log, |_, _, op, log| {
        let r = op
            .pointer("/requestBody/$ref")
            .and_then(Value::as_str)
            .map(String::from);
        if let Some(r) = r
            && let Some(body) = r
                .strip_prefix("#/components/requestBodies/")
                .and_then(|n| bodies.get(n))
        {
            log.push(format!("fixup: {}: request body {r} inlined", op_name(op)));
            op["requestBody"] = body.clone();
        }
    });
}

/// Missing, duplicate or odd operationIds; the C# `Async` suffix dropped where that stays unique.
fn operation_ids(doc: &mut Value, log: &mut Vec<String>) {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut all = Vec::new();
    for_each_operation(doc, log, |path, method, op, _| {
        all.push(
            op.get("operationId")
                .and_then(Value::as_str)
                .map(String::from)
                .unwrap_or_else(|| synthesize_id(method, path)),
        );
    });
    // Ids that differ only by a trailing number are one family (duplicates renamed below); a
    // family keeps its suffix, so a second import changes nothing.
    let family = |id: &str| {
        id.trim_end_matches(|c: char| c.is_ascii_digit())
            .to_string()
    };
    let stripped_unique = |id: &str| -> bool {
        let s = id.strip_suffix("Async").unwrap_or(id);
        let same_family = all
            .iter()
            .filter(|other| family(other) == family(id))
            .count();
        let same_stem = all
            .iter()
            .filter(|other| other.strip_suffix("Async").unwrap_or(other) == s)
            .count();
        same_family == 1 && same_stem == 1
    };
    let stripped: Vec<bool> = all
        .iter()
        .map(|id| id.ends_with("Async") && stripped_unique(id))
        .collect();
    let mut i = 0;
    for_each_operation(doc, log, |path, method, op, log| {
        let original = op
            .get("operationId")
            .and_then(Value::as_str)
            .map(String::from);
        let mut id = match &original {
            Some(id) => identifier_keep_underscores(id),
            None => synthesize_id(method, path),
        };
        if stripped[i] {
            id.truncate(id.len() - "Async".len());
        }
        i += 1;
        let count = seen.entry(id.to_lowercase()).or_insert(0);
        *count += 1;
        if *count > 1 {
            id = format!("{id}{count}");
        }
        if original.as_deref() != Some(id.as_str()) {
            let was = original
                .map(|o| format!("{o:?}"))
                .unwrap_or_else(|| "missing".into());
            log.push(format!(
                "fixup: {} {path}: operationId {was} -> {id:?}",
                method.to_uppercase()
            ));
            op["operationId"] = json!(id);
        }
    });
}

fn synthesize_id(method: &str, path: &str) -> String {
    let words: String = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| identifier(s.trim_matches(|c| c == '{' || c == '}')))
        .collect();
    format!(
        "{}_{}",
        identifier(method),
        if words.is_empty() {
            "Root".into()
        } else {
            words
        }
    )
}

fn identifier_keep_underscores(id: &str) -> String {
    let s: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.starts_with(|c: char| c.is_ascii_digit()) || s.is_empty() {
        format!("Op_{s}")
    } else {
        s
    }
}

fn parameters(path: &str, op: &mut Value, log: &mut Vec<String>) {
    let name = op_name(op);
    let template: Vec<String> = path
        .split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(n, _)| n.to_string()))
        .collect();
    let Some(list) = op
        .as_object_mut()
        .map(|o| o.entry("parameters").or_insert_with(|| json!([])))
    else {
        return;
    };
    let Some(list) = list.as_array_mut() else {
        return;
    };
    list.retain(|p| {
        let place = p.get("in").and_then(Value::as_str).unwrap_or("");
        let pname = p.get("name").and_then(Value::as_str).unwrap_or("");
        if place == "cookie" {
            log.push(format!(
                "fixup: {name}: cookie parameter {pname:?} dropped (progenitor cannot send cookies)"
            ));
            return false;
        }
        if place == "path" && !template.iter().any(|t| t == pname) {
            log.push(format!(
                "fixup: {name}: path parameter {pname:?} is not in the path; dropped"
            ));
            return false;
        }
        true
    });
    for t in &template {
        let declared = list.iter().any(|p| {
            p.get("in").and_then(Value::as_str) == Some("path")
                && p.get("name").and_then(Value::as_str) == Some(t)
        });
        if !declared {
            log.push(format!(
                "fixup: {name}: undeclared path parameter {t:?} added as a string"
            ));
            list.push(json!({ "name": t, "in": "path", "required": true, "schema": { "type": "string" } }));
        }
    }
    for p in list.iter_mut() {
        if p.get("in").and_then(Value::as_str) == Some("path")
            && p.get("required") != Some(&json!(true))
        {
            p["required"] = json!(true);
        }
        if p.get("schema").is_none() && p.get("content").is_none() {
            p["schema"] = json!({ "type": "string" });
        }
        // Only the simple (path) and form (query) styles are generated.
        if let Some(style) = p.get("style").and_then(Value::as_str).map(String::from)
            && !matches!(style.as_str(), "simple" | "form")
        {
            let pname = p
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            log.push(format!(
                "fixup: {name}: parameter {pname:?} style {style:?} -> default"
            ));
            if let Some(o) = p.as_object_mut() {
                o.remove("style");
            }
        }
    }
    if list.is_empty()
        && let Some(o) = op.as_object_mut()
    {
        o.remove("parameters");
    }
}

/// progenitor takes one media type per body, and a binary body only as `{type: string, format: binary}`.
fn request_body(op: &mut Value, log: &mut Vec<String>) {
    let name = op_name(op);
    let Some(content) = op
        .pointer_mut("/requestBody/content")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let keys: Vec<String> = content.keys().cloned().collect();
    let keep = pick_media(
        &keys,
        &[
            OCTET,
            JSON,
            "application/x-www-form-urlencoded",
            "text/plain",
        ],
    );
    if keys.len() > 1 {
        log.push(format!(
            "fixup: {name}: request body media types {keys:?} -> {keep:?}"
        ));
        content.retain(|k, _| *k == keep);
    }
    let supported = [
        OCTET,
        JSON,
        "application/x-www-form-urlencoded",
        "text/plain",
    ];
    let media = if is_json(&keep) && keep != JSON {
        let v = content.remove(&keep).unwrap_or_default();
        content.insert(JSON.into(), v);
        log.push(format!("fixup: {name}: request body {keep:?} -> {JSON:?}"));
        JSON.to_string()
    } else if !supported.contains(&keep.as_str()) {
        let v = content.remove(&keep).unwrap_or_default();
        content.insert(OCTET.into(), v);
        log.push(format!(
            "fixup: {name}: request body {keep:?} sent as raw bytes ({OCTET})"
        ));
        OCTET.to_string()
    } else {
        keep
    };
    let binary = json!({ "type": "string", "format": "binary" });
    let media_obj = content.get_mut(&media);
    let Some(media_obj) = media_obj else { return };
    match media.as_str() {
        OCTET if media_obj.get("schema") != Some(&binary) => {
            log.push(format!(
                "fixup: {name}: octet-stream body schema {} -> binary",
                compact(media_obj.get("schema"))
            ));
            media_obj["schema"] = binary;
        }
        "text/plain" if media_obj.get("schema") != Some(&json!({ "type": "string" })) => {
            log.push(format!("fixup: {name}: text/plain body schema -> string"));
            media_obj["schema"] = json!({ "type": "string" });
        }
        _ => {}
    }
}

fn compact(v: Option<&Value>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "missing".into())
}

fn is_json(media: &str) -> bool {
    let m = media.split(';').next().unwrap_or("").trim();
    m == JSON || m == "text/json" || m.ends_with("+json")
}

fn pick_media(keys: &[String], preference: &[&str]) -> String {
    for want in preference {
        if let Some(k) = keys
            .iter()
            .find(|k| k.split(';').next().unwrap_or("").trim() == *want)
        {
            return k.clone();
        }
        if *want == JSON
            && let Some(k) = keys.iter().find(|k| is_json(k))
        {
            return k.clone();
        }
    }
    keys.first().cloned().unwrap_or_else(|| JSON.into())
}

/// What progenitor needs of responses: one media type, one success type, one error type.
fn responses(path: &str, method: &str, op: &mut Value, schemas: &Value, log: &mut Vec<String>) {
    let name = op_name(op);
    let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
        log.push(format!(
            "fixup: {name}: no responses -> 200 without content"
        ));
        op["responses"] = json!({ "200": { "description": "" } });
        return;
    };
    let mut trimmed: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for r in responses.values_mut() {
        let Some(content) = r.get_mut("content").and_then(Value::as_object_mut) else {
            continue;
        };
        let keys: Vec<String> = content.keys().cloned().collect();
        if keys.len() > 1 {
            let keep = pick_media(&keys, &[JSON, OCTET]);
            content.retain(|k, _| *k == keep);
            trimmed.entry(format!("{keys:?}")).or_insert((keep, 0)).1 += 1;
        }
    }
    for (keys, (keep, n)) in trimmed {
        log.push(format!(
            "fixup: {name}: response media types {keys} -> {keep:?} ({n} responses)"
        ));
    }
    let raw_download = method == "get" && RAW_DOWNLOAD_SUFFIXES.iter().any(|s| path.ends_with(s));
    for (code, r) in responses.iter_mut() {
        if !code.starts_with('2') {
            continue;
        }
        let Some(content) = r.get_mut("content").and_then(Value::as_object_mut) else {
            continue;
        };
        let Some((media, body)) = content.iter().next().map(|(k, v)| (k.clone(), v.clone())) else {
            continue;
        };
        let schema = body.get("schema").cloned().unwrap_or_default();
        let binary_schema = schema.get("format").and_then(Value::as_str) == Some("binary");
        if is_json(&media) && (raw_download || binary_schema) {
            log.push(format!(
                "fixup: {name}: {code} response is raw bytes, not JSON -> {OCTET}"
            ));
            content.clear();
            content.insert(
                OCTET.into(),
                json!({ "schema": { "type": "string", "format": "binary" } }),
            );
        }
    }
    unify(&name, responses, true, schemas, log);
    unify(&name, responses, false, schemas, log);
}

/// The body type of a response as progenitor sees it: none, raw, or a JSON schema.
fn body_kind(r: &Value) -> Option<(bool, Value)> {
    let content = r.get("content")?.as_object()?;
    let (media, body) = content.iter().next()?;
    Some((
        is_json(media),
        body.get("schema").cloned().unwrap_or_default(),
    ))
}

fn is_bare_object(s: &Value) -> bool {
    s.get("type").and_then(Value::as_str) == Some("object")
        && s.get("properties").is_none()
        && s.get("additionalProperties").is_none()
        && s.get("$ref").is_none()
}

fn unify(
    name: &str,
    responses: &mut Map<String, Value>,
    success: bool,
    schemas: &Value,
    log: &mut Vec<String>,
) {
    let codes: Vec<String> = responses
        .keys()
        .filter(|c| {
            if success {
                c.starts_with('2')
            } else {
                c.starts_with('4') || c.starts_with('5')
            }
        })
        .cloned()
        .collect();
    let kinds: Vec<Option<(bool, Value)>> =
        codes.iter().map(|c| body_kind(&responses[c])).collect();
    let distinct: BTreeSet<String> = kinds.iter().map(|k| format!("{k:?}")).collect();
    if distinct.len() <= 1 {
        return;
    }
    let what = if success { "success" } else { "error" };
    let typed: Vec<&Value> = kinds
        .iter()
        .flatten()
        .filter(|(j, s)| *j && !is_bare_object(s))
        .map(|(_, s)| s)
        .collect();
    let typed_distinct: BTreeSet<String> = typed.iter().map(|s| s.to_string()).collect();
    // A bare `{type: object}` (or no content) next to one concrete schema: use the concrete one.
    if typed_distinct.len() == 1 && kinds.iter().flatten().all(|(j, _)| *j) {
        let concrete = typed[0].clone();
        for code in &codes {
            let r = &mut responses[code];
            match body_kind(r) {
                Some((_, s)) if s == concrete => {}
                Some(_) => {
                    log.push(format!(
                        "fixup: {name}: {code} bare object -> {}",
                        describe(&concrete)
                    ));
                    let media = r["content"]
                        .as_object()
                        .and_then(|c| c.keys().next().cloned())
                        .unwrap_or_else(|| JSON.into());
                    r["content"] = json!({ media: { "schema": concrete } });
                }
                None if !success => {}
                None => {}
            }
        }
        if !success {
            drop_empty_errors(name, responses, &codes, log);
        }
        if distinct_kinds(responses, &codes) <= 1 {
            return;
        }
    }
    if !success {
        // Several error schemas: use one whose properties contain all the others'.
        if let Some(superset) = superset_of(&typed, schemas)
            && kinds.iter().flatten().all(|(j, _)| *j)
        {
            for code in &codes {
                if let Some(content) = responses[code].get_mut("content") {
                    let media = content
                        .as_object()
                        .and_then(|c| c.keys().next().cloned())
                        .unwrap_or_else(|| JSON.into());
                    if content[&media]["schema"] != superset {
                        log.push(format!(
                            "fixup: {name}: {code} error body -> {}",
                            describe(&superset)
                        ));
                        *content = json!({ media: { "schema": superset } });
                    }
                }
            }
        }
        drop_empty_errors(name, responses, &codes, log);
        if distinct_kinds(responses, &codes) <= 1 {
            return;
        }
    }
    // Nothing reconciles them: every such response becomes raw bytes, which loses nothing.
    log.push(format!(
        "fixup: {name}: {what} responses {codes:?} have different bodies -> raw bytes ({OCTET})"
    ));
    for code in &codes {
        responses[code]["content"] =
            json!({ OCTET: { "schema": { "type": "string", "format": "binary" } } });
    }
}

/// Error responses without a body next to typed ones: left undeclared, they arrive as
/// `Error::UnexpectedResponse` with their status, instead of failing to decode an empty body.
fn drop_empty_errors(
    name: &str,
    responses: &mut Map<String, Value>,
    codes: &[String],
    log: &mut Vec<String>,
) {
    let any_typed = codes.iter().any(|c| body_kind(&responses[c]).is_some());
    if !any_typed {
        return;
    }
    for code in codes {
        if body_kind(&responses[code]).is_none() {
            log.push(format!(
                "fixup: {name}: {code} error response without a body undeclared"
            ));
            responses.remove(code);
        }
    }
}

fn distinct_kinds(responses: &Map<String, Value>, codes: &[String]) -> usize {
    codes
        .iter()
        .filter_map(|c| responses.get(c))
        .map(|r| format!("{:?}", body_kind(r)))
        .collect::<BTreeSet<_>>()
        .len()
}

fn describe(s: &Value) -> String {
    s.get("$ref")
        .and_then(Value::as_str)
        .map(String::from)
        .unwrap_or_else(|| s.to_string())
}

/// The schema among `candidates` whose property names include every other's (after resolving
/// `$ref`s into `components/schemas`), e.g. the vendor's `ErrorPrepareResult` ⊇ `Error`.
fn superset_of(candidates: &[&Value], schemas: &Value) -> Option<Value> {
    let props = |s: &Value| -> Option<BTreeSet<String>> {
        let resolved = match s.get("$ref").and_then(Value::as_str) {
            Some(r) => schemas.get(r.strip_prefix("#/components/schemas/")?)?,
            None => s,
        };
        Some(
            resolved
                .get("properties")?
                .as_object()?
                .keys()
                .cloned()
                .collect(),
        )
    };
    let sets: Vec<BTreeSet<String>> = candidates.iter().map(|s| props(s)).collect::<Option<_>>()?;
    let i = (0..sets.len()).find(|&i| sets.iter().all(|other| other.is_subset(&sets[i])))?;
    Some(candidates[i].clone())
}

/// Closed enums in schemas become strings, so a new value from the server cannot fail decoding.
/// Parameter enums stay closed: the client sends them.
fn open_enums(doc: &mut Value, log: &mut Vec<String>) {
    fn walk(v: &mut Value, at: &str, log: &mut Vec<String>) {
        let Some(m) = v.as_object_mut() else { return };
        if let Some(Value::Array(values)) = m.remove("enum") {
            let known: Vec<String> = values
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(String::from)
                        .unwrap_or_else(|| v.to_string())
                })
                .collect();
            log.push(format!(
                "fixup: {at}: closed enum of {} values opened",
                known.len()
            ));
            let note = format!("Known values: {}.", known.join(", "));
            let d = m
                .get("description")
                .and_then(Value::as_str)
                .map(|d| format!("{d} {note}"))
                .unwrap_or(note);
            m.insert("description".into(), json!(d));
            m.insert("x-known-values".into(), Value::Array(values));
        }
        for key in ["items", "additionalProperties", "not"] {
            if let Some(child) = m.get_mut(key) {
                walk(child, &format!("{at}.{key}"), log);
            }
        }
        if let Some(Value::Object(props)) = m.get_mut("properties") {
            for (k, child) in props.iter_mut() {
                walk(child, &format!("{at}.{k}"), log);
            }
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(Value::Array(list)) = m.get_mut(key) {
                for (i, child) in list.iter_mut().enumerate() {
                    walk(child, &format!("{at}.{key}[{i}]"), log);
                }
            }
        }
    }
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, s) in schemas.iter_mut() {
            walk(s, name, log);
        }
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            for method in METHODS {
                let Some(op) = item.get_mut(*method) else {
                    continue;
                };
                let name = op_name(op);
                for part in ["requestBody", "responses"] {
                    if let Some(v) = op.get_mut(part) {
                        walk_content(v, &format!("{name} {part}"), log, &walk);
                    }
                }
            }
        }
    }
    fn walk_content(
        v: &mut Value,
        at: &str,
        log: &mut Vec<String>,
        f: &dyn Fn(&mut Value, &str, &mut Vec<String>),
    ) {
        if let Some(m) = v.as_object_mut() {
            if let Some(s) = m.get_mut("schema") {
                f(s, at, log);
            }
            for child in m.values_mut() {
                if child.is_object() {
                    walk_content(child, at, log, f);
                }
            }
        }
    }
}

/// Schema details typify rejects or mis-types: empty formats, `type` lists from 3.1, defaults
/// of the wrong type.
fn schema_quirks(doc: &mut Value, log: &mut Vec<String>) {
    fn walk(v: &mut Value, at: &str, log: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if m.get("format").and_then(Value::as_str) == Some("") {
                    m.remove("format");
                }
                if let Some(Value::Array(types)) = m.get("type").cloned() {
                    let non_null: Vec<&Value> = types
                        .iter()
                        .filter(|t| t.as_str() != Some("null"))
                        .collect();
                    if non_null.len() == 1 {
                        log.push(format!(
                            "fixup: {at}: type list {types:?} -> {} (nullable)",
                            non_null[0]
                        ));
                        m.insert("type".into(), non_null[0].clone());
                        m.insert("nullable".into(), json!(true));
                    }
                }
                if let (Some(t), Some(d)) =
                    (m.get("type").and_then(Value::as_str), m.get("default"))
                {
                    let fits = match t {
                        "string" => d.is_string(),
                        "integer" => d.is_i64() || d.is_u64(),
                        "number" => d.is_number(),
                        "boolean" => d.is_boolean(),
                        "array" => d.is_array(),
                        "object" => d.is_object(),
                        _ => true,
                    };
                    if !fits {
                        log.push(format!(
                            "fixup: {at}: default {d} does not fit type {t}; dropped"
                        ));
                        m.remove("default");
                    }
                }
                for (k, child) in m.iter_mut() {
                    walk(child, &format!("{at}.{k}"), log);
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|c| walk(c, at, log)),
            _ => {}
        }
    }
    walk(doc, "#", log);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_from_odd_names() {
        assert_eq!(
            identifier("ApiTaskResult[CheckResult]"),
            "ApiTaskResultCheckResult"
        );
        assert_eq!(identifier("Kontur.Models.Draft"), "KonturModelsDraft");
        assert_eq!(identifier("List<Foo bar>"), "ListFooBar");
        assert_eq!(identifier("1st"), "Schema1st");
    }
}
