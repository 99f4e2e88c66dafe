//! [`Decryptor`]: opens CMS EnvelopedData addressed to one certificate, and decides how a
//! docflow's encrypted documents are opened with it. GOST keys decrypt outside Rust (CryptoPro)
//! or in the vendor's cloud (DSS).

use uuid::Uuid;

use super::CryptoFuture;
use crate::api::TransferOptions;
use crate::{Error, ExternClient};

/// The largest encrypted document decrypted in memory (demands are small XML/PDF files).
const MAX_SEALED: u64 = 64 << 20;

/// A decryption in progress.
pub type DecryptFuture<'a> = CryptoFuture<'a, Vec<u8>>;

/// Opens CMS EnvelopedData encrypted to one certificate.
pub trait Decryptor: Send + Sync + std::fmt::Debug {
    /// The certificate (DER) whose key this decryptor holds.
    fn certificate(&self) -> &[u8];
    /// The plain content of a DER `ContentInfo` holding `EnvelopedData`.
    fn decrypt<'a>(&'a self, enveloped: &'a [u8]) -> DecryptFuture<'a>;
    /// Opens an encrypted content of the account: downloads it (at most 64 MiB), decrypts it
    /// and unzips it. `None` when this decryptor opens documents only on the service
    /// ([`decrypt_docflow_document`](Self::decrypt_docflow_document)).
    fn open_content<'a>(
        &'a self,
        client: &'a ExternClient,
        account: Uuid,
        sealed: Uuid,
    ) -> CryptoFuture<'a, Option<Vec<u8>>> {
        Box::pin(async move {
            let mut bytes = Vec::new();
            let size = client
                .account(account)
                .contents()
                .download(
                    sealed,
                    Capped {
                        out: &mut bytes,
                        left: MAX_SEALED,
                    },
                    &TransferOptions::default(),
                )
                .await?;
            tracing::debug!(%sealed, size, "encrypted document downloaded");
            let opened = self.decrypt(&bytes).await?;
            // Documents are zipped (or, in older material, gzipped) before encryption.
            crate::api::compression::unpack(opened, MAX_SEALED * 16).map(Some)
        })
    }

    /// Decrypts a docflow's document (its encrypted content `sealed`) and stores the plain
    /// content on the docflow. Locally: opened here, uploaded, and saved as decrypted.
    fn decrypt_docflow_document<'a>(
        &'a self,
        client: &'a ExternClient,
        account: Uuid,
        docflow: Uuid,
        document: Uuid,
        sealed: Uuid,
    ) -> CryptoFuture<'a, ()> {
        Box::pin(async move {
            let plain = self
                .open_content(client, account, sealed)
                .await
                .map_err(|e| match e {
                    Error::Signing { message, source } => Error::Signing {
                        message: format!("document {document}: {message}"),
                        source,
                    },
                    other => other,
                })?
                .ok_or_else(|| {
                    Error::signing(format!("document {document}: this decryptor opens nothing"))
                })?;
            let content = client
                .account(account)
                .contents()
                .upload_bytes(&plain)
                .await?;
            client
                .account(account)
                .docflows()
                .save_decrypted_content(docflow, document, content)
                .await
        })
    }
}

/// A writer that refuses to grow past a limit.
struct Capped<'a> {
    out: &'a mut Vec<u8>,
    left: u64,
}

impl tokio::io::AsyncWrite for Capped<'_> {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        if buf.len() as u64 > self.left {
            return std::task::Poll::Ready(Err(std::io::Error::other(format!(
                "the encrypted document is larger than {MAX_SEALED} bytes"
            ))));
        }
        self.left -= buf.len() as u64;
        self.out.extend_from_slice(buf);
        std::task::Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
}
