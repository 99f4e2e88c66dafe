//! Request extractors whose rejections answer in the vendor's error shape.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::http::error::ApiError;

/// A JSON body: 415 without a JSON content type, 400 for malformed JSON or a wrong shape.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<serde_json::Value>::from_request(req, state).await {
            Ok(Json(v)) => decode(v).map(Self),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupportedMediaType",
                "the body must be application/json",
            )),
            Err(JsonRejection::JsonSyntaxError(e)) => Err(ApiError::bad_request(
                "invalidJson",
                format!("the body is not valid JSON: {}", e.body_text()),
            )),
            Err(e) => Err(ApiError::bad_request("invalidRequest", e.body_text())),
        }
    }
}

/// The body as `T`; a body written with the C# models' PascalCase names (`"BuilderType"`,
/// `"Sender": {"Inn": …}` in docs/PFR/PFR.rst) is read under the wire's kebab-case names when it
/// does not decode as it is.
fn decode<T: DeserializeOwned>(v: serde_json::Value) -> Result<T, ApiError> {
    match serde_json::from_value::<T>(v.clone()) {
        Ok(t) => Ok(t),
        Err(first) => serde_json::from_value::<T>(kebab_keys(v))
            .map_err(|_| ApiError::bad_request("invalidRequest", first.to_string())),
    }
}

/// Object keys in PascalCase or camelCase → kebab-case (`IPAddress` → `ip-address`,
/// `RegistrationNumberPfr` → `registration-number-pfr`); other keys stay.
fn kebab_keys(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Object(o) => Value::Object(
            o.into_iter()
                .map(|(k, v)| (kebab(&k), kebab_keys(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(kebab_keys).collect()),
        other => other,
    }
}

pub(crate) fn kebab(key: &str) -> String {
    if key.contains('-') || !key.chars().any(|c| c.is_ascii_uppercase()) {
        return key.to_string();
    }
    let chars: Vec<char> = key.chars().collect();
    let mut out = String::with_capacity(key.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        let word_starts = c.is_ascii_uppercase()
            && i > 0
            && (chars[i - 1].is_ascii_lowercase()
                || chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase()));
        if word_starts {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn pascal_case_keys_become_kebab_case() {
        for (from, to) in [
            ("BuilderType", "builder-type"),
            ("IPAddress", "ip-address"),
            ("RegistrationNumberPfr", "registration-number-pfr"),
            ("Inn", "inn"),
            ("content-id", "content-id"),
            ("КНД", "КНД"),
        ] {
            assert_eq!(super::kebab(from), to);
        }
    }
}

/// Query parameters: 400 with the reason when they do not parse.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Self(v)),
            Err(e @ QueryRejection::FailedToDeserializeQueryString(_)) => {
                Err(ApiError::bad_request("invalidQuery", e.body_text()))
            }
            Err(e) => Err(ApiError::bad_request("invalidQuery", e.body_text())),
        }
    }
}

/// Path parameters: an id that is not a GUID names nothing, so 404.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Self(v)),
            Err(e @ PathRejection::FailedToDeserializePathParams(_)) => Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "notFound",
                format!("no such resource: {}", e.body_text()),
            )),
            Err(e) => Err(ApiError::bad_request("invalidPath", e.body_text())),
        }
    }
}

/// `?deferred=true`, which long operations require since 2022.
#[derive(serde::Deserialize)]
pub struct Deferred {
    pub deferred: Option<String>,
    pub force: Option<String>,
}

impl Deferred {
    pub fn require(&self) -> Result<(), ApiError> {
        match self
            .deferred
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("true") => Ok(()),
            _ => Err(ApiError::bad_request(
                "deferredRequired",
                "synchronous execution is no longer supported: call with deferred=true and poll the task",
            )),
        }
    }

    /// `force=true` sends a PFR report despite check errors; other docflows ignore it.
    pub fn force(&self) -> Result<bool, ApiError> {
        match self
            .force
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(other) => Err(ApiError::bad_request(
                "invalidQuery",
                format!("force={other:?}: expected true or false"),
            )),
        }
    }
}
