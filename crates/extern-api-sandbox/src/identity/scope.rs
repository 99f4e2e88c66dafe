//! The account scope: who calls, and that they belong to the account the path names.

use std::sync::Arc;

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::StatusCode;
use axum::http::request::Parts;
use uuid::Uuid;

use crate::http::error::ApiError;
use crate::identity::auth::Caller;
use crate::state::Shared;

/// A caller admitted to the account of the route's `{account}` segment. A handler that takes it
/// cannot forget the check: 403 when the caller does not belong to the account (an unknown
/// account looks the same), 404 when the segment is not a GUID.
pub struct AccountScope(pub Caller);

impl FromRequestParts<Arc<Shared>> for AccountScope {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        shared: &Arc<Shared>,
    ) -> Result<Self, Self::Rejection> {
        let caller = parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or_else(|| ApiError::unauthorized("the request was not authenticated"))?;
        let params = RawPathParams::from_request_parts(parts, shared)
            .await
            .map_err(|e| ApiError::bad_request("invalidPath", e.body_text()))?;
        let segment = params
            .iter()
            .find_map(|(name, value)| (name == "account").then_some(value))
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internalServerError",
                    "the route has no {account} segment",
                )
            })?;
        let account = Uuid::parse_str(segment).map_err(|e| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "notFound",
                format!("no such resource: {segment}: {e}"),
            )
        })?;
        check_account(shared, &caller, account)?;
        Ok(Self(caller))
    }
}

/// 404 for an unknown account, 403 for one the caller does not belong to.
pub fn check_account(shared: &Shared, caller: &Caller, account_id: Uuid) -> Result<(), ApiError> {
    let store = shared.lock();
    // Another account's id and an unknown one look the same to a caller: 403 (the C# SDK's
    // End2End tests, e.g. DraftPathsExtensions_Tests; only GET /v1/{id} answers 404).
    let account = store
        .account(account_id)
        .ok_or_else(|| ApiError::forbidden("the user has no access to this account"))?;
    if !account.users.contains(&caller.login) {
        return Err(ApiError::forbidden(
            "the user has no access to this account",
        ));
    }
    Ok(())
}
