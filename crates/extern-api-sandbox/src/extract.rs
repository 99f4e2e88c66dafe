//! Request extractors whose rejections answer in the vendor's error shape.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON body: 415 without a JSON content type, 400 for malformed JSON or a wrong shape.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(Self(v)),
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
