//! The contents service: bytes in, in parts and in any order (`Content-Range: bytes a-b/total`
//! or `/*`), and out, whole or by `Range`. Every part is spooled to its own file as it streams in,
//! so no content is ever held whole in memory, and a failed part never damages stored ones.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;

use crate::http::extract::Path;
use crate::identity::scope::AccountScope;
use crate::state::{Content, PartData};
use axum::Json;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
use uuid::Uuid;

use crate::http::error::{ApiError, ApiResult};
use crate::state::Shared;

/// Most bytes one ranged download returns (the vendor caps a `Range` at 64 MiB).
pub const RANGE_CAP: u64 = 64 * 1024 * 1024;

/// An inclusive byte range of one part, as `Content-Range: bytes a-b/total|*` declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartRange {
    pub first: u64,
    pub last: u64,
    pub total: Option<u64>,
}

/// Parses `bytes a-b/total` or `bytes a-b/*` (also the `bytes=a-b/total` form some examples use).
pub fn parse_content_range(value: &str) -> Result<PartRange, String> {
    let bad = || {
        format!("Content-Range {value:?} is not `bytes first-last/total` or `bytes first-last/*`")
    };
    let rest = value
        .trim()
        .strip_prefix("bytes")
        .ok_or_else(bad)?
        .trim_start_matches([' ', '=']);
    let (range, total) = rest.split_once('/').ok_or_else(bad)?;
    let (first, last) = range.split_once('-').ok_or_else(bad)?;
    let first: u64 = first.trim().parse().map_err(|_| bad())?;
    let last: u64 = last.trim().parse().map_err(|_| bad())?;
    let total = match total.trim() {
        "*" => None,
        t => Some(t.parse::<u64>().map_err(|_| bad())?),
    };
    if last < first {
        return Err(format!(
            "Content-Range {value:?}: the last byte is before the first"
        ));
    }
    // Lengths are `last - first + 1` everywhere: a last byte at u64::MAX cannot have one.
    if last == u64::MAX {
        return Err(format!("Content-Range {value:?}: the part is too large"));
    }
    if let Some(total) = total
        && last >= total
    {
        return Err(format!(
            "Content-Range {value:?}: the part goes beyond the declared total of {total} bytes"
        ));
    }
    Ok(PartRange { first, last, total })
}

fn upload_answer(id: Uuid, complete: bool) -> Response {
    let status = if complete {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    (
        status,
        Json(json!({ "id": id, "content": { "id": id }, "is-completed": complete })),
    )
        .into_response()
}

/// `POST /v1/{accountId}/contents`
pub async fn upload(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path(account_id): Path<Uuid>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let id = Uuid::new_v4();
    let complete = store_part(&shared, account_id, id, &headers, body, true).await?;
    Ok(upload_answer(id, complete))
}

/// `PUT /v1/{accountId}/contents/{contentId}`
pub async fn upload_part(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account_id, id)): Path<(Uuid, Uuid)>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    {
        let store = shared.lock();
        let content = store
            .contents
            .get(&id)
            .filter(|c| c.account_id == account_id)
            .ok_or_else(|| ApiError::not_found("content"))?;
        if content.is_complete() {
            return Err(ApiError::conflict(
                "contentAlreadyComplete",
                "the content is complete; upload a new one",
            ));
        }
    }
    let complete = store_part(&shared, account_id, id, &headers, body, false).await?;
    Ok(upload_answer(id, complete))
}

async fn store_part(
    shared: &Shared,
    account_id: Uuid,
    id: Uuid,
    headers: &HeaderMap,
    body: Body,
    create: bool,
) -> ApiResult<bool> {
    let limit = shared.config.part_limit;
    let range = match headers.get(header::CONTENT_RANGE) {
        Some(v) => {
            let v = v.to_str().map_err(|_| {
                ApiError::bad_request("invalidContentRange", "Content-Range is not text")
            })?;
            Some(
                parse_content_range(v)
                    .map_err(|m| ApiError::bad_request("invalidContentRange", m))?,
            )
        }
        None if !create => {
            return Err(ApiError::bad_request(
                "invalidContentRange",
                "a part needs a Content-Range header",
            ));
        }
        None => None,
    };
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "contentPartTooLarge",
            format!("a part may be at most {limit} bytes"),
        )
    };
    if let Some(r) = range
        && r.last - r.first + 1 > limit
    {
        return Err(too_large());
    }
    let declared_len = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared_len.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    if let Some(r) = range {
        let store = shared.lock();
        if let Some(existing) = store.contents.get(&id) {
            check_fits(existing, r)?;
        }
    }

    // Stream the part into its own file.
    let path = shared.spool_path();
    let written = spool(&path, body, limit).await;
    let written = match written {
        Ok(n) => n,
        Err(e) => {
            let _ = tokio::fs::remove_file(&path).await;
            return Err(match e {
                SpoolError::TooLarge => too_large(),
                SpoolError::Io(m) => ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "contentUploadFailed",
                    format!("the part could not be read: {m}"),
                ),
            });
        }
    };
    let r = match range {
        Some(r) => {
            if written != r.last - r.first + 1 {
                let _ = tokio::fs::remove_file(&path).await;
                return Err(ApiError::bad_request(
                    "invalidContentRange",
                    format!(
                        "Content-Range declares {} bytes but the body has {written}",
                        r.last - r.first + 1
                    ),
                ));
            }
            r
        }
        None => {
            if written == 0 {
                let _ = tokio::fs::remove_file(&path).await;
                return Err(ApiError::bad_request(
                    "emptyContent",
                    "the content is empty",
                ));
            }
            PartRange {
                first: 0,
                last: written - 1,
                total: Some(written),
            }
        }
    };
    let mut store = shared.lock();
    let content = store.contents.entry(id).or_insert_with(|| Content {
        account_id,
        total: None,
        parts: Vec::new(),
    });
    // Checked again under the lock: another part may have arrived meanwhile.
    if let Err(e) = check_fits(content, r) {
        let _ = std::fs::remove_file(&path);
        return Err(e);
    }
    if r.total.is_some() {
        content.total = r.total;
    }
    let part = (r.first, r.last, PartData::File(path));
    match content.parts.binary_search_by_key(&r.first, |p| p.0) {
        Ok(i) => {
            if let (_, _, PartData::File(old)) = std::mem::replace(&mut content.parts[i], part) {
                let _ = std::fs::remove_file(old);
            }
        }
        Err(i) => content.parts.insert(i, part),
    }
    Ok(content.is_complete())
}

/// A part must agree with the declared total and must not overlap another part (the same range
/// again is a retry and replaces it).
fn check_fits(content: &Content, r: PartRange) -> ApiResult<()> {
    if let (Some(known), Some(total)) = (content.total, r.total)
        && known != total
    {
        return Err(ApiError::bad_request(
            "invalidContentRange",
            format!("the content's total is {known} bytes, not {total}"),
        ));
    }
    if let Some(total) = content.total.or(r.total)
        && r.last >= total
    {
        return Err(ApiError::bad_request(
            "invalidContentRange",
            format!("the part goes beyond the declared total of {total} bytes"),
        ));
    }
    for &(start, end, _) in &content.parts {
        let same = start == r.first && end == r.last;
        if !same && start <= r.last && r.first <= end {
            return Err(ApiError::bad_request(
                "invalidContentRange",
                format!(
                    "bytes {}-{} overlap the stored part {start}-{end}",
                    r.first, r.last
                ),
            ));
        }
    }
    Ok(())
}

enum SpoolError {
    TooLarge,
    Io(String),
}

async fn spool(path: &std::path::Path, body: Body, limit: u64) -> Result<u64, SpoolError> {
    let mut file = tokio::fs::File::create(path)
        .await
        .map_err(|e| SpoolError::Io(e.to_string()))?;
    let mut stream = body.into_data_stream();
    let mut written = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| SpoolError::Io(e.to_string()))?;
        written += chunk.len() as u64;
        if written > limit {
            return Err(SpoolError::TooLarge);
        }
        file.write_all(&chunk)
            .await
            .map_err(|e| SpoolError::Io(e.to_string()))?;
    }
    file.flush()
        .await
        .map_err(|e| SpoolError::Io(e.to_string()))?;
    Ok(written)
}

/// The most the deprecated content getters return on the test site: "Максимальный размер
/// возвращаемого контента 32 МБ для тестовой и 64 МБ для рабочей площадки"
/// (docs/dc/методы API для ДО.rst, GET EncryptedDocumentContent / DecryptedDocumentContent).
pub(crate) const MAX_DEPRECATED_CONTENT: u64 = 32 * 1024 * 1024;

/// A content's bytes for the deprecated base64 getters: 404 when there is none, 400
/// `contentTooLarge` over [`MAX_DEPRECATED_CONTENT`] (our assumption of the refusal).
pub(crate) fn deprecated_bytes(
    shared: &Shared,
    store: &crate::state::Store,
    id: Uuid,
) -> ApiResult<Vec<u8>> {
    let c = shared
        .content(store, id)
        .ok_or_else(|| ApiError::not_found("content"))?;
    if c.total.unwrap_or(0) > MAX_DEPRECATED_CONTENT {
        return Err(ApiError::bad_request(
            "contentTooLarge",
            "the content exceeds 32 MB: download it from the contents service",
        ));
    }
    c.head(MAX_DEPRECATED_CONTENT as usize)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))
}

/// `GET /v1/{accountId}/contents/{contentId}`, whole (200) or one `Range` (206).
pub async fn download(
    State(shared): State<Arc<Shared>>,
    _: AccountScope,
    Path((account_id, id)): Path<(Uuid, Uuid)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let content = {
        let mut store = shared.lock();
        if !store.contents.contains_key(&id) {
            shared.make_zip_variant(&mut store, id);
        }
        shared
            .content(&store, id)
            .filter(|c| c.account_id == account_id)
            .map(std::borrow::Cow::into_owned)
            .ok_or_else(|| ApiError::not_found("content"))?
    };
    if !content.is_complete() {
        return Err(ApiError::conflict(
            "contentIsNotComplete",
            "the content has missing parts",
        ));
    }
    let total = content.total.unwrap_or(0);
    let range = match headers.get(header::RANGE).and_then(|v| v.to_str().ok()) {
        None => None,
        Some(v) => Some(parse_range(v, total)?),
    };
    let (first, last) = range.unwrap_or((0, total.saturating_sub(1)));
    let len = if total == 0 { 0 } else { last - first + 1 };
    let stream = stream_range(content, first, len);
    let mut response = Response::new(Body::from_stream(stream));
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if range.is_some() {
        let cr = format!("bytes {first}-{last}/{total}");
        h.insert(
            header::CONTENT_RANGE,
            HeaderValue::from_str(&cr).expect("ascii"),
        );
        *response.status_mut() = StatusCode::PARTIAL_CONTENT;
    }
    Ok(response)
}

/// `bytes=a-b`, `bytes=a-` or `bytes=-n`, capped at [`RANGE_CAP`] bytes.
pub(crate) fn parse_range(value: &str, total: u64) -> ApiResult<(u64, u64)> {
    let unsatisfiable = || {
        ApiError::new(
            StatusCode::RANGE_NOT_SATISFIABLE,
            "invalidRange",
            format!("Range {value:?} does not fit a content of {total} bytes"),
        )
    };
    let spec = value
        .trim()
        .strip_prefix("bytes")
        .map(|s| s.trim_start_matches([' ', '=']))
        .ok_or_else(unsatisfiable)?;
    let (a, b) = spec.split_once('-').ok_or_else(unsatisfiable)?;
    let (first, last) = match (a.trim(), b.trim().split('/').next().unwrap_or("")) {
        ("", n) => {
            let n: u64 = n.parse().map_err(|_| unsatisfiable())?;
            (total.saturating_sub(n), total.saturating_sub(1))
        }
        (a, "") => (
            a.parse().map_err(|_| unsatisfiable())?,
            total.saturating_sub(1),
        ),
        (a, b) => (
            a.parse().map_err(|_| unsatisfiable())?,
            b.parse::<u64>()
                .map_err(|_| unsatisfiable())?
                .min(total.saturating_sub(1)),
        ),
    };
    if total == 0 || first > last || first >= total {
        return Err(unsatisfiable());
    }
    Ok((first, last.min(first.saturating_add(RANGE_CAP - 1))))
}

/// The bytes `first..first+len` of a content, read part by part in 64 KiB chunks.
fn stream_range(
    content: Content,
    first: u64,
    len: u64,
) -> impl futures::Stream<Item = std::io::Result<bytes::Bytes>> + Send {
    let end = first + len; // exclusive
    let pieces: Vec<(PartData, u64, u64)> = content
        .parts
        .iter()
        .filter_map(|&(start, last, ref data)| {
            let stop = last + 1;
            let from = first.max(start);
            let to = end.min(stop);
            (from < to).then(|| (data.clone(), from - start, to - from))
        })
        .collect();
    futures::stream::iter(pieces)
        .then(|(data, offset, n)| async move {
            match data {
                PartData::Memory(bytes) => {
                    let piece = bytes.slice(offset as usize..(offset + n) as usize);
                    Ok::<_, std::io::Error>(futures::stream::once(async move { Ok(piece) }).boxed())
                }
                PartData::File(path) => {
                    let mut file = tokio::fs::File::open(path).await?;
                    file.seek(std::io::SeekFrom::Start(offset)).await?;
                    Ok(
                        tokio_util::io::ReaderStream::with_capacity(file.take(n), 64 * 1024)
                            .boxed(),
                    )
                }
            }
        })
        .flat_map(|r| match r {
            Ok(s) => s,
            Err(e) => futures::stream::once(async move { Err(e) }).boxed(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_ranges() {
        assert_eq!(
            parse_content_range("bytes 0-936/937"),
            Ok(PartRange {
                first: 0,
                last: 936,
                total: Some(937)
            })
        );
        assert_eq!(
            parse_content_range("bytes 10-19/*"),
            Ok(PartRange {
                first: 10,
                last: 19,
                total: None
            })
        );
        assert_eq!(parse_content_range("bytes=0-20/100").unwrap().last, 20);
        assert!(
            parse_content_range("bytes 0-100/100")
                .unwrap_err()
                .contains("beyond the declared total")
        );
        assert!(parse_content_range("bytes 5-1/10").is_err());
        assert!(parse_content_range("items 0-1/2").is_err());
    }

    #[test]
    fn ranges_are_inclusive_and_capped() {
        assert_eq!(parse_range("bytes=0-9", 100).unwrap(), (0, 9));
        assert_eq!(parse_range("bytes=90-", 100).unwrap(), (90, 99));
        assert_eq!(parse_range("bytes=-10", 100).unwrap(), (90, 99));
        assert_eq!(parse_range("bytes=0-500", 100).unwrap(), (0, 99));
        assert!(parse_range("bytes=100-", 100).is_err());
        assert_eq!(
            parse_range("bytes=0-", RANGE_CAP * 3).unwrap(),
            (0, RANGE_CAP - 1)
        );
    }
}
