//! [`OpensslDecryptor`]: CMS EnvelopedData opened by the system's OpenSSL — GOST 28147-89 and
//! Kuznyechik key transport through the gost engine, as the authorities encrypt to a GOST
//! certificate, or RSA.

use openssl::cms::CmsContentInfo;

use super::openssl_key::OpensslKey;
use super::{DecryptFuture, Decryptor};
use crate::Error;

/// Decrypts with a key held by OpenSSL (feature `openssl`).
pub struct OpensslDecryptor(OpensslKey);

impl OpensslDecryptor {
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

    fn decrypt_now(&self, enveloped: &[u8]) -> Result<Vec<u8>, Error> {
        CmsContentInfo::from_der(enveloped)
            .map_err(|e| Error::signing_with("cannot decrypt: not CMS", e))?
            .decrypt(&self.0.key, &self.0.certificate)
            .map_err(|e| Error::signing_with("cannot decrypt with this key", e))
    }
}

impl std::fmt::Debug for OpensslDecryptor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpensslDecryptor")
            .field("algorithm", &self.0.algorithm())
            .field("subject", &self.0.subject())
            .finish_non_exhaustive()
    }
}

impl Decryptor for OpensslDecryptor {
    fn certificate(&self) -> &[u8] {
        &self.0.certificate_der
    }

    fn decrypt<'a>(&'a self, enveloped: &'a [u8]) -> DecryptFuture<'a> {
        Box::pin(async move { self.decrypt_now(enveloped) })
    }
}
