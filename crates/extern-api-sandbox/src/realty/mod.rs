//! Kontur.Reestro's `/realty/v1/` (Rosreestr real-estate docflows) on the same listener: session
//! and `ReestroAuth` logins, docflows of every documented type with statements to sign, a
//! Rosreestr robot (extracts, signature checks, state fees, results), contents, the news feed
//! and cadastral-number suggestions. Reestro's own error shape throughout.

mod auth;
mod cadastre;
mod docflows;
mod error;
mod extract;
mod news;
mod robot;
mod view;

use std::sync::Arc;

use axum::Router;
use axum::middleware;
use axum::routing::{get, post};

pub use robot::run_due;

use crate::state::Shared;

/// The `/realty/v1/` routes, and the test tool that pays a state fee.
pub fn router(shared: Arc<Shared>) -> Router<Arc<Shared>> {
    let f = "/realty/v1/docflows/{docflow}/files/{file}";
    let api = Router::new()
        .route(
            "/realty/v1/docflows/{slug}",
            post(create_or_send).get(docflows::get),
        )
        .route(f, get(docflows::get_file))
        .route(&format!("{f}/signatures"), post(docflows::add_signature))
        .route(
            &format!("{f}/signatures/{{signature}}"),
            post(docflows::add_signature_by_content),
        )
        .route("/realty/v1/contents", post(docflows::upload))
        .route("/realty/v1/contents/{content}", get(docflows::download))
        .route("/realty/v1/news", get(news::list))
        .route(
            "/realty/v1/location/cadastre/suggest",
            post(cadastre::suggest),
        )
        .route_layer(middleware::from_fn_with_state(shared, auth::admit));
    Router::new()
        .route("/realty/v1/auth", post(auth::login))
        .route("/test-tools/v1/realty/pay", post(robot::pay))
        .merge(api)
}

/// `POST /realty/v1/docflows/{x}` creates when `x` is a type slug and sends when it is an id.
async fn create_or_send(
    state: axum::extract::State<Arc<Shared>>,
    session: axum::Extension<crate::state::realty::Session>,
    extract::Path(slug): extract::Path<String>,
    body: axum::body::Bytes,
) -> Result<axum::response::Response, error::RealtyError> {
    use axum::response::IntoResponse;
    match uuid::Uuid::parse_str(&slug) {
        Ok(id) => Ok(docflows::send(state, session, extract::Path(id))
            .await?
            .into_response()),
        Err(_) => docflows::create(state, session, extract::Path(slug), body).await,
    }
}
