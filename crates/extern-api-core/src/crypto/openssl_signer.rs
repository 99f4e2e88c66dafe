//! [`OpensslSigner`]: detached CMS signatures made by the system's OpenSSL — GOST R 34.10-2012
//! with Streebog through the gost engine, as the real service requires, or RSA and ECDSA.

use openssl::cms::{CMSOptions, CmsContentInfo};

use super::openssl_key::OpensslKey;
use super::{SignFuture, Signer};
use crate::Error;

/// Signs with a key held by OpenSSL (feature `openssl`).
///
/// ```no_run
/// # fn demo() -> Result<(), extern_api_core::Error> {
/// use extern_api_core::crypto::OpensslSigner;
///
/// let key = std::fs::read("key.pem").map_err(|e| extern_api_core::Error::io("key.pem", e))?;
/// let cert = std::fs::read("cert.cer").map_err(|e| extern_api_core::Error::io("cert.cer", e))?;
/// let signer = OpensslSigner::from_pem(&key, &cert)?;
/// println!("signing with {}", signer.algorithm()); // e.g. GOST R 34.10-2012 with 256 bit modulus
/// # Ok(()) }
/// ```
pub struct OpensslSigner(OpensslKey);

impl OpensslSigner {
    /// A key in PEM (PKCS#8 or traditional) and its certificate in DER or PEM.
    pub fn from_pem(private_key_pem: &[u8], certificate: &[u8]) -> Result<Self, Error> {
        OpensslKey::from_pem(private_key_pem, certificate).map(Self)
    }

    /// The key and certificate of a PKCS#12 (`.pfx`, `.p12`) file.
    pub fn from_pkcs12(der: &[u8], password: &str) -> Result<Self, Error> {
        OpensslKey::from_pkcs12(der, password).map(Self)
    }

    /// The key's algorithm as OpenSSL names it.
    pub fn algorithm(&self) -> String {
        self.0.algorithm()
    }

    fn sign_now(&self, content: &[u8]) -> Result<Vec<u8>, Error> {
        // The digest is the key's own: Streebog of the key's size for GOST, SHA-256 otherwise.
        let signed = CmsContentInfo::sign(
            Some(&self.0.certificate),
            Some(&self.0.key),
            None,
            Some(content),
            CMSOptions::DETACHED | CMSOptions::BINARY,
        )
        .map_err(|e| Error::signing_with("OpenSSL could not sign", e))?;
        signed
            .to_der()
            .map_err(|e| Error::signing_with("the signature does not encode", e))
    }
}

impl std::fmt::Debug for OpensslSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpensslSigner")
            .field("algorithm", &self.0.algorithm())
            .field("subject", &self.0.subject())
            .finish_non_exhaustive()
    }
}

impl Signer for OpensslSigner {
    fn certificate(&self) -> &[u8] {
        &self.0.certificate_der
    }

    fn sign<'a>(&'a self, content: &'a [u8]) -> SignFuture<'a> {
        Box::pin(async move { self.sign_now(content) })
    }
}
