//! A private key and its certificate held by the system's OpenSSL (feature `openssl`), read from
//! the forms test and qualified certificates are handed out in: PKCS#8 or traditional PEM with a
//! PEM or DER certificate, or a PKCS#12 file. GOST R 34.10-2012 keys need OpenSSL's gost engine
//! (Debian: `apt install libengine-gost-openssl`), loaded here on first use.

use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::x509::X509;

use crate::Error;

/// What [`OpensslSigner`](super::OpensslSigner) and [`OpensslDecryptor`](super::OpensslDecryptor)
/// hold.
pub(crate) struct OpensslKey {
    pub key: PKey<Private>,
    pub certificate: X509,
    pub certificate_der: Vec<u8>,
}

impl OpensslKey {
    pub fn from_pem(private_key_pem: &[u8], certificate: &[u8]) -> Result<Self, Error> {
        let engine = openssl_gost::load();
        let key = PKey::private_key_from_pem(private_key_pem)
            .map_err(|e| unreadable("the private key is not a PEM key OpenSSL reads", engine, e))?;
        let certificate = X509::from_der(certificate)
            .or_else(|_| X509::from_pem(certificate))
            .map_err(|e| {
                unreadable(
                    "the certificate is not X.509 (DER or PEM)",
                    openssl_gost::load(),
                    e,
                )
            })?;
        Self::pair(key, certificate)
    }

    pub fn from_pkcs12(der: &[u8], password: &str) -> Result<Self, Error> {
        if password.contains('\0') {
            return Err(Error::signing(
                "a PKCS#12 password cannot hold a NUL character",
            ));
        }
        let engine = openssl_gost::load();
        let parsed = openssl::pkcs12::Pkcs12::from_der(der)
            .and_then(|p| p.parse2(password))
            .map_err(|e| {
                unreadable(
                    "the PKCS#12 file does not open with this password",
                    engine,
                    e,
                )
            })?;
        match (parsed.pkey, parsed.cert) {
            (Some(key), Some(certificate)) => Self::pair(key, certificate),
            _ => Err(Error::signing(
                "the PKCS#12 file holds no key with its certificate",
            )),
        }
    }

    fn pair(key: PKey<Private>, certificate: X509) -> Result<Self, Error> {
        let public = certificate
            .public_key()
            .map_err(|e| Error::signing_with("the certificate's public key does not read", e))?;
        if !key.public_eq(&public) {
            return Err(Error::signing(
                "the private key does not belong to the certificate",
            ));
        }
        let certificate_der = certificate
            .to_der()
            .map_err(|e| Error::signing_with("the certificate does not encode", e))?;
        Ok(Self {
            key,
            certificate,
            certificate_der,
        })
    }

    /// OpenSSL's name of the key's algorithm: `gost2012_256`, `gost2012_512`, `rsaEncryption`, `id-ecPublicKey`…
    pub fn algorithm(&self) -> String {
        Nid::from_raw(self.key.id().as_raw())
            .long_name()
            .or_else(|_| Nid::from_raw(self.key.id().as_raw()).short_name())
            .unwrap_or("unknown")
            .to_string()
    }

    /// The certificate's subject, for `Debug`.
    pub fn subject(&self) -> String {
        self.certificate
            .subject_name()
            .entries()
            .filter_map(|e| e.data().to_string().ok())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A key or certificate OpenSSL would not read, naming the gost engine when it is missing (a GOST
/// key reads only with it).
fn unreadable(
    what: &str,
    engine: Result<(), openssl_gost::Unavailable>,
    e: openssl::error::ErrorStack,
) -> Error {
    match engine {
        Ok(()) => Error::signing_with(what, e),
        Err(missing) => Error::signing_with(format!("{what} (a GOST key needs: {missing})"), e),
    }
}
