//! The CA's and the sandbox's own signers' keys as a data directory keeps them (`--data-dir`):
//! PKCS#8 and the certificate, both DER, so a restarted sandbox signs as the same operator and
//! inspection and still trusts the certificates it issued. GOST keys live in OpenSSL and are not
//! written: a sandbox in GOST mode runs without a data directory (see `state::persist`).

use der::{Decode, Encode};
use p256::ecdsa::SigningKey;
use pkcs8::{DecodePrivateKey, EncodePrivateKey};
use serde::{Deserialize, Serialize};
use x509_cert::Certificate;

use crate::pki::{Authority, PkiError, SandboxSigner, SignerKey};

/// A key and its certificate, as written.
#[derive(Serialize, Deserialize)]
pub struct KeyRecord {
    /// `ecdsa` or `rsa`.
    algorithm: String,
    #[serde(with = "crate::formats::serial::base64")]
    pkcs8: Vec<u8>,
    #[serde(with = "crate::formats::serial::base64")]
    certificate: Vec<u8>,
}

fn malformed(e: impl std::fmt::Display) -> PkiError {
    PkiError::Malformed(e.to_string())
}

impl SandboxSigner {
    /// The key and certificate to write; GOST keys are refused (they stay in OpenSSL).
    pub fn to_record(&self) -> Result<KeyRecord, PkiError> {
        let (algorithm, pkcs8) = match &self.key {
            SignerKey::Ecdsa(key) => ("ecdsa", key.to_pkcs8_der().map_err(malformed)?),
            SignerKey::Rsa(_, key) => ("rsa", key.to_pkcs8_der().map_err(malformed)?),
            #[cfg(feature = "gost")]
            SignerKey::Gost(_) => {
                return Err(PkiError::Unsupported(
                    "a data directory does not keep GOST keys".into(),
                ));
            }
        };
        Ok(KeyRecord {
            algorithm: algorithm.into(),
            pkcs8: pkcs8.as_bytes().to_vec(),
            certificate: self.certificate_der.clone(),
        })
    }

    /// The signer a record keeps.
    pub fn from_record(record: &KeyRecord) -> Result<Self, PkiError> {
        let key = match record.algorithm.as_str() {
            "ecdsa" => {
                SignerKey::Ecdsa(SigningKey::from_pkcs8_der(&record.pkcs8).map_err(malformed)?)
            }
            "rsa" => {
                let key = rsa::RsaPrivateKey::from_pkcs8_der(&record.pkcs8).map_err(malformed)?;
                SignerKey::Rsa(
                    Box::new(rsa::pkcs1v15::SigningKey::new(key.clone())),
                    Box::new(key),
                )
            }
            other => return Err(PkiError::Unsupported(format!("a kept {other} key"))),
        };
        Ok(Self {
            key,
            certificate: Certificate::from_der(&record.certificate).map_err(malformed)?,
            certificate_der: record.certificate.clone(),
        })
    }
}

impl Authority {
    /// The CA's key and certificate to write (the GOST test CA, made on first use, is not kept).
    pub fn to_record(&self) -> Result<KeyRecord, PkiError> {
        Ok(KeyRecord {
            algorithm: "ecdsa".into(),
            pkcs8: self
                .key
                .to_pkcs8_der()
                .map_err(malformed)?
                .as_bytes()
                .to_vec(),
            certificate: self.certificate_der.clone(),
        })
    }

    /// The CA a record keeps.
    pub fn from_record(record: &KeyRecord) -> Result<Self, PkiError> {
        let certificate = Certificate::from_der(&record.certificate).map_err(malformed)?;
        Ok(Self {
            key: SigningKey::from_pkcs8_der(&record.pkcs8).map_err(malformed)?,
            certificate_der: certificate.to_der().map_err(malformed)?,
            certificate,
            gost: crate::pki::gost::GostAuthority::new(),
        })
    }
}

impl Serialize for SandboxSigner {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_record()
            .map_err(serde::ser::Error::custom)?
            .serialize(s)
    }
}

impl<'de> Deserialize<'de> for SandboxSigner {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::from_record(&KeyRecord::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use crate::pki::{Authority, SandboxSigner, Subject};

    #[test]
    fn kept_keys_sign_and_verify_as_before() {
        let ca = Authority::new();
        let subject = Subject {
            inn: "7707329152".into(),
            fio: "Тестовая инспекция".into(),
            ..Subject::default()
        };
        let ca = Authority::from_record(&ca.to_record().unwrap()).unwrap();
        for signer in [ca.signer(&subject), ca.rsa_signer(&subject)] {
            let kept = SandboxSigner::from_record(&signer.to_record().unwrap()).unwrap();
            assert_eq!(kept.certificate_der, signer.certificate_der);
            let sig = kept.sign_detached(b"<x/>");
            ca.verify_detached(&sig, b"<x/>".as_slice(), chrono::Utc::now())
                .unwrap();
        }
    }
}
