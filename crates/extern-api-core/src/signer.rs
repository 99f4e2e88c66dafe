//! Signing: the [`Signer`] trait (a detached CMS signature over bytes, and the certificate it
//! is made with), a software signer for PKCS#8 keys (ECDSA P-256, RSA) and an external-command
//! signer for GOST keys, which no Rust crate can sign with today (e.g. CryptoPro's `cryptcp`).

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::signed_data::{EncapsulatedContentInfo, SignerIdentifier};
use der::{Decode, Encode};
use pkcs8::DecodePrivateKey;
use sha2::Digest;

use crate::error::Error;

/// A signature being made.
pub type SignFuture<'a> = Pin<Box<dyn Future<Output = Result<Vec<u8>, Error>> + Send + 'a>>;

/// Makes detached CMS signatures with one certificate.
pub trait Signer: Send + Sync {
    /// The signer's certificate (DER).
    fn certificate(&self) -> &[u8];
    /// A detached CMS SignedData over exactly `content`.
    fn sign<'a>(&'a self, content: &'a [u8]) -> SignFuture<'a>;
    /// A signer whose key the service holds (cloud/DSS) signs drafts and replies on the server
    /// instead; workflows ask it through this.
    fn remote(&self) -> Option<&dyn RemoteSigner> {
        None
    }
}

/// An operation on the server that ends when the holder has confirmed it.
pub type RemoteFuture<'a> = Pin<Box<dyn Future<Output = Result<(), Error>> + Send + 'a>>;

/// Signing on the server with a cloud certificate (see the extern-api-dss crate).
pub trait RemoteSigner: Send + Sync {
    /// Signs every document of a draft.
    fn sign_draft<'a>(
        &'a self,
        client: &'a crate::ExternClient,
        account: uuid::Uuid,
        draft: uuid::Uuid,
    ) -> RemoteFuture<'a>;
    /// Signs a generated reply.
    fn sign_reply<'a>(
        &'a self,
        client: &'a crate::ExternClient,
        account: uuid::Uuid,
        docflow: uuid::Uuid,
        document: uuid::Uuid,
        reply: uuid::Uuid,
    ) -> RemoteFuture<'a>;
}

enum Key {
    Ecdsa(p256::ecdsa::SigningKey),
    Rsa(Box<rsa::pkcs1v15::SigningKey<sha2::Sha256>>),
}

/// Signs with a private key held in memory (PKCS#8 PEM; ECDSA P-256 or RSA) and SHA-256.
pub struct SoftwareSigner {
    key: Key,
    certificate: Vec<u8>,
    parsed: x509_cert::Certificate,
}

impl std::fmt::Debug for SoftwareSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.key {
            Key::Ecdsa(_) => "ECDSA P-256",
            Key::Rsa(_) => "RSA",
        };
        f.debug_struct("SoftwareSigner")
            .field("key", &kind)
            .field("subject", &self.parsed.tbs_certificate.subject.to_string())
            .finish()
    }
}

impl SoftwareSigner {
    /// A key in PKCS#8 PEM and its certificate in DER.
    pub fn from_pem(private_key_pem: &str, certificate_der: Vec<u8>) -> Result<Self, Error> {
        let parsed = x509_cert::Certificate::from_der(&certificate_der)
            .map_err(|e| Error::Signing(format!("the certificate is not X.509 DER: {e}")))?;
        let key = if let Ok(k) = p256::ecdsa::SigningKey::from_pkcs8_pem(private_key_pem) {
            Key::Ecdsa(k)
        } else if let Ok(k) = rsa::RsaPrivateKey::from_pkcs8_pem(private_key_pem) {
            Key::Rsa(Box::new(rsa::pkcs1v15::SigningKey::new(k)))
        } else {
            return Err(Error::Signing(
                "the private key is not a PKCS#8 PEM ECDSA P-256 or RSA key".into(),
            ));
        };
        Ok(Self {
            key,
            certificate: certificate_der,
            parsed,
        })
    }

    fn sign_now(&self, content: &[u8]) -> Result<Vec<u8>, Error> {
        let fail = |what: &str| Error::Signing(what.to_string());
        let digest = sha2::Sha256::digest(content);
        let eci = EncapsulatedContentInfo {
            econtent_type: const_oid::db::rfc5911::ID_DATA,
            econtent: None,
        };
        let alg = spki::AlgorithmIdentifierOwned {
            oid: const_oid::db::rfc5912::ID_SHA_256,
            parameters: None,
        };
        let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: self.parsed.tbs_certificate.issuer.clone(),
            serial_number: self.parsed.tbs_certificate.serial_number.clone(),
        });
        let mut builder = cms::builder::SignedDataBuilder::new(&eci);
        builder
            .add_digest_algorithm(alg.clone())
            .map_err(|_| fail("digest algorithm"))?;
        builder
            .add_certificate(CertificateChoices::Certificate(self.parsed.clone()))
            .map_err(|_| fail("certificate"))?;
        match &self.key {
            Key::Ecdsa(key) => {
                let info = cms::builder::SignerInfoBuilder::new(key, sid, alg, &eci, Some(&digest))
                    .map_err(|_| fail("signer info"))?;
                builder
                    .add_signer_info::<p256::ecdsa::SigningKey, p256::ecdsa::DerSignature>(info)
                    .map_err(|_| fail("ECDSA signature"))?;
            }
            Key::Rsa(key) => {
                let info = cms::builder::SignerInfoBuilder::new(
                    key.as_ref(),
                    sid,
                    alg,
                    &eci,
                    Some(&digest),
                )
                .map_err(|_| fail("signer info"))?;
                builder.add_signer_info::<rsa::pkcs1v15::SigningKey<sha2::Sha256>, rsa::pkcs1v15::Signature>(info).map_err(|_| fail("RSA signature"))?;
            }
        }
        let info = builder
            .build()
            .map_err(|e| Error::Signing(format!("building the signature: {e}")))?;
        info.to_der()
            .map_err(|e| Error::Signing(format!("encoding the signature: {e}")))
    }
}

impl Signer for SoftwareSigner {
    fn certificate(&self) -> &[u8] {
        &self.certificate
    }

    fn sign<'a>(&'a self, content: &'a [u8]) -> SignFuture<'a> {
        Box::pin(async move { self.sign_now(content) })
    }
}

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
                        Error::Signing(format!("cannot run {}: {e}", self.program.display()))
                    })?;
                if !out.status.success() {
                    let stderr = String::from_utf8_lossy(&out.stderr);
                    return Err(Error::Signing(format!(
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
                    return Err(Error::Signing(format!(
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
