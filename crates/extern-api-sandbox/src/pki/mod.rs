//! The sandbox's own certificate authority: it issues test certificates (ECDSA P-256 or RSA, and
//! GOST R 34.10-2012 through the `gost` module), signs the operator's and the inspections' documents
//! (ECDSA, or GOST R 34.10-2012 with Streebog in GOST mode: [`Authority::gost_signer`]), and
//! verifies detached CMS signatures for real — over the exact bytes, chaining to this CA,
//! valid at the sandbox's clock.

pub(crate) mod gost;
pub(crate) mod keys;
pub(crate) mod sealing;
pub mod xmldsig;

use std::io::Read;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::ContentInfo;
use cms::signed_data::{EncapsulatedContentInfo, SignedData, SignerIdentifier};
use const_oid::ObjectIdentifier;
use der::{Decode, Encode};
use p256::ecdsa::{DerSignature, SigningKey};
use pkcs8::{EncodePrivateKey, LineEnding};
use rand_core::OsRng;
use sha2::Digest;
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::Certificate;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::Validity;

const OID_SHA1: &str = "1.3.14.3.2.26";
const OID_SHA256: &str = "2.16.840.1.101.3.4.2.1";
const OID_SHA384: &str = "2.16.840.1.101.3.4.2.2";
const OID_SHA512: &str = "2.16.840.1.101.3.4.2.3";
const OID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
const OID_RSA: &str = "1.2.840.113549.1.1.1";
const OID_SIGNED_DATA: &str = "1.2.840.113549.1.7.2";
const OID_DATA: &str = "1.2.840.113549.1.7.1";
const OID_MESSAGE_DIGEST: &str = "1.2.840.113549.1.9.4";
/// ИНН ЮЛ (10 digits) and ИНН (12 digits) in Russian qualified certificates.
const OID_INN_LE: &str = "1.2.643.100.4";
const OID_INN: &str = "1.2.643.3.131.1.1";
const OID_ORG: &str = "2.5.4.10";
const OID_CN: &str = "2.5.4.3";

fn oid(s: &str) -> ObjectIdentifier {
    ObjectIdentifier::new_unwrap(s)
}

/// Key algorithm of an issued certificate: `"ecdsa"`, `"rsa"`, `"gost2012-256"` or
/// `"gost2012-512"` on the wire. A request without one gets ECDSA ([`KeyAlgorithm::default`]),
/// or gost2012-256 from a sandbox in GOST mode (`SandboxConfig::gost`), as the vendor's test site
/// issues.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyAlgorithm {
    #[default]
    Ecdsa,
    Rsa,
    /// GOST R 34.10-2012, 256 bits (CryptoPro-A parameters); needs the cargo feature `gost`.
    #[serde(rename = "gost2012-256")]
    Gost2012_256,
    /// GOST R 34.10-2012, 512 bits (TC26 parameter set A); needs the cargo feature `gost`.
    #[serde(rename = "gost2012-512")]
    Gost2012_512,
}

/// Who a certificate is issued to.
#[derive(Clone, Debug, Default)]
pub struct Subject {
    pub inn: String,
    pub kpp: Option<String>,
    pub fio: String,
    pub organization: Option<String>,
    /// ОГРН (13 digits) or ОГРНИП (15 digits); written to GOST certificates.
    pub ogrn: Option<String>,
}

/// An issued certificate and its private key (PKCS#8 PEM), as test tools hand them out.
#[derive(Clone, Debug)]
pub struct Issued {
    pub certificate_der: Vec<u8>,
    pub private_key_pem: String,
}

impl SandboxSigner {
    /// The RSA private key, for decrypting what was encrypted to this certificate.
    pub fn rsa_key(&self) -> Option<&rsa::RsaPrivateKey> {
        match &self.key {
            SignerKey::Rsa(_, key) => Some(key),
            _ => None,
        }
    }
}

/// A key the sandbox signs with itself (operator, inspections, cloud certificates): ECDSA P-256
/// or RSA by this CA, or GOST R 34.10-2012 by the GOST test CA (GOST mode, feature `gost`).
pub struct SandboxSigner {
    key: SignerKey,
    certificate: Certificate,
    pub certificate_der: Vec<u8>,
}

enum SignerKey {
    Ecdsa(SigningKey),
    /// RSA keys also decrypt (key transport): cloud certificates use them.
    Rsa(
        Box<rsa::pkcs1v15::SigningKey<sha2::Sha256>>,
        Box<rsa::RsaPrivateKey>,
    ),
    /// GOST R 34.10-2012, 256 bits: OpenSSL with its gost engine makes the CMS (Streebog).
    #[cfg(feature = "gost")]
    Gost(Box<crate::pki::gost::SigningKey>),
}

/// What the sandbox knows of a certificate.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CertInfo {
    pub inn: Option<String>,
    pub common_name: String,
    pub organization: Option<String>,
    pub thumbprint: String,
    pub serial_number: String,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
}

impl CertInfo {
    /// "Organization (Name)" as signatures are titled.
    pub fn title(&self) -> String {
        match &self.organization {
            Some(org) => format!("{org} ({})", self.common_name),
            None => self.common_name.clone(),
        }
    }
}

/// Why a signature or certificate was refused; the message is shown to the client.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PkiError {
    #[error("not a CMS SignedData structure: {0}")]
    Malformed(String),
    #[error("the signature does not contain the signer's certificate")]
    NoCertificate,
    #[error("the signature does not verify over the document content")]
    BadSignature,
    #[error("unsupported algorithm {0}")]
    Unsupported(String),
    #[error("the certificate is not issued by the sandbox's certificate authority")]
    Untrusted,
    #[error("the certificate is not valid at {0}")]
    Expired(DateTime<Utc>),
    #[error("not an X.509 certificate: {0}")]
    NotACertificate(String),
}

/// The sandbox's certificate authority.
pub struct Authority {
    key: SigningKey,
    certificate: Certificate,
    pub certificate_der: Vec<u8>,
    /// The GOST test CA, made on first use.
    gost: crate::pki::gost::GostAuthority,
}

impl Authority {
    /// A fresh CA with a random key (a new one per sandbox run).
    pub fn new() -> Self {
        let key = SigningKey::random(&mut OsRng);
        let subject =
            Name::from_str("CN=Extern API Sandbox CA,O=extern-api sandbox").expect("valid name");
        let spki =
            SubjectPublicKeyInfoOwned::from_key(*key.verifying_key()).expect("p256 key encodes");
        let validity =
            Validity::from_now(Duration::from_secs(20 * 365 * 86_400)).expect("valid period");
        let builder = CertificateBuilder::new(
            Profile::Root,
            SerialNumber::from(1u32),
            validity,
            subject,
            spki,
            &key,
        )
        .expect("root certificate profile");
        let certificate = builder
            .build::<DerSignature>()
            .expect("root certificate signs");
        let certificate_der = certificate.to_der().expect("certificate encodes");
        Self {
            key,
            certificate,
            certificate_der,
            gost: crate::pki::gost::GostAuthority::new(),
        }
    }

    /// The GOST test CA's certificate (DER); None when this build or machine has no GOST.
    pub fn gost_certificate_der(&self) -> Option<Vec<u8>> {
        self.gost.certificate_der()
    }

    /// Issues a certificate to `subject` with a new key (GOST ones by the GOST test CA; refused
    /// with [`PkiError::Unsupported`] when this build or machine has no GOST).
    pub fn issue(&self, subject: &Subject, algorithm: KeyAlgorithm) -> Result<Issued, PkiError> {
        Ok(match algorithm {
            KeyAlgorithm::Ecdsa => {
                let key = SigningKey::random(&mut OsRng);
                let spki = SubjectPublicKeyInfoOwned::from_key(*key.verifying_key())
                    .expect("p256 key encodes");
                let pem = key
                    .to_pkcs8_pem(LineEnding::LF)
                    .expect("pkcs8 encodes")
                    .to_string();
                Issued {
                    certificate_der: self.sign_certificate(subject, spki),
                    private_key_pem: pem,
                }
            }
            KeyAlgorithm::Rsa => {
                let key = rsa::RsaPrivateKey::new(&mut OsRng, 2048).expect("rsa key generates");
                let spki = SubjectPublicKeyInfoOwned::from_key(key.to_public_key())
                    .expect("rsa key encodes");
                let pem = key
                    .to_pkcs8_pem(LineEnding::LF)
                    .expect("pkcs8 encodes")
                    .to_string();
                Issued {
                    certificate_der: self.sign_certificate(subject, spki),
                    private_key_pem: pem,
                }
            }
            KeyAlgorithm::Gost2012_256 | KeyAlgorithm::Gost2012_512 => {
                return self.gost.issue(subject, algorithm);
            }
        })
    }

    /// An ECDSA key and certificate the sandbox itself signs with.
    pub fn signer(&self, subject: &Subject) -> SandboxSigner {
        let key = SigningKey::random(&mut OsRng);
        let spki =
            SubjectPublicKeyInfoOwned::from_key(*key.verifying_key()).expect("p256 key encodes");
        let certificate_der = self.sign_certificate(subject, spki);
        let certificate = Certificate::from_der(&certificate_der).expect("own certificate decodes");
        SandboxSigner {
            key: SignerKey::Ecdsa(key),
            certificate,
            certificate_der,
        }
    }

    /// A GOST R 34.10-2012 (256-bit, CryptoPro-A) key and a certificate for it from the GOST test
    /// CA, that the sandbox signs with itself in GOST mode: its signatures are GOST with
    /// Streebog-256, made by OpenSSL. Refused with [`PkiError::Unsupported`] (naming the feature
    /// `gost` and the package libengine-gost-openssl) when this build or machine has no GOST.
    pub fn gost_signer(&self, subject: &Subject) -> Result<SandboxSigner, PkiError> {
        #[cfg(feature = "gost")]
        {
            let (key, certificate_der) = self.gost.signer(subject)?;
            let certificate = Certificate::from_der(&certificate_der)
                .map_err(|e| PkiError::Malformed(e.to_string()))?;
            Ok(SandboxSigner {
                key: SignerKey::Gost(Box::new(key)),
                certificate,
                certificate_der,
            })
        }
        #[cfg(not(feature = "gost"))]
        {
            let _ = subject;
            Err(crate::pki::gost::unavailable())
        }
    }

    /// An RSA key and certificate the sandbox holds: it signs and decrypts (cloud certificates).
    pub fn rsa_signer(&self, subject: &Subject) -> SandboxSigner {
        let key = rsa::RsaPrivateKey::new(&mut OsRng, 2048).expect("rsa key generates");
        let spki =
            SubjectPublicKeyInfoOwned::from_key(key.to_public_key()).expect("rsa key encodes");
        let certificate_der = self.sign_certificate(subject, spki);
        let certificate = Certificate::from_der(&certificate_der).expect("own certificate decodes");
        SandboxSigner {
            key: SignerKey::Rsa(
                Box::new(rsa::pkcs1v15::SigningKey::new(key.clone())),
                Box::new(key),
            ),
            certificate,
            certificate_der,
        }
    }

    fn sign_certificate(&self, subject: &Subject, spki: SubjectPublicKeyInfoOwned) -> Vec<u8> {
        let mut rdns = vec![format!("{OID_CN}={}", escape(&subject.fio))];
        if let Some(org) = &subject.organization {
            rdns.push(format!("{OID_ORG}={}", escape(org)));
        }
        let inn_oid = if subject.inn.len() == 10 {
            OID_INN_LE
        } else {
            OID_INN
        };
        rdns.push(format!("{inn_oid}={}", escape(&subject.inn)));
        let name = Name::from_str(&rdns.join(",")).expect("subject attributes are escaped");
        let serial: [u8; 16] = rand_bytes();
        let mut serial = serial.to_vec();
        serial[0] &= 0x7f; // positive
        let validity =
            Validity::from_now(Duration::from_secs(2 * 365 * 86_400)).expect("valid period");
        let profile = Profile::Leaf {
            issuer: self.certificate.tbs_certificate.subject.clone(),
            enable_key_agreement: false,
            enable_key_encipherment: true,
        };
        let builder = CertificateBuilder::new(
            profile,
            SerialNumber::new(&serial).expect("16-byte serial"),
            validity,
            name,
            spki,
            &self.key,
        )
        .expect("leaf profile");
        builder
            .build::<DerSignature>()
            .expect("leaf signs")
            .to_der()
            .expect("certificate encodes")
    }

    /// Parses a certificate and checks that this CA issued it and that it is valid at `now`.
    pub fn check_certificate(&self, der: &[u8], now: DateTime<Utc>) -> Result<CertInfo, PkiError> {
        let cert =
            Certificate::from_der(der).map_err(|e| PkiError::NotACertificate(e.to_string()))?;
        self.check_parsed(&cert, now)
    }

    fn check_parsed(&self, cert: &Certificate, now: DateTime<Utc>) -> Result<CertInfo, PkiError> {
        if crate::pki::gost::is_gost_signed(&cert.signature_algorithm.oid.to_string()) {
            // Issued by the GOST CA, or by none of ours: OpenSSL checks the chain and the dates.
            let der = cert
                .to_der()
                .map_err(|e| PkiError::Malformed(e.to_string()))?;
            self.gost.check_issued(&der, now)?;
        } else {
            self.check_issued(cert)?;
        }
        let info = cert_info(cert)?;
        if now < info.not_before || now > info.not_after {
            return Err(PkiError::Expired(now));
        }
        Ok(info)
    }

    /// This (ECDSA) CA signed the certificate.
    fn check_issued(&self, cert: &Certificate) -> Result<(), PkiError> {
        if cert.tbs_certificate.issuer != self.certificate.tbs_certificate.subject {
            return Err(PkiError::Untrusted);
        }
        let tbs = cert
            .tbs_certificate
            .to_der()
            .map_err(|e| PkiError::Malformed(e.to_string()))?;
        let sig = p256::ecdsa::Signature::from_der(cert.signature.raw_bytes())
            .map_err(|_| PkiError::Untrusted)?;
        use signature::Verifier;
        self.key
            .verifying_key()
            .verify(&tbs, &sig)
            .map_err(|_| PkiError::Untrusted)
    }

    /// Verifies a detached CMS signature over `content` (read as a stream) and returns the
    /// signer's certificate.
    pub fn verify_detached(
        &self,
        signature: &[u8],
        content: impl Read,
        now: DateTime<Utc>,
    ) -> Result<CertInfo, PkiError> {
        let (signed, cert) = parse_signed_data(signature)?;
        let signer = signed
            .signer_infos
            .0
            .iter()
            .next()
            .ok_or(PkiError::Malformed("no signer info".into()))?;
        let digest_oid = signer.digest_alg.oid.to_string();
        let content_digest = digest_stream(&digest_oid, content)?;
        let signed_bytes = match &signer.signed_attrs {
            Some(attrs) => {
                let md = attrs
                    .iter()
                    .find(|a| a.oid == oid(OID_MESSAGE_DIGEST))
                    .and_then(|a| a.values.iter().next())
                    .ok_or(PkiError::Malformed(
                        "signed attributes lack a message digest".into(),
                    ))?;
                let md = der::asn1::OctetStringRef::try_from(md)
                    .map_err(|e| PkiError::Malformed(e.to_string()))?;
                if md.as_bytes() != content_digest.as_slice() {
                    return Err(PkiError::BadSignature);
                }
                attrs
                    .to_der()
                    .map_err(|e| PkiError::Malformed(e.to_string()))?
            }
            None => Vec::new(),
        };
        let prehash = if signer.signed_attrs.is_some() {
            digest_stream(&digest_oid, signed_bytes.as_slice())?
        } else {
            content_digest
        };
        verify_prehash(&cert, &digest_oid, &prehash, signer.signature.as_bytes())?;
        self.check_parsed(&cert, now)
    }
}

impl Default for Authority {
    fn default() -> Self {
        Self::new()
    }
}

impl SandboxSigner {
    /// A detached CMS signature (signed attributes) over `content`: SHA-256 with ECDSA and RSA
    /// keys, Streebog-256 with GOST ones.
    ///
    /// # Panics
    ///
    /// When OpenSSL fails to sign with a GOST key: the sandbox signs and verifies once with its
    /// GOST keys when it starts ([`SandboxSigner::try_sign_detached`]), so that this does not
    /// happen later.
    pub fn sign_detached(&self, content: &[u8]) -> Vec<u8> {
        self.try_sign_detached(content)
            .expect("the sandbox's own key signs (checked at start)")
    }

    /// [`SandboxSigner::sign_detached`], with OpenSSL's refusal (GOST keys) as an error.
    pub fn try_sign_detached(&self, content: &[u8]) -> Result<Vec<u8>, PkiError> {
        #[cfg(feature = "gost")]
        if let SignerKey::Gost(key) = &self.key {
            return key.sign_detached(content);
        }
        let digest = sha2::Sha256::digest(content);
        let eci = EncapsulatedContentInfo {
            econtent_type: oid(OID_DATA),
            econtent: None,
        };
        let alg = AlgorithmIdentifierOwned {
            oid: oid(OID_SHA256),
            parameters: None,
        };
        let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: self.certificate.tbs_certificate.issuer.clone(),
            serial_number: self.certificate.tbs_certificate.serial_number.clone(),
        });
        let mut builder = cms::builder::SignedDataBuilder::new(&eci);
        builder
            .add_digest_algorithm(alg.clone())
            .expect("digest algorithm")
            .add_certificate(CertificateChoices::Certificate(self.certificate.clone()))
            .expect("certificate");
        match &self.key {
            SignerKey::Ecdsa(key) => {
                let info = cms::builder::SignerInfoBuilder::new(key, sid, alg, &eci, Some(&digest))
                    .expect("signer info");
                builder
                    .add_signer_info::<SigningKey, DerSignature>(info)
                    .expect("signs");
            }
            SignerKey::Rsa(key, _) => {
                let info = cms::builder::SignerInfoBuilder::new(
                    key.as_ref(),
                    sid,
                    alg,
                    &eci,
                    Some(&digest),
                )
                .expect("signer info");
                builder.add_signer_info::<rsa::pkcs1v15::SigningKey<sha2::Sha256>, rsa::pkcs1v15::Signature>(info).expect("signs");
            }
            #[cfg(feature = "gost")]
            SignerKey::Gost(_) => unreachable!("signed by OpenSSL above"),
        }
        Ok(builder
            .build()
            .expect("signed data")
            .to_der()
            .expect("encodes"))
    }
}

/// A name attribute value escaped for RFC 4514 (a leading `#` or space and a trailing space too:
/// a name starting with `#` panicked the certificate builder).
fn escape(value: &str) -> String {
    let mut out = String::new();
    let last = value.chars().count().saturating_sub(1);
    for (i, c) in value.chars().enumerate() {
        let special = matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=')
            || (i == 0 && matches!(c, '#' | ' '))
            || (i == last && c == ' ');
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn rand_bytes<const N: usize>() -> [u8; N] {
    use rand_core::RngCore;
    let mut b = [0u8; N];
    OsRng.fill_bytes(&mut b);
    b
}

fn parse_signed_data(signature: &[u8]) -> Result<(SignedData, Certificate), PkiError> {
    let ci = ContentInfo::from_der(signature).map_err(|e| PkiError::Malformed(e.to_string()))?;
    if ci.content_type != oid(OID_SIGNED_DATA) {
        return Err(PkiError::Malformed(format!(
            "content type {} is not signed-data",
            ci.content_type
        )));
    }
    let signed: SignedData = ci
        .content
        .decode_as()
        .map_err(|e| PkiError::Malformed(e.to_string()))?;
    let signer = signed
        .signer_infos
        .0
        .iter()
        .next()
        .ok_or(PkiError::Malformed("no signer info".into()))?;
    let certs = signed
        .certificates
        .as_ref()
        .ok_or(PkiError::NoCertificate)?;
    let cert = certs
        .0
        .iter()
        .filter_map(|c| match c {
            CertificateChoices::Certificate(c) => Some(c),
            _ => None,
        })
        .find(|c| match &signer.sid {
            SignerIdentifier::IssuerAndSerialNumber(ias) => {
                ias.issuer == c.tbs_certificate.issuer
                    && ias.serial_number == c.tbs_certificate.serial_number
            }
            SignerIdentifier::SubjectKeyIdentifier(ski) => {
                c.tbs_certificate.extensions.iter().flatten().any(|e| {
                    e.extn_id == oid("2.5.29.14")
                        && e.extn_value.as_bytes().ends_with(ski.0.as_bytes())
                })
            }
        })
        .cloned()
        .ok_or(PkiError::NoCertificate)?;
    Ok((signed, cert))
}

/// What a certificate says, without checking who issued it or when it is valid.
pub fn describe_certificate(der: &[u8]) -> Result<CertInfo, PkiError> {
    let cert = Certificate::from_der(der).map_err(|e| PkiError::NotACertificate(e.to_string()))?;
    cert_info(&cert)
}

/// The signer's certificate of a CMS signature, without verifying anything.
pub fn signer_certificate(signature: &[u8]) -> Result<(Vec<u8>, CertInfo), PkiError> {
    let (_, cert) = parse_signed_data(signature)?;
    let der = cert
        .to_der()
        .map_err(|e| PkiError::Malformed(e.to_string()))?;
    Ok((der, cert_info(&cert)?))
}

fn digest_stream(digest_oid: &str, mut content: impl Read) -> Result<Vec<u8>, PkiError> {
    fn run<D: Digest>(mut content: impl Read) -> Result<Vec<u8>, PkiError> {
        let mut hasher = D::new();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = content
                .read(&mut buf)
                .map_err(|e| PkiError::Malformed(e.to_string()))?;
            if n == 0 {
                return Ok(hasher.finalize().to_vec());
            }
            hasher.update(&buf[..n]);
        }
    }
    match digest_oid {
        OID_SHA256 => run::<sha2::Sha256>(&mut content),
        OID_SHA384 => run::<sha2::Sha384>(&mut content),
        OID_SHA512 => run::<sha2::Sha512>(&mut content),
        OID_SHA1 => run::<sha1::Sha1>(&mut content),
        gost if crate::pki::gost::is_gost_digest(gost) => {
            crate::pki::gost::digest_stream(gost, content)
        }
        other => Err(PkiError::Unsupported(format!("digest {other}"))),
    }
}

fn verify_prehash(
    cert: &Certificate,
    digest_oid: &str,
    prehash: &[u8],
    sig: &[u8],
) -> Result<(), PkiError> {
    let spki = &cert.tbs_certificate.subject_public_key_info;
    let key_bytes = spki.subject_public_key.raw_bytes();
    match spki.algorithm.oid.to_string().as_str() {
        OID_EC_PUBLIC_KEY => {
            use signature::hazmat::PrehashVerifier;
            let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes)
                .map_err(|_| PkiError::Unsupported("EC key other than P-256".into()))?;
            let sig = p256::ecdsa::Signature::from_der(sig).map_err(|_| PkiError::BadSignature)?;
            key.verify_prehash(prehash, &sig)
                .map_err(|_| PkiError::BadSignature)
        }
        OID_RSA => {
            use rsa::pkcs1::DecodeRsaPublicKey;
            let key = rsa::RsaPublicKey::from_pkcs1_der(key_bytes)
                .map_err(|e| PkiError::Malformed(e.to_string()))?;
            let scheme = match digest_oid {
                OID_SHA256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
                OID_SHA384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
                OID_SHA512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
                OID_SHA1 => rsa::Pkcs1v15Sign::new::<sha1::Sha1>(),
                other => return Err(PkiError::Unsupported(format!("digest {other}"))),
            };
            key.verify(scheme, prehash, sig)
                .map_err(|_| PkiError::BadSignature)
        }
        gost if crate::pki::gost::is_gost_key(gost) => {
            let spki = spki
                .to_der()
                .map_err(|e| PkiError::Malformed(e.to_string()))?;
            crate::pki::gost::verify_prehash(&spki, prehash, sig)
        }
        other => Err(PkiError::Unsupported(format!("key algorithm {other}"))),
    }
}

fn cert_info(cert: &Certificate) -> Result<CertInfo, PkiError> {
    let mut info = CertInfo {
        inn: None,
        common_name: String::new(),
        organization: None,
        thumbprint: thumbprint(
            &cert
                .to_der()
                .map_err(|e| PkiError::Malformed(e.to_string()))?,
        ),
        serial_number: hex(cert.tbs_certificate.serial_number.as_bytes()),
        not_before: to_chrono(cert.tbs_certificate.validity.not_before),
        not_after: to_chrono(cert.tbs_certificate.validity.not_after),
    };
    for rdn in cert.tbs_certificate.subject.0.iter() {
        for atv in rdn.0.iter() {
            let value = atv_string(&atv.value);
            match atv.oid.to_string().as_str() {
                OID_CN => info.common_name = value,
                OID_ORG => info.organization = Some(value),
                OID_INN_LE | OID_INN => info.inn = Some(value),
                _ => {}
            }
        }
    }
    Ok(info)
}

fn atv_string(value: &der::Any) -> String {
    String::from_utf8_lossy(value.value()).into_owned()
}

fn to_chrono(t: x509_cert::time::Time) -> DateTime<Utc> {
    DateTime::<Utc>::from(t.to_system_time())
}

/// SHA-1 of the DER certificate, upper-case hex, as the vendor shows thumbprints.
pub fn thumbprint(der: &[u8]) -> String {
    hex(&sha1::Sha1::digest(der))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        Utc::now()
    }

    #[test]
    fn issued_certificates_chain_and_carry_the_inn() {
        let ca = Authority::new();
        let subject = Subject {
            inn: "6676130154".into(),
            kpp: Some("667601001".into()),
            fio: "Иванов Иван".into(),
            organization: Some("ООО \"Ромашка\", филиал".into()),
            ogrn: None,
        };
        let issued = ca.issue(&subject, KeyAlgorithm::Ecdsa).unwrap();
        let info = ca
            .check_certificate(&issued.certificate_der, now())
            .unwrap();
        assert_eq!(info.inn.as_deref(), Some("6676130154"));
        assert_eq!(info.common_name, "Иванов Иван");
        assert_eq!(
            info.organization.as_deref(),
            Some("ООО \"Ромашка\", филиал")
        );
        assert!(
            issued
                .private_key_pem
                .starts_with("-----BEGIN PRIVATE KEY-----")
        );
        let other = Authority::new();
        assert_eq!(
            other.check_certificate(&issued.certificate_der, now()),
            Err(PkiError::Untrusted)
        );
    }

    #[test]
    fn detached_signatures_verify_over_the_exact_bytes() {
        let ca = Authority::new();
        let signer = ca.signer(&Subject {
            inn: "7700000000".into(),
            fio: "Оператор".into(),
            ..Default::default()
        });
        let content = b"<File/>".repeat(10_000);
        let sig = signer.sign_detached(&content);
        let info = ca.verify_detached(&sig, content.as_slice(), now()).unwrap();
        assert_eq!(info.inn.as_deref(), Some("7700000000"));
        let mut tampered = content.clone();
        tampered[5] ^= 1;
        assert_eq!(
            ca.verify_detached(&sig, tampered.as_slice(), now()),
            Err(PkiError::BadSignature)
        );
        assert!(matches!(
            ca.verify_detached(b"not cms", content.as_slice(), now()),
            Err(PkiError::Malformed(_))
        ));
        let later = now() + chrono::Duration::days(3 * 365);
        assert_eq!(
            ca.verify_detached(&sig, content.as_slice(), later),
            Err(PkiError::Expired(later))
        );
    }
}
