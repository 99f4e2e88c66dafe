//! A decryptor that runs an external command — CryptoPro's `cryptcp` for a key in a CryptoPro
//! container, or `openssl cms`.

use std::path::Path;

use super::command::{Command, openssl_cms_args};
use super::{DecryptFuture, Decryptor};

/// Decrypts by running a command: `{input}` is replaced by a file holding the CMS EnvelopedData
/// (DER), `{output}` by the file the command must write the plain content to.
/// [`cryptcp`](Self::cryptcp) and [`openssl_cms`](Self::openssl_cms) are ready presets.
#[derive(Debug, Clone)]
pub struct CommandDecryptor {
    command: Command,
    certificate: Vec<u8>,
}

impl CommandDecryptor {
    /// `program` run with `args` (`{input}` and `{output}` replaced); `certificate_der` is the
    /// certificate whose key the command decrypts with.
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

    /// CryptoPro CSP's `cryptcp -decr`, with the key of the certificate of this SHA-1
    /// `thumbprint` from the user's store.
    pub fn cryptcp(thumbprint: &str, certificate_der: Vec<u8>) -> Self {
        let args = ["-decr", "-thumbprint", thumbprint, "-der"]
            .into_iter()
            .chain(["{input}", "{output}"])
            .map(String::from)
            .collect();
        Self::new("/opt/cprocsp/bin/amd64/cryptcp", args, certificate_der)
    }

    /// `openssl cms -decrypt`, with a certificate and a key in PEM files. For a GOST key, point
    /// `OPENSSL_CONF` ([`env`](Self::env)) at a configuration that loads the gost engine.
    pub fn openssl_cms(certificate_pem: &Path, key_pem: &Path, certificate_der: Vec<u8>) -> Self {
        let mut args = openssl_cms_args("-decrypt", "-recip", certificate_pem, key_pem);
        args.extend(["-inform", "DER", "-out", "{output}"].map(String::from));
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

impl Decryptor for CommandDecryptor {
    fn certificate(&self) -> &[u8] {
        &self.certificate
    }

    fn decrypt<'a>(&'a self, enveloped: &'a [u8]) -> DecryptFuture<'a> {
        Box::pin(self.command.run(enveloped, "decrypted content"))
    }
}

#[cfg(test)]
mod tests {
    use super::CommandDecryptor;

    #[test]
    fn the_presets_decrypt_der_envelopes() {
        let cryptcp = CommandDecryptor::cryptcp("0123456789ABCDEF0123456789ABCDEF01234567", vec![]);
        assert_eq!(
            cryptcp.command_line().1.join(" "),
            "-decr -thumbprint 0123456789ABCDEF0123456789ABCDEF01234567 -der {input} {output}"
        );
        let openssl = CommandDecryptor::openssl_cms(
            std::path::Path::new("cert.pem"),
            std::path::Path::new("key.pem"),
            vec![],
        );
        assert_eq!(
            openssl.command_line().1.join(" "),
            "cms -decrypt -binary -in {input} -recip cert.pem -inkey key.pem -inform DER -out {output}"
        );
    }
}
