//! GOST R 34.10-2012 in the sandbox's certificate authority: a GOST test CA (a gost2012_256 key,
//! self-signed, made on first use, once per sandbox) that issues gost2012-256 / gost2012-512 test
//! certificates, and the Streebog digests and GOST signature checks that [`crate::pki`] needs to
//! verify detached CMS signatures made with them.
//!
//! With the same engine it seals documents for GOST certificates ([`envelope`]): CMS
//! EnvelopedData with GOST key transport, as the authorities send them.
//!
//! The work is done by the system OpenSSL with its `gost` engine (Debian:
//! `libengine-gost-openssl`, loaded by the `openssl-gost` crate), behind the cargo feature `gost`.
//! Built without it, every GOST request is refused with [`PkiError::Unsupported`] naming the
//! feature and the package, so a default build needs no OpenSSL.

#[cfg(not(feature = "gost"))]
use std::io::Read;

use chrono::{DateTime, Utc};

use crate::pki::{Issued, KeyAlgorithm, PkiError, Subject};

/// GOST R 34.10-2012 public keys, 256 and 512 bits.
const OID_GOST_2012_256: &str = "1.2.643.7.1.1.1.1";
const OID_GOST_2012_512: &str = "1.2.643.7.1.1.1.2";
/// GOST R 34.11-2012 (Streebog) digests.
const OID_STREEBOG_256: &str = "1.2.643.7.1.1.2.2";
const OID_STREEBOG_512: &str = "1.2.643.7.1.1.2.3";
/// GOST R 34.10-2012 signatures with GOST R 34.11-2012 (certificates' signature algorithms).
const OID_SIGN_GOST_2012_256: &str = "1.2.643.7.1.1.3.2";
const OID_SIGN_GOST_2012_512: &str = "1.2.643.7.1.1.3.3";

/// A GOST R 34.10-2012 public key algorithm.
pub(crate) fn is_gost_key(oid: &str) -> bool {
    matches!(oid, OID_GOST_2012_256 | OID_GOST_2012_512)
}

/// A Streebog digest algorithm.
pub(crate) fn is_gost_digest(oid: &str) -> bool {
    matches!(oid, OID_STREEBOG_256 | OID_STREEBOG_512)
}

/// A certificate signed with GOST R 34.10-2012.
pub(crate) fn is_gost_signed(oid: &str) -> bool {
    matches!(oid, OID_SIGN_GOST_2012_256 | OID_SIGN_GOST_2012_512)
}

/// The GOST half of the sandbox's certificate authority.
pub(crate) struct GostAuthority {
    #[cfg(feature = "gost")]
    ca: std::sync::OnceLock<Result<engine::Ca, PkiError>>,
}

/// Why GOST was refused in a build without the feature `gost`: names the feature and the package.
#[cfg(not(feature = "gost"))]
pub(crate) fn unavailable() -> PkiError {
    PkiError::Unsupported(
        "GOST R 34.10-2012: this sandbox was built without GOST; build it with the cargo feature \
         `gost` on a machine with OpenSSL's gost engine (Debian package libengine-gost-openssl)"
            .into(),
    )
}

#[cfg(not(feature = "gost"))]
impl GostAuthority {
    pub(crate) fn new() -> Self {
        Self {}
    }

    /// Refused: this build has no GOST.
    pub(crate) fn issue(&self, _: &Subject, _: KeyAlgorithm) -> Result<Issued, PkiError> {
        Err(unavailable())
    }

    /// Refused: this build has no GOST.
    pub(crate) fn check_issued(&self, _: &[u8], _: DateTime<Utc>) -> Result<(), PkiError> {
        Err(unavailable())
    }

    /// None: this build has no GOST CA.
    pub(crate) fn certificate_der(&self) -> Option<Vec<u8>> {
        None
    }
}

/// Refused: this build has no GOST.
#[cfg(not(feature = "gost"))]
pub(crate) fn digest_stream(_: &str, _: impl Read) -> Result<Vec<u8>, PkiError> {
    Err(unavailable())
}

/// Refused: this build has no GOST.
#[cfg(not(feature = "gost"))]
pub(crate) fn verify_prehash(_: &[u8], _: &[u8], _: &[u8]) -> Result<(), PkiError> {
    Err(unavailable())
}

#[cfg(feature = "gost")]
impl GostAuthority {
    pub(crate) fn new() -> Self {
        Self {
            ca: std::sync::OnceLock::new(),
        }
    }

    /// The GOST CA, made on first use (the engine loaded then).
    fn ca(&self) -> Result<&engine::Ca, PkiError> {
        self.ca
            .get_or_init(engine::Ca::new)
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Issues a GOST certificate to `subject` with a new key of `algorithm`
    /// ([`KeyAlgorithm::Gost2012_256`] or [`KeyAlgorithm::Gost2012_512`]).
    pub(crate) fn issue(
        &self,
        subject: &Subject,
        algorithm: KeyAlgorithm,
    ) -> Result<Issued, PkiError> {
        self.ca()?.issue(subject, algorithm)
    }

    /// Checks that the GOST CA issued the certificate and that both are valid at `now`.
    pub(crate) fn check_issued(&self, der: &[u8], now: DateTime<Utc>) -> Result<(), PkiError> {
        self.ca()?.check_issued(der, now)
    }

    /// The GOST CA's certificate (DER), or None when the engine is not available.
    pub(crate) fn certificate_der(&self) -> Option<Vec<u8>> {
        self.ca().ok().map(|ca| ca.der.clone())
    }

    /// A gost2012-256 key the sandbox signs with itself, certified by the GOST CA for
    /// `subject`; and the certificate (DER).
    pub(crate) fn signer(&self, subject: &Subject) -> Result<(SigningKey, Vec<u8>), PkiError> {
        self.ca()?.signer(subject)
    }
}

#[cfg(feature = "gost")]
pub(crate) use engine::{SigningKey, digest_stream, envelope, verify_prehash};

#[cfg(feature = "gost")]
mod engine {
    use std::ffi::CStr;
    use std::io::Read;
    use std::os::raw::{c_char, c_int, c_long, c_uint, c_void};

    use chrono::{DateTime, Utc};
    use openssl::asn1::{Asn1Integer, Asn1Time, Asn1Type};
    use openssl::bn::BigNum;
    use openssl::cms::{CMSOptions, CmsContentInfo};
    use openssl::error::ErrorStack;
    use openssl::hash::{Hasher, MessageDigest};
    use openssl::pkey::{PKey, PKeyRef, Private};
    use openssl::pkey_ctx::PkeyCtx;
    use openssl::stack::Stack;
    use openssl::x509::extension::{
        AuthorityKeyIdentifier, BasicConstraints, KeyUsage, SubjectKeyIdentifier,
    };
    use openssl::x509::store::X509StoreBuilder;
    use openssl::x509::verify::X509VerifyParam;
    use openssl::x509::{X509, X509Builder, X509Name, X509NameBuilder, X509StoreContext};

    use super::{OID_STREEBOG_256, OID_STREEBOG_512};
    use crate::pki::{Issued, KeyAlgorithm, PkiError, Subject};

    /// PKCS#8 `PrivateKeyInfo` up to the key's octets, as `openssl genpkey -algorithm
    /// gost2012_256 -pkeyopt paramset:A` writes it: id-tc26-gost3410-12-256 with the
    /// CryptoPro-A parameter set and Streebog-256, then a 32-byte OCTET STRING.
    const PKCS8_256: &[u8] = &[
        0x30, 0x46, 0x02, 0x01, 0x00, 0x30, 0x1f, 0x06, 0x08, 0x2a, 0x85, 0x03, 0x07, 0x01, 0x01,
        0x01, 0x01, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x85, 0x03, 0x02, 0x02, 0x23, 0x01, 0x06, 0x08,
        0x2a, 0x85, 0x03, 0x07, 0x01, 0x01, 0x02, 0x02, 0x04, 0x20,
    ];
    /// The same for `gost2012_512 -pkeyopt paramset:A`: id-tc26-gost3410-12-512 with the TC26
    /// 512-bit parameter set A and Streebog-512, then a 64-byte OCTET STRING.
    const PKCS8_512: &[u8] = &[
        0x30, 0x68, 0x02, 0x01, 0x00, 0x30, 0x21, 0x06, 0x08, 0x2a, 0x85, 0x03, 0x07, 0x01, 0x01,
        0x01, 0x02, 0x30, 0x15, 0x06, 0x09, 0x2a, 0x85, 0x03, 0x07, 0x01, 0x02, 0x01, 0x02, 0x01,
        0x06, 0x08, 0x2a, 0x85, 0x03, 0x07, 0x01, 0x01, 0x02, 0x03, 0x04, 0x40,
    ];
    /// X509_V_ERR_CERT_NOT_YET_VALID and X509_V_ERR_CERT_HAS_EXPIRED.
    const NOT_YET_VALID: i32 = 9;
    const HAS_EXPIRED: i32 = 10;
    /// ИНН ЮЛ (10 digits), ИНН (12 digits), ОГРН (13 digits) and ОГРНИП (15 digits).
    const OID_INN_LE: &str = "1.2.643.100.4";
    const OID_INN: &str = "1.2.643.3.131.1.1";
    const OID_OGRN: &str = "1.2.643.100.1";
    const OID_OGRNIP: &str = "1.2.643.100.5";

    /// Loads the engine (once per process).
    fn load() -> Result<(), PkiError> {
        openssl_gost::load().map_err(|e| PkiError::Unsupported(format!("GOST R 34.10-2012: {e}")))
    }

    /// An OpenSSL failure with GOST (making keys and certificates, hashing): this OpenSSL or
    /// engine cannot do what the sandbox asks of it.
    fn internal(e: ErrorStack) -> PkiError {
        PkiError::Unsupported(format!("GOST R 34.10-2012: OpenSSL failed: {e}"))
    }

    fn streebog(oid: &str) -> Result<MessageDigest, PkiError> {
        let name = match oid {
            OID_STREEBOG_256 => "md_gost12_256",
            OID_STREEBOG_512 => "md_gost12_512",
            other => return Err(PkiError::Unsupported(format!("digest {other}"))),
        };
        load()?;
        MessageDigest::from_name(name)
            .ok_or_else(|| PkiError::Unsupported(format!("digest {oid}: OpenSSL has no {name}")))
    }

    /// A new GOST key of `algorithm`: random key octets (little-endian, below the group order)
    /// in the PKCS#8 form the engine reads; the engine derives the public key.
    pub(super) fn new_key(algorithm: KeyAlgorithm) -> Result<PKey<Private>, PkiError> {
        use rand_core::RngCore;
        let (prefix, len) = match algorithm {
            KeyAlgorithm::Gost2012_256 => (PKCS8_256, 32),
            KeyAlgorithm::Gost2012_512 => (PKCS8_512, 64),
            other => {
                return Err(PkiError::Unsupported(format!(
                    "{other:?} is not a GOST algorithm"
                )));
            }
        };
        load()?;
        let mut secret = vec![0u8; len];
        while secret.iter().all(|&b| b == 0) {
            rand_core::OsRng.fill_bytes(&mut secret);
            // Below 2^(8·len − 1), so below the group order of either parameter set.
            secret[len - 1] &= 0x7f;
        }
        let der = [prefix, &secret].concat();
        PKey::private_key_from_pkcs8(&der).map_err(internal)
    }

    /// The sandbox's GOST test CA.
    pub(super) struct Ca {
        key: PKey<Private>,
        certificate: X509,
        pub(super) der: Vec<u8>,
    }

    impl Ca {
        /// A fresh CA: a gost2012_256 key and a self-signed certificate for twenty years.
        pub(super) fn new() -> Result<Self, PkiError> {
            let key = new_key(KeyAlgorithm::Gost2012_256)?;
            let certificate = Self::self_signed(&key).map_err(internal)?;
            let der = certificate.to_der().map_err(internal)?;
            Ok(Self {
                key,
                certificate,
                der,
            })
        }

        fn self_signed(key: &PKeyRef<Private>) -> Result<X509, ErrorStack> {
            let mut name = X509NameBuilder::new()?;
            name.append_entry_by_text("CN", "Extern API Sandbox GOST CA")?;
            name.append_entry_by_text("O", "extern-api sandbox")?;
            let name = name.build();
            let mut b = X509Builder::new()?;
            b.set_version(2)?;
            b.set_serial_number(&*Asn1Integer::from_bn(&*BigNum::from_u32(1)?)?)?;
            b.set_subject_name(&name)?;
            b.set_issuer_name(&name)?;
            b.set_pubkey(key)?;
            b.set_not_before(&*Asn1Time::days_from_now(0)?)?;
            b.set_not_after(&*Asn1Time::days_from_now(20 * 365)?)?;
            b.append_extension(BasicConstraints::new().critical().ca().build()?)?;
            b.append_extension(
                KeyUsage::new()
                    .critical()
                    .key_cert_sign()
                    .crl_sign()
                    .digital_signature()
                    .build()?,
            )?;
            let skid = SubjectKeyIdentifier::new().build(&b.x509v3_context(None, None))?;
            b.append_extension(skid)?;
            b.sign(
                key,
                MessageDigest::from_name("md_gost12_256").ok_or_else(ErrorStack::get)?,
            )?;
            Ok(b.build())
        }

        /// A certificate for `subject` with a new key: the attributes the ECDSA CA writes (CN,
        /// O, ИНН ЮЛ or ИНН) plus ОГРН / ОГРНИП when given.
        pub(super) fn issue(
            &self,
            subject: &Subject,
            algorithm: KeyAlgorithm,
        ) -> Result<Issued, PkiError> {
            let key = new_key(algorithm)?;
            let certificate = self.leaf(subject, &key).map_err(internal)?;
            let private_key_pem =
                String::from_utf8(key.private_key_to_pem_pkcs8().map_err(internal)?)
                    .map_err(|e| PkiError::Malformed(e.to_string()))?;
            Ok(Issued {
                certificate_der: certificate.to_der().map_err(internal)?,
                private_key_pem,
            })
        }

        /// A gost2012-256 key and its certificate for `subject`, held by the sandbox to sign
        /// with itself (the operator, the inspections in GOST mode).
        pub(super) fn signer(&self, subject: &Subject) -> Result<(SigningKey, Vec<u8>), PkiError> {
            let key = new_key(KeyAlgorithm::Gost2012_256)?;
            let certificate = self.leaf(subject, &key).map_err(internal)?;
            let der = certificate.to_der().map_err(internal)?;
            Ok((SigningKey { key, certificate }, der))
        }

        fn leaf(&self, subject: &Subject, key: &PKeyRef<Private>) -> Result<X509, ErrorStack> {
            let name = subject_name(subject)?;
            let mut serial = [0u8; 16];
            rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut serial);
            serial[0] &= 0x7f; // positive
            serial[0] |= 0x01; // and sixteen bytes long
            let mut b = X509Builder::new()?;
            b.set_version(2)?;
            b.set_serial_number(&*Asn1Integer::from_bn(&*BigNum::from_slice(&serial)?)?)?;
            b.set_subject_name(&name)?;
            b.set_issuer_name(self.certificate.subject_name())?;
            b.set_pubkey(key)?;
            b.set_not_before(&*Asn1Time::days_from_now(0)?)?;
            b.set_not_after(&*Asn1Time::days_from_now(2 * 365)?)?;
            b.append_extension(BasicConstraints::new().critical().build()?)?;
            b.append_extension(
                KeyUsage::new()
                    .critical()
                    .digital_signature()
                    .non_repudiation()
                    .key_encipherment()
                    .key_agreement()
                    .build()?,
            )?;
            let skid = SubjectKeyIdentifier::new()
                .build(&b.x509v3_context(Some(&self.certificate), None))?;
            b.append_extension(skid)?;
            let akid = AuthorityKeyIdentifier::new()
                .keyid(true)
                .build(&b.x509v3_context(Some(&self.certificate), None))?;
            b.append_extension(akid)?;
            b.sign(
                &self.key,
                MessageDigest::from_name("md_gost12_256").ok_or_else(ErrorStack::get)?,
            )?;
            Ok(b.build())
        }

        /// The certificate chains to this CA and both are valid at `now` (OpenSSL's own path
        /// validation, at the sandbox's clock).
        pub(super) fn check_issued(&self, der: &[u8], now: DateTime<Utc>) -> Result<(), PkiError> {
            let cert = X509::from_der(der).map_err(|e| PkiError::NotACertificate(e.to_string()))?;
            let result = (|| {
                let mut param = X509VerifyParam::new()?;
                param.set_time(now.timestamp() as _);
                let mut store = X509StoreBuilder::new()?;
                store.add_cert(self.certificate.clone())?;
                store.set_param(&param)?;
                let store = store.build();
                let chain = Stack::new()?;
                let mut ctx = X509StoreContext::new()?;
                ctx.init(&store, &cert, &chain, |c| {
                    let ok = c.verify_cert()?;
                    Ok((ok, c.error()))
                })
            })();
            // What a refusal left on OpenSSL's error stack is not for a later call.
            let _ = ErrorStack::get();
            match result {
                Ok((true, _)) => Ok(()),
                Ok((false, e)) if matches!(e.as_raw(), NOT_YET_VALID | HAS_EXPIRED) => {
                    Err(PkiError::Expired(now))
                }
                Ok((false, _)) | Err(_) => Err(PkiError::Untrusted),
            }
        }
    }

    /// A GOST R 34.10-2012 key the sandbox signs with itself, and its certificate.
    pub(crate) struct SigningKey {
        key: PKey<Private>,
        certificate: X509,
    }

    impl SigningKey {
        /// A detached CMS signature over `content`, as the SDK's `OpensslSigner` and `openssl
        /// cms -sign -binary` make it: the key's own digest (Streebog-256 for a gost2012-256
        /// key), signed attributes, the certificate included.
        pub(crate) fn sign_detached(&self, content: &[u8]) -> Result<Vec<u8>, PkiError> {
            load()?;
            let signed = CmsContentInfo::sign(
                Some(&self.certificate),
                Some(&self.key),
                None,
                Some(content),
                CMSOptions::DETACHED | CMSOptions::BINARY,
            )
            .and_then(|cms| cms.to_der());
            // What a failure left on OpenSSL's error stack is not for a later call.
            let _ = ErrorStack::get();
            signed.map_err(internal)
        }
    }

    fn subject_name(subject: &Subject) -> Result<X509Name, ErrorStack> {
        let mut name = X509NameBuilder::new()?;
        // UTF8String as given: no length limits beyond what the ECDSA CA accepts.
        name.append_entry_by_text_with_type("CN", &subject.fio, Asn1Type::UTF8STRING)?;
        if let Some(org) = &subject.organization {
            name.append_entry_by_text_with_type("O", org, Asn1Type::UTF8STRING)?;
        }
        let inn_oid = if subject.inn.len() == 10 {
            OID_INN_LE
        } else {
            OID_INN
        };
        // NumericString, as the Russian qualified certificate profile writes them.
        name.append_entry_by_text_with_type(inn_oid, &subject.inn, Asn1Type::NUMERICSTRING)?;
        if let Some(ogrn) = &subject.ogrn {
            let oid = if ogrn.len() == 15 {
                OID_OGRNIP
            } else {
                OID_OGRN
            };
            name.append_entry_by_text_with_type(oid, ogrn, Asn1Type::NUMERICSTRING)?;
        }
        Ok(name.build())
    }

    /// The Streebog digest (`oid`) of `content`, read as a stream.
    pub(crate) fn digest_stream(oid: &str, mut content: impl Read) -> Result<Vec<u8>, PkiError> {
        let md = streebog(oid)?;
        let mut hasher = Hasher::new(md).map_err(internal)?;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = content
                .read(&mut buf)
                .map_err(|e| PkiError::Malformed(e.to_string()))?;
            if n == 0 {
                return Ok(hasher.finish().map_err(internal)?.to_vec());
            }
            hasher.update(&buf[..n]).map_err(internal)?;
        }
    }

    /// Verifies a GOST R 34.10-2012 signature over a Streebog `prehash` with the key of `spki`
    /// (DER SubjectPublicKeyInfo), as OpenSSL's CMS does.
    pub(crate) fn verify_prehash(spki: &[u8], prehash: &[u8], sig: &[u8]) -> Result<(), PkiError> {
        load()?;
        let verified = (|| {
            let key = PKey::public_key_from_der(spki)?;
            let mut ctx = PkeyCtx::new(&key)?;
            ctx.verify_init()?;
            ctx.verify(prehash, sig)
        })();
        let _ = ErrorStack::get();
        match verified {
            Ok(true) => Ok(()),
            Ok(false) | Err(_) => Err(PkiError::BadSignature),
        }
    }

    /// CMS EnvelopedData (a DER `ContentInfo`) of `data` for `recipients` (DER certificates,
    /// GOST R 34.10-2012 or RSA; at least one), as `openssl cms -encrypt` makes it: GOST
    /// recipients get GOST key transport (VKO GOST R 34.10-2012 and the GOST 28147-89 key wrap,
    /// RFC 4490), RSA ones RSA key transport (PKCS#1 v1.5). The content is GOST 28147-89
    /// (`gost89`: CFB, the TC26 parameter set) when every recipient is GOST, as the authorities
    /// encrypt; AES-256-CBC when RSA recipients share the envelope, so that they open it without
    /// GOST.
    pub(crate) fn envelope(recipients: &[&[u8]], data: &[u8]) -> Result<Vec<u8>, PkiError> {
        load()?;
        let mut all_gost = true;
        for der in recipients {
            let cert = X509::from_der(der).map_err(|e| PkiError::NotACertificate(e.to_string()))?;
            let key = cert.public_key().map_err(internal)?;
            match key.id().as_raw() {
                NID_GOST_2012_256 | NID_GOST_2012_512 => {}
                NID_RSA => all_gost = false,
                other => {
                    return Err(PkiError::Unsupported(format!(
                        "key transport to a key of NID {other}"
                    )));
                }
            }
        }
        if c_int::try_from(data.len()).is_err() {
            return Err(PkiError::Unsupported(format!(
                "an envelope of {} bytes",
                data.len()
            )));
        }
        let cipher = if all_gost { c"gost89" } else { c"aes-256-cbc" };
        cms_encrypt(recipients, data, cipher, all_gost).map_err(|e| {
            if e.errors().is_empty() {
                PkiError::Unsupported(format!(
                    "GOST R 34.10-2012: OpenSSL could not make the envelope ({} with the gost \
                     engine)",
                    cipher.to_string_lossy()
                ))
            } else {
                internal(e)
            }
        })
    }

    /// `EVP_PKEY_CTRL_CIPHER`: tells a recipient's key which content cipher the envelope uses.
    const EVP_PKEY_CTRL_CIPHER: c_int = 12;
    /// `CMS_BINARY`, `CMS_PARTIAL` and `CMS_KEY_PARAM` (openssl/cms.h).
    const CMS_BINARY: c_uint = 0x80;
    const CMS_PARTIAL: c_uint = 0x4000;
    const CMS_KEY_PARAM: c_uint = 0x40000;
    /// NIDs (openssl/obj_mac.h): GOST 28147-89, the GOST R 34.10-2012 keys, RSA.
    const NID_GOST_28147_89: c_int = 813;
    const NID_GOST_2012_256: c_int = 979;
    const NID_GOST_2012_512: c_int = 980;
    const NID_RSA: c_int = 6;

    /// libcrypto's opaque types, seen only through pointers.
    #[repr(C)]
    struct Bio([u8; 0]);
    #[repr(C)]
    struct Cipher([u8; 0]);
    #[repr(C)]
    struct Cms([u8; 0]);
    #[repr(C)]
    struct Recipient([u8; 0]);
    #[repr(C)]
    struct PkeyCtxRaw([u8; 0]);
    #[repr(C)]
    struct Cert([u8; 0]);

    // libcrypto (linked by the openssl crate): what `openssl cms -encrypt` calls and the
    // openssl crate does not offer.
    unsafe extern "C" {
        fn d2i_X509(out: *mut *mut Cert, der: *mut *const u8, len: c_long) -> *mut Cert;
        fn X509_free(cert: *mut Cert);
        fn BIO_new_mem_buf(buf: *const c_void, len: c_int) -> *mut Bio;
        fn BIO_free(bio: *mut Bio) -> c_int;
        fn EVP_get_cipherbyname(name: *const c_char) -> *const Cipher;
        fn CMS_encrypt(
            certs: *mut c_void,
            data: *mut Bio,
            cipher: *const Cipher,
            flags: c_uint,
        ) -> *mut Cms;
        fn CMS_add1_recipient_cert(cms: *mut Cms, cert: *mut Cert, flags: c_uint)
        -> *mut Recipient;
        fn CMS_RecipientInfo_get0_pkey_ctx(ri: *mut Recipient) -> *mut PkeyCtxRaw;
        fn EVP_PKEY_CTX_ctrl(
            ctx: *mut PkeyCtxRaw,
            keytype: c_int,
            optype: c_int,
            cmd: c_int,
            p1: c_int,
            p2: *mut c_void,
        ) -> c_int;
        fn CMS_final(cms: *mut Cms, data: *mut Bio, dcont: *mut Bio, flags: c_uint) -> c_int;
        fn i2d_CMS_ContentInfo(cms: *const Cms, out: *mut *mut u8) -> c_int;
        fn CMS_ContentInfo_free(cms: *mut Cms);
    }

    /// The steps of `openssl cms -encrypt` (apps/cms.c), which `CMS_encrypt` with the
    /// certificates (what the openssl crate's `CmsContentInfo::encrypt` calls) skips: the
    /// envelope is begun empty (`CMS_PARTIAL`), each recipient is added with `CMS_KEY_PARAM` so
    /// that its key context exists before the key transport is set up (the gost engine's
    /// `ASN1_PKEY_CTRL_CMS_ENVELOPE` needs it: without it, "ctrl failure"), the GOST keys are
    /// told the content cipher (`gost_cipher`), and `CMS_final` encrypts.
    fn cms_encrypt(
        recipients: &[&[u8]],
        data: &[u8],
        cipher: &CStr,
        gost_cipher: bool,
    ) -> Result<Vec<u8>, ErrorStack> {
        // (`envelope` refuses larger contents.)
        let Ok(len) = c_int::try_from(data.len()) else {
            return Err(ErrorStack::get());
        };
        let flags = CMS_BINARY;
        // SAFETY: every pointer handed to libcrypto is either one it returned in this block and
        // has not been freed, checked non-null before use, or points into `data`, `recipients`
        // or `cipher`, which outlive the block (the memory BIO only reads `data`, and is freed
        // here). `d2i_X509` reads at most `der.len()` bytes. `CMS_add1_recipient_cert` takes its
        // own reference to the certificate, so each is freed here once; the recipient and key
        // context pointers belong to the envelope and are not freed separately. The DER is
        // written into a buffer of the length `i2d_CMS_ContentInfo` asked for. Every object made
        // here is freed on every path (`X509_free` and `BIO_free` accept null).
        let der = unsafe {
            let cipher = EVP_get_cipherbyname(cipher.as_ptr());
            let bio = BIO_new_mem_buf(data.as_ptr().cast(), len);
            let certs: Vec<*mut Cert> = recipients
                .iter()
                .map(|der| {
                    let mut p = der.as_ptr();
                    d2i_X509(std::ptr::null_mut(), &mut p, der.len() as c_long)
                })
                .collect();
            let mut ok = !cipher.is_null() && !bio.is_null() && certs.iter().all(|c| !c.is_null());
            let cms = if ok {
                CMS_encrypt(std::ptr::null_mut(), bio, cipher, flags | CMS_PARTIAL)
            } else {
                std::ptr::null_mut()
            };
            ok = ok && !cms.is_null();
            for &cert in &certs {
                if !ok {
                    break;
                }
                let ri = CMS_add1_recipient_cert(cms, cert, flags | CMS_PARTIAL | CMS_KEY_PARAM);
                let ctx = if ri.is_null() {
                    std::ptr::null_mut()
                } else {
                    CMS_RecipientInfo_get0_pkey_ctx(ri)
                };
                ok = !ctx.is_null()
                    && (!gost_cipher || {
                        let set = EVP_PKEY_CTX_ctrl(
                            ctx,
                            -1,
                            -1,
                            EVP_PKEY_CTRL_CIPHER,
                            NID_GOST_28147_89,
                            std::ptr::null_mut(),
                        );
                        // -2: this key has no use for it (as `openssl cms` takes it).
                        set > 0 || set == -2
                    });
            }
            ok = ok && CMS_final(cms, bio, std::ptr::null_mut(), flags) == 1;
            let mut out = None;
            if ok {
                let n = i2d_CMS_ContentInfo(cms, std::ptr::null_mut());
                if n > 0 {
                    let mut buf = vec![0u8; n as usize];
                    let mut p = buf.as_mut_ptr();
                    if i2d_CMS_ContentInfo(cms, &mut p) == n {
                        out = Some(buf);
                    }
                }
            }
            if !cms.is_null() {
                CMS_ContentInfo_free(cms);
            }
            for cert in certs {
                X509_free(cert);
            }
            BIO_free(bio);
            out
        };
        // What was left on OpenSSL's error stack (the error, or a key's "not supported" answer
        // to the cipher) is not for a later call.
        let errors = ErrorStack::get();
        der.ok_or(errors)
    }
}

#[cfg(all(test, feature = "gost"))]
mod tests {
    use chrono::Duration;
    use der::{Decode, Tagged};
    use openssl::cms::{CMSOptions, CmsContentInfo};
    use openssl::pkey::PKey;
    use openssl::x509::X509;

    use super::*;
    use crate::pki::Authority;

    fn subject() -> Subject {
        Subject {
            inn: "6676130154".into(),
            kpp: Some("667601001".into()),
            fio: "Иванов Иван".into(),
            organization: Some("ООО \"Ромашка\", филиал".into()),
            ogrn: Some("1026605606620".into()),
        }
    }

    /// A detached GOST CMS signature by OpenSSL, as `openssl cms -sign -binary` makes it.
    fn sign(issued: &Issued, content: &[u8]) -> Vec<u8> {
        let cert = X509::from_der(&issued.certificate_der).unwrap();
        let key = PKey::private_key_from_pem(issued.private_key_pem.as_bytes()).unwrap();
        CmsContentInfo::sign(
            Some(&cert),
            Some(&key),
            None,
            Some(content),
            CMSOptions::DETACHED | CMSOptions::BINARY,
        )
        .unwrap()
        .to_der()
        .unwrap()
    }

    #[test]
    fn gost_certificates_chain_and_carry_the_inn() {
        let ca = Authority::new();
        for algorithm in [KeyAlgorithm::Gost2012_256, KeyAlgorithm::Gost2012_512] {
            let issued = ca.issue(&subject(), algorithm).unwrap();
            let info = ca
                .check_certificate(&issued.certificate_der, Utc::now())
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
            let key = PKey::private_key_from_pem(issued.private_key_pem.as_bytes()).unwrap();
            let expected = if algorithm == KeyAlgorithm::Gost2012_256 {
                979
            } else {
                980
            };
            assert_eq!(key.id().as_raw(), expected);
            // ИНН ЮЛ and ОГРН as NumericString.
            let cert = x509_cert::Certificate::from_der(&issued.certificate_der).unwrap();
            let numeric: Vec<_> = cert
                .tbs_certificate
                .subject
                .0
                .iter()
                .flat_map(|rdn| rdn.0.iter())
                .filter(|atv| atv.oid.to_string().starts_with("1.2.643.100."))
                .map(|atv| (atv.oid.to_string(), atv.value.tag()))
                .collect();
            assert_eq!(
                numeric,
                [
                    ("1.2.643.100.4".to_string(), der::Tag::NumericString),
                    ("1.2.643.100.1".to_string(), der::Tag::NumericString),
                ]
            );
            let other = Authority::new();
            assert_eq!(
                other.check_certificate(&issued.certificate_der, Utc::now()),
                Err(PkiError::Untrusted)
            );
        }
    }

    #[test]
    fn a_twelve_digit_inn_is_read_back() {
        let ca = Authority::new();
        let issued = ca
            .issue(
                &Subject {
                    inn: "500100732259".into(),
                    fio: "Петров Пётр Петрович, индивидуальный предприниматель, глава КФХ «Заря»"
                        .into(),
                    ogrn: Some("304500116000157".into()),
                    ..Default::default()
                },
                KeyAlgorithm::Gost2012_256,
            )
            .unwrap();
        let info = ca
            .check_certificate(&issued.certificate_der, Utc::now())
            .unwrap();
        assert_eq!(info.inn.as_deref(), Some("500100732259"));
        assert!(info.common_name.ends_with("«Заря»"), "{info:?}");
        assert_eq!(info.organization, None);
    }

    #[test]
    fn gost_detached_signatures_verify_over_the_exact_bytes() {
        let ca = Authority::new();
        for algorithm in [KeyAlgorithm::Gost2012_256, KeyAlgorithm::Gost2012_512] {
            let issued = ca.issue(&subject(), algorithm).unwrap();
            let content = b"<File/>".repeat(20_000);
            let sig = sign(&issued, &content);
            let now = Utc::now();
            let info = ca.verify_detached(&sig, content.as_slice(), now).unwrap();
            assert_eq!(info.inn.as_deref(), Some("6676130154"));
            let mut tampered = content.clone();
            tampered[5] ^= 1;
            assert_eq!(
                ca.verify_detached(&sig, tampered.as_slice(), now),
                Err(PkiError::BadSignature)
            );
            let mut bad_sig = sig.clone();
            let last = bad_sig.len() - 1;
            bad_sig[last] ^= 1;
            assert_eq!(
                ca.verify_detached(&bad_sig, content.as_slice(), now),
                Err(PkiError::BadSignature)
            );
            let later = now + Duration::days(3 * 365);
            assert_eq!(
                ca.verify_detached(&sig, content.as_slice(), later),
                Err(PkiError::Expired(later))
            );
            let earlier = now - Duration::days(2);
            assert_eq!(
                ca.verify_detached(&sig, content.as_slice(), earlier),
                Err(PkiError::Expired(earlier))
            );
            let other = Authority::new();
            assert_eq!(
                other.verify_detached(&sig, content.as_slice(), now),
                Err(PkiError::Untrusted)
            );
        }
    }

    #[test]
    fn the_sandboxs_own_gost_signatures_are_streebog_and_verify() {
        let ca = Authority::new();
        let signer = ca.gost_signer(&subject()).unwrap();
        let content = b"<File/>".repeat(5_000);
        let sig = signer.sign_detached(&content);
        // OpenSSL's CMS with the key's own digest: Streebog-256, signed attributes.
        let ci = cms::content_info::ContentInfo::from_der(&sig).unwrap();
        let signed: cms::signed_data::SignedData = ci.content.decode_as().unwrap();
        let info = signed.signer_infos.0.iter().next().unwrap();
        assert_eq!(info.digest_alg.oid.to_string(), OID_STREEBOG_256);
        assert!(info.signed_attrs.is_some());
        // Read back as the sandbox reads signatures: its own verify path, the signer's
        // certificate (from the GOST CA) and thumbprint.
        let now = Utc::now();
        let verified = ca.verify_detached(&sig, content.as_slice(), now).unwrap();
        assert_eq!(verified.inn.as_deref(), Some("6676130154"));
        let (der, described) = crate::pki::signer_certificate(&sig).unwrap();
        assert_eq!(der, signer.certificate_der);
        assert_eq!(described, verified);
        assert_eq!(
            described.thumbprint,
            crate::pki::thumbprint(&signer.certificate_der)
        );
        let cert = X509::from_der(&der).unwrap();
        assert_eq!(cert.public_key().unwrap().id().as_raw(), 979);
        let mut tampered = content.clone();
        tampered[3] ^= 1;
        assert_eq!(
            ca.verify_detached(&sig, tampered.as_slice(), now),
            Err(PkiError::BadSignature)
        );
        // And as OpenSSL reads it, against the GOST CA.
        let ca_cert = X509::from_der(&ca.gost_certificate_der().unwrap()).unwrap();
        let mut store = openssl::x509::store::X509StoreBuilder::new().unwrap();
        store.add_cert(ca_cert).unwrap();
        let store = store.build();
        let mut parsed = CmsContentInfo::from_der(&sig).unwrap();
        parsed
            .verify(None, Some(&store), Some(&content), None, CMSOptions::BINARY)
            .unwrap();
    }

    #[test]
    fn the_signer_of_a_gost_signature_is_read() {
        let ca = Authority::new();
        let issued = ca.issue(&subject(), KeyAlgorithm::Gost2012_256).unwrap();
        let sig = sign(&issued, b"<File/>");
        let (der, info) = crate::pki::signer_certificate(&sig).unwrap();
        assert_eq!(der, issued.certificate_der);
        assert_eq!(info.inn.as_deref(), Some("6676130154"));
    }
}

#[cfg(all(test, not(feature = "gost")))]
mod tests {
    use super::*;
    use crate::pki::Authority;

    #[test]
    fn without_the_feature_gost_is_refused_by_name() {
        let ca = Authority::new();
        let refused = ca
            .issue(&Subject::default(), KeyAlgorithm::Gost2012_256)
            .unwrap_err();
        let message = refused.to_string();
        assert!(message.contains("`gost`"), "{message}");
        assert!(message.contains("libengine-gost-openssl"), "{message}");
        let Err(refused) = ca.gost_signer(&Subject::default()) else {
            panic!("a GOST signer without GOST");
        };
        let message = refused.to_string();
        assert!(message.contains("`gost`"), "{message}");
        assert!(message.contains("libengine-gost-openssl"), "{message}");
    }
}
