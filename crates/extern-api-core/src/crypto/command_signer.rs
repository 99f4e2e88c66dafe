//! A signer that runs an external command — CryptoPro's `cryptcp` for a key in a CryptoPro
//! container, or `openssl cms`.

use std::path::Path;

use super::command::{Command, openssl_cms_args};
use super::{SignFuture, Signer};

/// Signs by running a command, e.g. CryptoPro's `cryptcp -sign -detached … {input} {output}`.
/// `{input}` is replaced by a file holding the content, `{output}` by the file the command must
/// write the DER signature to. [`cryptcp`](Self::cryptcp) and [`openssl_cms`](Self::openssl_cms)
/// are ready presets.
#[derive(Debug, Clone)]
pub struct CommandSigner {
    command: Command,
    certificate: Vec<u8>,
}

impl CommandSigner {
    /// `program` run with `args` (`{input}` and `{output}` replaced); `certificate_der` is the certificate the command signs with.
    pub fn new(
        program: impl Into<std::path::PathBuf>,
        args: Vec<String>,
        certificate_der: Vec<u8>,
    ) -> Self {
        Self {
            command: Command::new(program, args),
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
        let mut args = openssl_cms_args("-sign", "-signer", certificate_pem, key_pem);
        args.extend(["-outform", "DER", "-out", "{output}"].map(String::from));
        Self::new("openssl", args, certificate_der)
    }

    /// The command runs with this environment variable set too.
    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.command.env.push((key.into(), value.into()));
        self
    }

    /// The program and its arguments, as they are run (`{input}` and `{output}` unreplaced).
    pub fn command_line(&self) -> (&Path, &[String]) {
        (&self.command.program, &self.command.args)
    }
}

impl Signer for CommandSigner {
    fn certificate(&self) -> &[u8] {
        &self.certificate
    }

    fn sign<'a>(&'a self, content: &'a [u8]) -> SignFuture<'a> {
        Box::pin(self.command.run(content, "signature"))
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
