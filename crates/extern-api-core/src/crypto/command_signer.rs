//! A signer that runs an external command — e.g. CryptoPro's `cryptcp` for GOST keys, which no
//! Rust crate signs with today.

use std::path::PathBuf;

use super::{SignFuture, Signer};
use crate::Error;

/// Signs by running a command, e.g. CryptoPro's `cryptcp -sign -detached … {input} {output}`.
/// `{input}` is replaced by a file holding the content, `{output}` by the file the command must
/// write the DER signature to.
#[derive(Debug, Clone)]
pub struct CommandSigner {
    program: PathBuf,
    args: Vec<String>,
    certificate: Vec<u8>,
}

impl CommandSigner {
    /// `program` run with `args` (`{input}` and `{output}` replaced); `certificate_der` is the certificate the command signs with.
    pub fn new(program: impl Into<PathBuf>, args: Vec<String>, certificate_der: Vec<u8>) -> Self {
        Self {
            program: program.into(),
            args,
            certificate: certificate_der,
        }
    }
}

impl Signer for CommandSigner {
    fn certificate(&self) -> &[u8] {
        &self.certificate
    }

    fn sign<'a>(&'a self, content: &'a [u8]) -> SignFuture<'a> {
        Box::pin(async move {
            let dir =
                std::env::temp_dir().join(format!("extern-api-sign-{}", uuid::Uuid::new_v4()));
            tokio::fs::create_dir_all(&dir)
                .await
                .map_err(|e| Error::io(&dir, e))?;
            let (input, output) = (dir.join("content.bin"), dir.join("content.sig"));
            let result = async {
                tokio::fs::write(&input, content)
                    .await
                    .map_err(|e| Error::io(&input, e))?;
                let args: Vec<String> = self
                    .args
                    .iter()
                    .map(|a| {
                        a.replace("{input}", &input.to_string_lossy())
                            .replace("{output}", &output.to_string_lossy())
                    })
                    .collect();
                let out = tokio::process::Command::new(&self.program)
                    .args(&args)
                    .output()
                    .await
                    .map_err(|e| {
                        Error::signing_with(format!("cannot run {}", self.program.display()), e)
                    })?;
                if !out.status.success() {
                    let stderr = String::from_utf8_lossy(&out.stderr);
                    return Err(Error::signing(format!(
                        "{} exited with {}: {}",
                        self.program.display(),
                        out.status,
                        stderr.trim()
                    )));
                }
                let sig = tokio::fs::read(&output)
                    .await
                    .map_err(|e| Error::io(&output, e))?;
                if sig.is_empty() {
                    return Err(Error::signing(format!(
                        "{} wrote an empty signature",
                        self.program.display()
                    )));
                }
                Ok(sig)
            }
            .await;
            let _ = tokio::fs::remove_dir_all(&dir).await;
            result
        })
    }
}
