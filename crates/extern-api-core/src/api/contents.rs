//! Moving bytes through the contents service: uploads from any `AsyncRead` in parts, downloads
//! streamed to any `AsyncWrite` by 64 MiB ranges, continued where a body broke off. Memory stays
//! bounded by the part size whatever the file size.

use std::sync::Arc;

use extern_api_raw::prelude::*;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use uuid::Uuid;

use crate::{Error, ExternClient, Idempotency};

/// The vendor's largest part.
pub const MAX_PART: usize = 64 * 1024 * 1024;

/// Called with (bytes done, total if known) after each part.
pub type ProgressFn = Arc<dyn Fn(u64, Option<u64>) + Send + Sync>;

/// Transfer settings.
#[derive(Clone)]
pub struct TransferOptions {
    /// Bytes per upload request, and between two progress calls of a download (1 KiB ..=
    /// 64 MiB; default 8 MiB). Memory holds one upload part; downloads stream.
    pub part_size: usize,
    /// Called with (bytes done, total if known) after each part.
    pub progress: Option<ProgressFn>,
}

impl std::fmt::Debug for TransferOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransferOptions")
            .field("part_size", &self.part_size)
            .finish_non_exhaustive()
    }
}

impl Default for TransferOptions {
    fn default() -> Self {
        Self {
            part_size: 8 * 1024 * 1024,
            progress: None,
        }
    }
}

impl TransferOptions {
    fn part(&self) -> Result<usize, Error> {
        if (1024..=MAX_PART).contains(&self.part_size) {
            Ok(self.part_size)
        } else {
            Err(crate::model::validate::InvalidInput::new(
                "part_size",
                format!("{} bytes: a part must be 1 KiB to 64 MiB", self.part_size),
            )
            .into())
        }
    }
}

/// Reads up to `size` bytes into a buffer of exactly that capacity (no doubling growth).
async fn fill(reader: &mut (impl AsyncRead + Unpin), size: usize) -> Result<Vec<u8>, Error> {
    let mut buf = vec![0u8; size];
    let mut filled = 0;
    while filled < size {
        let n = reader
            .read(&mut buf[filled..])
            .await
            .map_err(|e| Error::io("upload source", e))?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    buf.truncate(filled);
    Ok(buf)
}

/// The contents service of one account: `client.account(id).contents()`.
#[derive(Debug, Clone, Copy)]
pub struct Contents<'a> {
    client: &'a ExternClient,
    account: Uuid,
}

impl<'a> Contents<'a> {
    pub(crate) fn new(client: &'a ExternClient, account: Uuid) -> Self {
        Self { client, account }
    }

    /// Uploads everything `reader` yields and answers the content id. Holds at most two parts in
    /// memory (the one being sent and the next, read ahead to know which part is the last).
    pub async fn upload(
        &self,
        mut reader: impl AsyncRead + Unpin,
        options: &TransferOptions,
    ) -> Result<Uuid, Error> {
        let (client, account_id) = (self.client, self.account);
        let part = options.part()?;
        // The part being sent is shared (`Bytes`), so a retry does not copy it.
        let mut current = bytes::Bytes::from(fill(&mut reader, part).await?);
        if current.is_empty() {
            return Err(
                crate::model::validate::InvalidInput::new("content", "the file is empty").into(),
            );
        }
        let mut next = fill(&mut reader, part).await?;
        let mut offset = 0u64;
        let mut id: Option<Uuid> = None;
        loop {
            let last = next.is_empty();
            let end = offset + current.len() as u64 - 1;
            let total = if last {
                (end + 1).to_string()
            } else {
                "*".to_string()
            };
            let range = format!("bytes {offset}-{end}/{total}");
            let body = std::mem::take(&mut current);
            let answer = match id {
                // Starting again after a lost answer at worst leaves an unused content behind
                // (the service drops them after 90 days); nothing is filed, so it is repeated.
                None => {
                    let range = &range;
                    let body = &body;
                    client
                        .call(Idempotency::Idempotent, move |c| async move {
                            c.contents_upload()
                                .account_id(account_id)
                                .content_range(range.clone())
                                .body(body.clone())
                                .send()
                                .await
                        })
                        .await?
                }
                // Re-sending the same range replaces it, so parts are safe to repeat.
                Some(id) => {
                    let range = &range;
                    let body = &body;
                    client
                        .call(Idempotency::Idempotent, move |c| async move {
                            c.contents_upload_part()
                                .account_id(account_id)
                                .content_id(id)
                                .content_range(range.clone())
                                .body(body.clone())
                                .send()
                                .await
                        })
                        .await?
                }
            };
            let answered = answer.into_inner();
            let got = answered
                .id
                .or(answered.content.map(|c| c.id))
                .or(id)
                .ok_or_else(|| Error::protocol("the upload answer has no content id"))?;
            id = Some(got);
            offset = end + 1;
            if let Some(p) = &options.progress {
                p(offset, last.then_some(offset));
            }
            if last {
                return Ok(got);
            }
            current = bytes::Bytes::from(std::mem::take(&mut next));
            next = fill(&mut reader, part).await?;
        }
    }

    /// Uploads a file in parts.
    pub async fn upload_file(
        &self,
        path: impl AsRef<std::path::Path>,
        options: &TransferOptions,
    ) -> Result<Uuid, Error> {
        let path = path.as_ref();
        let file = tokio::fs::File::open(path)
            .await
            .map_err(|e| Error::io(path, e))?;
        self.upload(tokio::io::BufReader::new(file), options).await
    }

    /// Downloads a content into a file, written under a temporary name and renamed when
    /// complete, so a failed download never leaves a truncated file under the real name.
    pub async fn download_file(
        &self,
        content_id: Uuid,
        path: impl AsRef<std::path::Path>,
        options: &TransferOptions,
    ) -> Result<u64, Error> {
        let path = path.as_ref();
        let partial = kontur_transport::part_path(path);
        let file = tokio::fs::File::create(&partial)
            .await
            .map_err(|e| Error::io(&partial, e))?;
        let mut writer = tokio::io::BufWriter::new(file);
        let result = self.download(content_id, &mut writer, options).await;
        match result {
            Ok(n) => {
                writer
                    .into_inner()
                    .sync_all()
                    .await
                    .map_err(|e| Error::io(&partial, e))?;
                tokio::fs::rename(&partial, path)
                    .await
                    .map_err(|e| Error::io(path, e))?;
                Ok(n)
            }
            Err(e) => {
                let _ = tokio::fs::remove_file(&partial).await;
                Err(e)
            }
        }
    }

    /// Uploads bytes already in memory.
    pub async fn upload_bytes(&self, bytes: &[u8]) -> Result<Uuid, Error> {
        self.upload(
            bytes,
            &TransferOptions {
                part_size: MAX_PART,
                progress: None,
            },
        )
        .await
    }

    /// Writes a content to `writer` and answers its size. Bytes stream through (memory does
    /// not grow with the range), so each request asks for the largest range the vendor serves
    /// (64 MiB); progress is reported every `part_size` bytes. A body that breaks off is
    /// continued from where it stopped (up to [`RESUMES`] times in a row without progress).
    pub async fn download(
        &self,
        content_id: Uuid,
        mut writer: impl AsyncWrite + Unpin,
        options: &TransferOptions,
    ) -> Result<u64, Error> {
        use futures::StreamExt;
        let (client, account_id) = (self.client, self.account);
        let step = options.part()? as u64;
        let mut offset = 0u64;
        let mut reported = 0u64;
        let mut total: Option<u64> = None;
        let mut failures = 0u32;
        loop {
            let range = format!("bytes={offset}-{}", offset + MAX_PART as u64 - 1);
            let range = &range;
            let response = client
                .call(Idempotency::Idempotent, move |c| async move {
                    c.contents_download()
                        .account_id(account_id)
                        .content_id(content_id)
                        .range(range.clone())
                        .send()
                        .await
                })
                .await?;
            let whole = response.status().as_u16() == 200;
            if total.is_none() {
                total = response
                    .headers()
                    .get(reqwest::header::CONTENT_RANGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.rsplit('/').next())
                    .and_then(|t| t.parse().ok())
                    .or_else(|| whole.then(|| response.content_length()).flatten());
            }
            // A server that ignores `Range` answers from the start: skip what is written.
            let mut skip = if whole { offset } else { 0 };
            let mut stream = response.into_inner().into_inner();
            let mut got = 0u64;
            let mut broken = None;
            while let Some(chunk) = stream.next().await {
                let mut chunk = match chunk {
                    Ok(c) => c,
                    Err(e) => {
                        broken = Some(e);
                        break;
                    }
                };
                let dropped = skip.min(chunk.len() as u64);
                skip -= dropped;
                let chunk = chunk.split_off(dropped as usize);
                writer
                    .write_all(&chunk)
                    .await
                    .map_err(|e| Error::io("download target", e))?;
                got += chunk.len() as u64;
                if let Some(p) = &options.progress
                    && offset + got - reported >= step
                {
                    reported = offset + got;
                    p(reported, total);
                }
            }
            offset += got;
            if let Some(e) = broken {
                failures = if got > 0 { 1 } else { failures + 1 };
                if failures > RESUMES {
                    return Err(Error::transport("the download broke off", e));
                }
                tracing::debug!(error = %format!("{e:#}"), offset, "download broke off: continuing");
                tokio::time::sleep(std::time::Duration::from_millis(50 << failures)).await;
                continue;
            }
            if (whole && skip == 0) || got == 0 || total.is_none_or(|t| offset >= t) {
                writer
                    .flush()
                    .await
                    .map_err(|e| Error::io("download target", e))?;
                if let Some(p) = &options.progress
                    && reported < offset
                {
                    p(offset, total);
                }
                return Ok(offset);
            }
        }
    }
}

/// Broken-off download bodies continued in a row without any byte arriving in between.
pub const RESUMES: u32 = 4;
