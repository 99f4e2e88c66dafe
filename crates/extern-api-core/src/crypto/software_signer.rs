//! A signer for keys held in memory: PKCS#8 PEM, ECDSA P-256 or RSA, with SHA-256.

use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::signed_data::{EncapsulatedContentInfo, SignerIdentifier};
use der::{Decode, Encode};
use pkcs8::DecodePrivateKey;
use sha2::Digest;

use super::{SignFuture, Signer, XmlAlgorithms};
use crate::Error;

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
            .map_err(|e| Error::signing_with("the certificate is not X.509 DER", e))?;
        let key = if let Ok(k) = p256::ecdsa::SigningKey::from_pkcs8_pem(private_key_pem) {
            Key::Ecdsa(k)
        } else if let Ok(k) = rsa::RsaPrivateKey::from_pkcs8_pem(private_key_pem) {
            Key::Rsa(Box::new(rsa::pkcs1v15::SigningKey::new(k)))
        } else {
            return Err(Error::signing(
                "the private key is not a PKCS#8 PEM ECDSA P-256 or RSA key",
            ));
        };
        Ok(Self {
            key,
            certificate: certificate_der,
            parsed,
        })
    }

    fn sign_now(&self, content: &[u8]) -> Result<Vec<u8>, Error> {
        let fail = |what: &str| Error::signing(what);
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
            .map_err(|e| Error::signing(format!("building the signature failed: {e}")))?;
        info.to_der()
            .map_err(|e| Error::signing_with("encoding the signature failed", e))
    }
}

impl Signer for SoftwareSigner {
    fn certificate(&self) -> &[u8] {
        &self.certificate
    }

    fn sign<'a>(&'a self, content: &'a [u8]) -> SignFuture<'a> {
        Box::pin(async move { self.sign_now(content) })
    }

    fn xml_algorithms(&self) -> Option<XmlAlgorithms> {
        let signature = match self.key {
            Key::Ecdsa(_) => "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
            Key::Rsa(_) => "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        };
        Some(XmlAlgorithms {
            signature,
            digest: "http://www.w3.org/2001/04/xmlenc#sha256",
        })
    }

    fn xml_digest(&self, content: &[u8]) -> Result<Vec<u8>, Error> {
        Ok(sha2::Sha256::digest(content).to_vec())
    }

    /// ECDSA as XMLDsig writes it (r‖s), RSA as PKCS#1 v1.5.
    fn sign_raw<'a>(&'a self, content: &'a [u8]) -> SignFuture<'a> {
        use signature::{SignatureEncoding, Signer as _};
        Box::pin(async move {
            Ok(match &self.key {
                Key::Ecdsa(key) => {
                    let s: p256::ecdsa::Signature = key.sign(content);
                    s.to_bytes().to_vec()
                }
                Key::Rsa(key) => key.sign(content).to_vec(),
            })
        })
    }
}
