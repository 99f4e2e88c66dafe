//! A signer that runs an external command — e.g. CryptoPro's `cryptcp` for GOST keys, which no
//! Rust crate signs with today.

use std::path::{Path, PathBuf};

use super::{SignFuture, Signer};
use crate::Error;

/// Signs by running a command, e.g. CryptoPro's `cryptcp -sign -detached … {input} {output}`.
/// `{input}` is replaced by a file holding the content, `{output}` by the file the command must
/// write the DER signature to. [`cryptcp`](Self::cryptcp) and [`openssl_cms`](Self::openssl_cms)
/// are ready presets.
#[derive(Debug, Clone)]
pub struct CommandSigner {
    program: PathBuf,
    args: Vec<String>,
    env: Vec<(String, String)>,
    certificate: Vec<u8>,
}

impl CommandSigner {
    /// `program` run with `args` (`{input}` and `{output}` replaced); `certificate_der` is the certificate the command signs with.
    pub fn new(program: impl Into<PathBuf>, args: Vec<String>, certificate_der: Vec<u8>) -> Self {
        Self {
            program: program.into(),
            args,
            env: Vec::new(),
            certificate: certificate_der,
        }
    }

    /// CryptoPro CSP's `cryptcp`, signing with the certificate of this SHA-1 `thumbprint` from
    /// the user's store (its key in a CryptoPro container): a detached signature in DER, the
    /// digest the key's (GOST R 34.11-2012).
    pub fn cryptcp(thumbprint: &str, certificate_der: Vec<u8>) -> Self {
        let args = ["-sign", "-thumbprint", thumbprint, "-detached", "-der"]
            .into_iter()
            .chain(["{input}", "{output}"])
            .map(String::from)
            .collect();
        Self::new("/opt/cprocsp/bin/amd64/cryptcp", args, certificate_der)
    }

    /// `openssl cms -sign`, with a certificate and a key in PEM files: a detached signature in
    /// DER. For a GOST key, point `OPENSSL_CONF` ([`env`](Self::env)) at a configuration that
    /// loads the gost engine.
    pub fn openssl_cms(certificate_pem: &Path, key_pem: &Path, certificate_der: Vec<u8>) -> Self {
        let args = ["cms", "-sign", "-binary", "-in", "{input}", "-signer"]
            .into_iter()
            .map(String::from)
            .chain([
                certificate_pem.to_string_lossy().into_owned(),
                "-inkey".into(),
            ])
            .chain([key_pem.to_string_lossy().into_owned()])
            .chain(["-outform", "DER", "-out", "{output}"].map(String::from))
            .collect();
        Self::new("openssl", args, certificate_der)
    }

    /// The command runs with this environment variable set too.
    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// The program and its arguments, as they are run (`{input}` and `{output}` unreplaced).
    pub fn command_line(&self) -> (&Path, &[String]) {
        (&self.program, &self.args)
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
                    .envs(self.env.iter().map(|(k, v)| (k, v)))
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

#[cfg(test)]
mod tests {
    use super::CommandSigner;

    #[test]
    fn the_cryptcp_preset_asks_a_detached_der_signature_by_thumbprint() {
        let signer = CommandSigner::cryptcp("0123456789ABCDEF0123456789ABCDEF01234567", vec![]);
        let (program, args) = signer.command_line();
        assert!(program.ends_with("cryptcp"));
        assert_eq!(
            args.join(" "),
            "-sign -thumbprint 0123456789ABCDEF0123456789ABCDEF01234567 -detached -der {input} {output}"
        );
    }

    #[test]
    fn the_openssl_preset_signs_detached_in_der() {
        let signer = CommandSigner::openssl_cms(
            std::path::Path::new("cert.pem"),
            std::path::Path::new("key.pem"),
            vec![],
        );
        let (program, args) = signer.command_line();
        assert_eq!(program, std::path::Path::new("openssl"));
        assert_eq!(
            args.join(" "),
            "cms -sign -binary -in {input} -signer cert.pem -inkey key.pem -outform DER -out {output}"
        );
    }
}
