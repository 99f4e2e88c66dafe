//! The client: one call per endpoint of `/realty/v1/`, on extern-api-core's [`Transport`]
//! (connection pool, 20 in flight, retries of idempotent calls) with Reestro's own auth and
//! errors.

use std::sync::Arc;

use bytes::Bytes;
use futures::StreamExt;
use kontur_transport::{Idempotency, Transport, TransportOptions};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tokio::io::{AsyncWrite, AsyncWriteExt};
use uuid::Uuid;

use crate::address::FiasAddress;
use crate::auth::{Authenticator, ReestroAuth};
use crate::error::Error;
use crate::model::{CadastreSuggestion, ContentPointer, Docflow, News};
use crate::options::CreateDocflow;

/// Kontur's production API host (Reestro lives under `/realty/v1/`).
pub const PRODUCTION: &str = "https://api.kontur.ru";
/// Kontur's test host.
pub const TEST_SITE: &str = "https://api.testkontur.ru";

/// The content types `POST /contents` takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContentType {
    /// `application/pdf`
    Pdf,
    /// `application/xml`
    Xml,
    /// `application/x-pkcs7-signature` (a detached CMS signature)
    Pkcs7Signature,
    /// `application/pgp-signature`
    PgpSignature,
}

impl ContentType {
    fn mime(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Xml => "application/xml",
            Self::Pkcs7Signature => "application/x-pkcs7-signature",
            Self::PgpSignature => "application/pgp-signature",
        }
    }
}

/// A Kontur.Reestro client. Cheap to clone; clones share the connection pool and the session.
///
/// ```no_run
/// # async fn demo() -> Result<(), reestro_api::Error> {
/// use reestro_api::{ReestroAuth, ReestroClient};
///
/// let client = ReestroClient::builder()
///     .base_url(reestro_api::TEST_SITE)
///     .auth(ReestroAuth::session("login@example.com", "password", uuid::Uuid::nil()))
///     .build()?;
/// let news = client.news(None).await?;
/// println!("continue from {}", news.last_token);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct ReestroClient {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    transport: Arc<Transport>,
    base: String,
    auth: Authenticator,
}

/// Builds a [`ReestroClient`].
#[derive(Debug)]
pub struct ReestroClientBuilder {
    base_url: String,
    auth: Option<ReestroAuth>,
    transport: Option<Arc<Transport>>,
    options: TransportOptions,
}

impl ReestroClientBuilder {
    /// The API host (default: production); `/realty/v1` is added.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The credentials (required).
    pub fn auth(mut self, auth: ReestroAuth) -> Self {
        self.auth = Some(auth);
        self
    }

    /// Timeouts, user agent, in-flight limit and retries of a transport of its own.
    pub fn transport_options(mut self, options: TransportOptions) -> Self {
        self.options = options;
        self
    }

    /// Shares a transport (and so its connections and in-flight limit) with other clients.
    pub fn transport(mut self, transport: Arc<Transport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<ReestroClient, Error> {
        let base = self.base_url.trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(Error::invalid(
                "base_url",
                format!("{base:?} is not an http(s) URL"),
            ));
        }
        let auth = self
            .auth
            .ok_or_else(|| Error::invalid("auth", "no credentials: call .auth(…)"))?;
        let transport = match self.transport {
            Some(t) => t,
            None => Arc::new(Transport::new(&self.options).map_err(|e| {
                extern_api_core::Error::transport("cannot build the HTTP client", e)
            })?),
        };
        Ok(ReestroClient {
            inner: Arc::new(Inner {
                transport,
                base: format!("{base}/realty/v1"),
                auth: Authenticator::new(auth),
            }),
        })
    }
}

impl ReestroClient {
    /// Starts a builder for production.
    pub fn builder() -> ReestroClientBuilder {
        ReestroClientBuilder {
            base_url: PRODUCTION.into(),
            auth: None,
            transport: None,
            options: TransportOptions::default(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.inner.base)
    }

    /// `POST /auth`, without credentials.
    pub(crate) async fn open_session<T: DeserializeOwned>(&self, body: &Value) -> Result<T, Error> {
        let t = &self.inner.transport;
        let url = self.url("/auth");
        let response = t
            .run(Idempotency::Idempotent, || async {
                let r = t
                    .http()
                    .post(&url)
                    .json(body)
                    .send()
                    .await
                    .map_err(|e| Error::transport(e, t.timeout()))?;
                checked(r).await
            })
            .await?;
        decode(response).await
    }

    /// Sends one request built by `build` with the credentials, opening a new session once on
    /// 401 (session logins only).
    async fn send<F>(&self, idempotency: Idempotency, build: F) -> Result<reqwest::Response, Error>
    where
        F: Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    {
        let t = &self.inner.transport;
        let mut renewed = false;
        loop {
            let auth = self.inner.auth.header(self).await?;
            let result = t
                .run(idempotency, || async {
                    let r = build(t.http())
                        .header(reqwest::header::AUTHORIZATION, &auth)
                        .send()
                        .await
                        .map_err(|e| Error::transport(e, t.timeout()))?;
                    checked(r).await
                })
                .await;
            match result {
                Err(e) if e.status() == Some(401) && !renewed && self.inner.auth.renewable() => {
                    tracing::debug!("401: opening a new Reestro session");
                    self.inner
                        .auth
                        .invalidate(auth.trim_start_matches("auth.sid "))
                        .await;
                    renewed = true;
                }
                other => return other,
            }
        }
    }

    /// `POST /docflows/{type}`: creates a docflow (`queued`, or `suspended` with signature
    /// requirements). Options are checked locally first. With a `request_id` the call is
    /// repeated safely on transient failures (the server answers the docflow it made).
    pub async fn create_docflow(&self, request: &CreateDocflow) -> Result<Docflow, Error> {
        request.options.validate()?;
        let url = self.url(&format!(
            "/docflows/{}",
            request.options.docflow_type().slug()
        ));
        let mut body = json!({ "options": request.options.to_json() });
        if let Some(r) = &request.request_id {
            body["requestId"] = json!(r);
        }
        let idempotency = match request.request_id {
            Some(_) => Idempotency::Idempotent,
            None => Idempotency::Once,
        };
        let r = self.send(idempotency, |h| h.post(&url).json(&body)).await?;
        decode(r).await
    }

    /// `GET /docflows/{id}`
    pub async fn docflow(&self, id: Uuid) -> Result<Docflow, Error> {
        let url = self.url(&format!("/docflows/{id}"));
        let r = self.send(Idempotency::Idempotent, |h| h.get(&url)).await?;
        decode(r).await
    }

    /// `POST /docflows/{id}`: sends a docflow whose statements are signed to Rosreestr.
    pub async fn send_docflow(&self, id: Uuid) -> Result<(), Error> {
        let url = self.url(&format!("/docflows/{id}"));
        self.send(Idempotency::Once, |h| h.post(&url)).await?;
        Ok(())
    }

    /// `POST /docflows/{id}/files/{fileId}/signatures`: a detached CMS signature of the file.
    pub async fn add_signature(
        &self,
        docflow: Uuid,
        file: Uuid,
        signature: Bytes,
    ) -> Result<(), Error> {
        if signature.is_empty() {
            return Err(Error::invalid("signature", "the signature is empty"));
        }
        let url = self.url(&format!("/docflows/{docflow}/files/{file}/signatures"));
        self.send(Idempotency::Once, |h| {
            h.post(&url)
                .header(
                    reqwest::header::CONTENT_TYPE,
                    ContentType::Pkcs7Signature.mime(),
                )
                .body(signature.clone())
        })
        .await?;
        Ok(())
    }

    /// `POST /docflows/{id}/files/{fileId}/signatures/{contentId}`: a signature uploaded before
    /// with [`upload_content`](Self::upload_content).
    pub async fn add_signature_from_content(
        &self,
        docflow: Uuid,
        file: Uuid,
        content: Uuid,
    ) -> Result<(), Error> {
        let url = self.url(&format!(
            "/docflows/{docflow}/files/{file}/signatures/{content}"
        ));
        self.send(Idempotency::Once, |h| h.post(&url)).await?;
        Ok(())
    }

    /// `GET /docflows/{id}/files/{fileId}` into `out`, chunk by chunk; answers the byte count.
    pub async fn download_file(
        &self,
        docflow: Uuid,
        file: Uuid,
        out: &mut (impl AsyncWrite + Unpin),
    ) -> Result<u64, Error> {
        let url = self.url(&format!("/docflows/{docflow}/files/{file}"));
        let r = self.send(Idempotency::Idempotent, |h| h.get(&url)).await?;
        stream_to(r, out, self.inner.transport.timeout()).await
    }

    /// `GET /docflows/{id}/files/{fileId}` into memory, refusing more than `limit` bytes (for
    /// statements, which are signed whole).
    pub async fn file_bytes(
        &self,
        docflow: Uuid,
        file: Uuid,
        limit: usize,
    ) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        let url = self.url(&format!("/docflows/{docflow}/files/{file}"));
        let r = self.send(Idempotency::Idempotent, |h| h.get(&url)).await?;
        let mut body = r.bytes_stream();
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| Error::transport(e, self.inner.transport.timeout()))?;
            if out.len() + chunk.len() > limit {
                return Err(Error::Protocol(format!(
                    "file {file} is over {limit} bytes"
                )));
            }
            out.extend_from_slice(&chunk);
        }
        Ok(out)
    }

    /// `POST /contents`: uploads a file for the options (applied documents) or a signature.
    pub async fn upload_content(
        &self,
        content: Bytes,
        content_type: ContentType,
    ) -> Result<ContentPointer, Error> {
        if content.is_empty() {
            return Err(Error::invalid("content", "the content is empty"));
        }
        let url = self.url("/contents");
        let r = self
            .send(Idempotency::Once, |h| {
                h.post(&url)
                    .header(reqwest::header::CONTENT_TYPE, content_type.mime())
                    .body(content.clone())
            })
            .await?;
        decode(r).await
    }

    /// `POST /contents` streaming a file (scans of applied documents can be large): memory holds
    /// one read buffer, not the file.
    pub async fn upload_file(
        &self,
        path: &std::path::Path,
        content_type: ContentType,
    ) -> Result<ContentPointer, Error> {
        let len = tokio::fs::metadata(path).await?.len();
        if len == 0 {
            return Err(Error::invalid(
                "content",
                format!("{} is empty", path.display()),
            ));
        }
        let url = self.url("/contents");
        let r = self
            .send(Idempotency::Once, |h| {
                // Opened afresh for each attempt (a 401 sends it again with a new session).
                let body = match std::fs::File::open(path) {
                    Ok(f) => reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::new(
                        tokio::fs::File::from_std(f),
                    )),
                    Err(e) => reqwest::Body::wrap_stream(futures::stream::once(async move {
                        Err::<Bytes, _>(e)
                    })),
                };
                h.post(&url)
                    .header(reqwest::header::CONTENT_TYPE, content_type.mime())
                    .header(reqwest::header::CONTENT_LENGTH, len)
                    .body(body)
            })
            .await?;
        decode(r).await
    }

    /// `GET /contents/{id}` into `out`, chunk by chunk; answers the byte count.
    pub async fn download_content(
        &self,
        id: Uuid,
        out: &mut (impl AsyncWrite + Unpin),
    ) -> Result<u64, Error> {
        let url = self.url(&format!("/contents/{id}"));
        let r = self.send(Idempotency::Idempotent, |h| h.get(&url)).await?;
        stream_to(r, out, self.inner.transport.timeout()).await
    }

    /// `POST /location/cadastre/suggest`: the objects (and their cadastral numbers) at a
    /// structured address.
    pub async fn suggest_cadastral_numbers(
        &self,
        address: &FiasAddress,
    ) -> Result<Vec<CadastreSuggestion>, Error> {
        address.validate()?;
        let url = self.url("/location/cadastre/suggest");
        let r = self
            .send(Idempotency::Idempotent, |h| h.post(&url).json(address))
            .await?;
        decode(r).await
    }

    /// `GET /news?after=…`: state changes after `after`; without it the feed starts now (no
    /// items, a token to continue from).
    pub async fn news(&self, after: Option<&str>) -> Result<News, Error> {
        let url = self.url("/news");
        let r = self
            .send(Idempotency::Idempotent, |h| match after {
                Some(a) => h.get(&url).query(&[("after", a)]),
                None => h.get(&url),
            })
            .await?;
        decode(r).await
    }
}

/// The response when successful, the error it carries otherwise.
async fn checked(r: reqwest::Response) -> Result<reqwest::Response, Error> {
    if r.status().is_success() {
        Ok(r)
    } else {
        Err(Error::from_response(r).await)
    }
}

async fn decode<T: DeserializeOwned>(r: reqwest::Response) -> Result<T, Error> {
    let bytes = r
        .bytes()
        .await
        .map_err(|e| Error::Protocol(format!("reading the answer: {e}")))?;
    serde_json::from_slice(&bytes).map_err(|e| Error::Protocol(format!("decoding the answer: {e}")))
}

async fn stream_to(
    r: reqwest::Response,
    out: &mut (impl AsyncWrite + Unpin),
    timeout: std::time::Duration,
) -> Result<u64, Error> {
    let mut body = r.bytes_stream();
    let mut written = 0u64;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| Error::transport(e, timeout))?;
        out.write_all(&chunk).await?;
        written += chunk.len() as u64;
    }
    out.flush().await?;
    Ok(written)
}
