//! `GET /realty/v1/news?after={token}`: the account's docflow state changes in order. Without
//! `after` the feed starts "now": no items, and a `lastToken` to continue from.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{Value, json};

use super::error::{RealtyError, RealtyResult};
use super::extract::Query;
use crate::state::Shared;
use crate::state::realty::Session;

/// Items per answer at most.
const PAGE: usize = 100;

/// The token after the first `n` entries of the feed.
fn token(n: usize) -> String {
    format!("n{n:x}")
}

fn parse(token: &str) -> Option<usize> {
    usize::from_str_radix(token.strip_prefix('n')?, 16).ok()
}

#[derive(Deserialize)]
pub struct NewsQuery {
    after: Option<String>,
}

/// `GET /realty/v1/news`
pub async fn list(
    State(shared): State<Arc<Shared>>,
    Extension(session): Extension<Session>,
    Query(q): Query<NewsQuery>,
) -> RealtyResult<Json<Value>> {
    let store = shared.lock();
    let news = &store.realty.news;
    let Some(after) = q.after else {
        return Ok(Json(
            json!({ "docflowNewsItem": [], "lastToken": token(news.len()) }),
        ));
    };
    let start = parse(&after).filter(|n| *n <= news.len()).ok_or_else(|| {
        RealtyError::validation("after", format!("{after:?} is not a news token"))
    })?;
    let mut last = start;
    let items: Vec<Value> = news[start..]
        .iter()
        .enumerate()
        .filter(|(_, e)| e.account_id == session.account_id)
        .take(PAGE)
        .map(|(i, e)| {
            last = start + i + 1;
            json!({ "token": token(start + i + 1), "date": e.date.to_rfc3339(), "docflow": e.docflow })
        })
        .collect();
    // A page cut short by the limit continues after its last item; a full read after the end.
    if items.len() < PAGE {
        last = news.len();
    }
    Ok(Json(
        json!({ "docflowNewsItem": items, "lastToken": token(last) }),
    ))
}
