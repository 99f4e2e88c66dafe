//! The router: identity and test tools on the same listener as the API, every `/v1` route behind
//! the admission layer, a trace id on every answer, errors in the vendor's shape.

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};

use crate::api::accounts;
use crate::api::builders;
use crate::api::cloud;
use crate::api::contents;
use crate::api::demands;
use crate::api::docflow_search;
use crate::api::docflows;
use crate::api::drafts;
use crate::api::events;
use crate::api::handbooks;
use crate::api::print;
use crate::api::replies;
use crate::api::tasks;
use crate::api::test_tools;
use crate::http::error::{ApiError, TRACE_ID};
use crate::identity::auth;
use crate::identity::logins;
use crate::state::Shared;

/// Puts an `X-Kontur-Trace-Id` on every response and makes it visible to error bodies. A handler
/// that panics answers 500 in the vendor's error shape, logged, instead of dropping the connection.
/// With a data directory, no answer leaves before the state it shows is written (its own
/// changes, and the robots' it reads): what a client has seen survives the sandbox's being
/// killed. Without changes since the last save, nothing waits.
async fn saved(
    axum::extract::State(shared): axum::extract::State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let response = next.run(request).await;
    shared.saved().await;
    response
}

async fn trace(request: Request, next: Next) -> Response {
    use futures::FutureExt;
    let id = uuid::Uuid::new_v4().simple().to_string();
    let route = format!("{} {}", request.method(), request.uri().path());
    let handled = std::panic::AssertUnwindSafe(TRACE_ID.scope(id.clone(), next.run(request)))
        .catch_unwind()
        .await;
    let mut response = handled.unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        tracing::error!(%route, %why, "handler panicked");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internalServerError",
            "the sandbox failed on this request",
        )
        .into_response()
    });
    response.headers_mut().insert(
        "x-kontur-trace-id",
        HeaderValue::from_str(&id).expect("hex"),
    );
    response
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "notFound", "no such route")
}

async fn method_not_allowed() -> Response {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "methodNotAllowed",
        "the route does not support this method",
    )
    .into_response()
}

/// `routes` behind the admission layer (authentication, the in-flight limit, faults).
fn admitted(shared: &Arc<Shared>, routes: Router<Arc<Shared>>) -> Router<Arc<Shared>> {
    routes.route_layer(middleware::from_fn_with_state(shared.clone(), auth::admit))
}

// One `modules.push` a module, each on its own line: engineers add theirs side by side.
#[allow(clippy::vec_init_then_push)]
pub fn router(shared: Arc<Shared>) -> Router {
    let d = "/v1/{account}/drafts/{draft}";
    let dd = "/v1/{account}/drafts/{draft}/documents/{document}";
    let df = "/v1/{account}/docflows/{docflow}";
    let doc = "/v1/{account}/docflows/{docflow}/documents/{document}";
    let b = "/v1/{account}/drafts/builders/{builder}";
    let bd = "/v1/{account}/drafts/builders/{builder}/documents/{document}";
    let bf = "/v1/{account}/drafts/builders/{builder}/documents/{document}/files/{file}";
    let api = Router::new()
        .route("/v1", get(accounts::list).post(accounts::create))
        .route("/v1/events", get(events::list))
        .route("/v1/{account}/share-events", post(events::share))
        .route("/v1/{account}", get(accounts::get).delete(accounts::delete))
        .route("/v1/{account}/certificates", get(accounts::certificates))
        .route(
            "/v1/{account}/organizations",
            get(accounts::organizations).post(accounts::create_organization),
        )
        .route(
            "/v1/{account}/organizations/{org}",
            get(accounts::get_organization)
                .put(accounts::update_organization)
                .delete(accounts::delete_organization),
        )
        .route("/v1/{account}/contents", post(contents::upload))
        .route(
            "/v1/{account}/contents/{content}",
            put(contents::upload_part).get(contents::download),
        )
        .route(
            "/v1/{account}/drafts",
            get(drafts::list).post(drafts::create),
        )
        .route(d, get(drafts::get).delete(drafts::delete))
        .route(
            &format!("{d}/meta"),
            get(drafts::get_meta).put(drafts::put_meta),
        )
        .route(&format!("{d}/check"), post(tasks::check))
        .route(&format!("{d}/prepare"), post(tasks::prepare))
        .route(&format!("{d}/send"), post(tasks::send))
        .route(&format!("{d}/tasks"), get(tasks::list))
        .route(&format!("{d}/cloud-sign"), post(cloud::sign_draft))
        .route(
            &format!("{d}/cloud-sign-confirm"),
            post(cloud::confirm_draft),
        )
        .route(&format!("{d}/tasks/{{task}}"), get(tasks::get))
        .route(&format!("{d}/documents"), post(drafts::add_document))
        .route(
            dd,
            get(drafts::get_document)
                .put(drafts::put_document)
                .delete(drafts::delete_document),
        )
        .route(&format!("{dd}/signatures"), post(drafts::add_signature))
        .route(
            &format!("{dd}/signatures/{{signature}}"),
            get(drafts::get_signature)
                .put(drafts::put_signature)
                .delete(drafts::delete_signature),
        )
        .route(
            &format!("{dd}/signatures/{{signature}}/content"),
            get(drafts::signature_content),
        )
        .route("/v1/{account}/drafts/builders", post(builders::create))
        .route(b, get(builders::get).delete(builders::delete))
        .route(
            &format!("{b}/meta"),
            get(builders::get_meta).put(builders::put_meta),
        )
        .route(&format!("{b}/build"), post(builders::build))
        .route(&format!("{b}/tasks/{{task}}"), get(builders::get_task))
        .route(
            &format!("{b}/documents"),
            get(builders::documents).post(builders::create_document),
        )
        .route(
            bd,
            get(builders::get_document)
                .put(builders::put_document)
                .delete(builders::delete_document),
        )
        .route(
            &format!("{bd}/meta"),
            get(builders::get_document_meta).put(builders::put_document_meta),
        )
        .route(
            &format!("{bd}/files"),
            get(builders::files).post(builders::create_file),
        )
        .route(
            bf,
            get(builders::get_file)
                .put(builders::put_file)
                .delete(builders::delete_file),
        )
        .route(
            &format!("{bf}/meta"),
            get(builders::get_file_meta).put(builders::put_file_meta),
        )
        .route(&format!("{bf}/signature"), get(builders::file_signature))
        .route("/v1/{account}/docflows", get(docflow_search::search))
        .route(df, get(docflows::get))
        .route(&format!("{df}/documents"), get(docflows::documents))
        .route(doc, get(docflows::document))
        .route(&format!("{doc}/description"), get(docflows::description))
        .route(&format!("{doc}/signatures"), get(docflows::signatures))
        .route(
            &format!("{doc}/signatures/{{signature}}"),
            get(docflows::signature),
        )
        .route(
            &format!("{doc}/signatures/{{signature}}/content"),
            get(docflows::signature_content),
        )
        .route(&format!("{df}/check-demand"), post(demands::check))
        .route(
            &format!("{doc}/related"),
            get(docflow_search::related_docflows),
        )
        .route(
            &format!("{doc}/inventories"),
            get(docflow_search::inventories),
        )
        .route(
            &format!("{doc}/inventories/{{inventory}}"),
            get(docflow_search::inventory),
        )
        .route(
            &format!("{doc}/decrypted-content"),
            put(docflows::save_decrypted),
        )
        .route(
            &format!("{doc}/decrypt-content"),
            post(cloud::decrypt_document),
        )
        .route(
            &format!("{doc}/confirm-content-decryption"),
            post(cloud::confirm_decryption),
        )
        .route(&format!("{doc}/tasks/{{task}}"), get(cloud::document_task))
        .route(&format!("{doc}/print"), post(print::docflow_document))
        .route(
            &format!("{doc}/replies/{{reply}}/cloud-sign"),
            post(cloud::sign_reply),
        )
        .route(
            &format!("{doc}/replies/{{reply}}/cloud-sign-confirm"),
            post(cloud::confirm_reply),
        )
        .route(
            &format!("{doc}/replies/{{reply}}/tasks/{{task}}"),
            get(cloud::reply_task),
        )
        .route(&format!("{doc}/generate-reply"), post(replies::generate))
        .route(&format!("{doc}/replies/{{reply}}"), get(replies::get))
        .route(
            &format!("{doc}/replies/{{reply}}/content"),
            put(replies::put_content),
        )
        .route(
            &format!("{doc}/replies/{{reply}}/signature"),
            put(replies::put_signature),
        )
        .route(
            &format!("{doc}/replies/{{reply}}/send"),
            post(replies::send),
        )
        .route_layer(middleware::from_fn_with_state(shared.clone(), auth::admit));
    let public = Router::new()
        .route("/v1/handbooks/control-units", get(handbooks::list))
        .route("/v1/handbooks/control-units/{code}", get(handbooks::get))
        .route("/v1/handbooks/fns-forms", get(handbooks::fns_forms))
        .route("/v1/handbooks/{handbook}", get(handbooks::handbook))
        .route("/connect/token", post(auth::token))
        .route(
            "/connect/deviceauthorization",
            post(logins::device_authorization),
        )
        .route(
            "/authentication/certificate",
            post(logins::certificate_challenge),
        )
        .route(
            "/test-tools/v1/register-partner",
            post(test_tools::register_partner),
        )
        .route(
            "/test-tools/v1/approve-device",
            post(test_tools::approve_device),
        )
        .route(
            "/test-tools/v1/generate-certificate",
            post(test_tools::generate_certificate),
        )
        .route(
            "/test-tools/v1/advance-clock",
            post(test_tools::advance_clock),
        )
        .route(
            "/test-tools/v1/generate-docflows",
            post(test_tools::generate_docflows),
        )
        .route("/test-tools/v1/generate-demand", post(demands::generate))
        .route(
            "/test-tools/v1/generate-sedo-docflow",
            post(crate::api::documents_requests::generate_docflow),
        )
        .route(
            "/test-tools/v1/generate-cloud-certificate",
            post(cloud::generate_certificate),
        )
        .route("/test-tools/v1/cloud-confirmation-code", get(cloud::code))
        .route(
            "/test-tools/v1/confirm-cloud-operation",
            post(cloud::answer_in_app),
        )
        .route(
            "/test-tools/v1/generate-cu-letter",
            post(demands::generate_letter),
        )
        .route(
            "/test-tools/v1/ca-certificate",
            get(test_tools::ca_certificate),
        );
    // Resources that keep their routes in their own module, behind the same admission.
    #[allow(unused_mut)]
    let mut modules: Vec<Router<Arc<Shared>>> = Vec::new();
    // modules.push(<module>::routes());
    modules.push(crate::api::draft_extras::routes());
    modules.push(crate::api::builder_extras::routes());
    modules.push(crate::api::inventory_documents::routes());
    modules.push(crate::api::pfr_replies::routes());
    modules.push(crate::api::documents_requests::routes());
    modules.push(crate::api::docflow_extras::routes());
    modules.push(crate::api::account_extras::routes());
    modules.push(crate::api::organization_extras::routes());
    modules.push(crate::api::event_publishers::routes());
    modules.push(crate::api::reports_tables::routes());
    let api = modules
        .into_iter()
        .fold(api, |api, routes| api.merge(admitted(&shared, routes)));
    public
        .merge(api)
        .merge(crate::realty::router(shared.clone()))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        // Contents parts stream to disk under their own limit; other bodies stay small.
        .layer(DefaultBodyLimit::max(8 * 1024 * 1024))
        .layer(middleware::from_fn_with_state(shared.clone(), saved))
        .layer(middleware::from_fn(trace))
        .with_state(shared)
}
