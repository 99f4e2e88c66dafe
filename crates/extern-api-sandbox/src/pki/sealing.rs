//! Documents from the authorities are stored encrypted for the organization's certificates, as
//! the vendor stores them: compressed (one entry), then CMS EnvelopedData with one recipient per
//! certificate of the organization that can receive it. The plain variant is listed only once
//! the subscriber has stored the decrypted content (or had it decrypted in the cloud).
//!
//! - RSA certificates: RSA key transport (PKCS#1 v1.5), AES-256-CBC. With RSA certificates only,
//!   the envelope is made here (RustCrypto), with or without the feature `gost`.
//! - GOST R 34.10-2012 certificates, with the cargo feature `gost` (built without it they receive
//!   nothing, as ECDSA certificates never do): GOST key transport (VKO GOST R 34.10-2012 with the
//!   GOST 28147-89 key wrap, RFC 4490) and GOST 28147-89 content encryption, as the authorities
//!   send them and as `openssl cms -encrypt -gost89` writes them; made by the system OpenSSL with
//!   its gost engine ([`crate::pki::gost::envelope`]). `openssl cms -decrypt` with the engine opens
//!   them, and so does the SDK's `OpensslDecryptor` once the engine is loaded.
//! - An organization with both: one envelope holds every recipient (GOST and RSA key transport
//!   side by side), and its content is then AES-256-CBC, the one cipher both sides open: RSA
//!   holders without GOST (the SDK's `SoftwareDecryptor`, the sandbox's cloud keys) still open
//!   it, and GOST holders open it with OpenSSL as before. The content is GOST 28147-89 only
//!   when every recipient is GOST — the real service's case, where every certificate is.
//!
//! `encrypted-certificates` lists the serial numbers of all the envelope's recipients. A document
//! for an organization without such a certificate is stored plain.

use aes::cipher::{BlockDecryptMut, KeyIvInit, block_padding::Pkcs7};
use cms::builder::{
    ContentEncryptionAlgorithm, EnvelopedDataBuilder, KeyEncryptionInfo,
    KeyTransRecipientInfoBuilder,
};
use cms::enveloped_data::{EnvelopedData, RecipientIdentifier, RecipientInfo};
use der::{Decode, Encode};

pub const OID_RSA: &str = "1.2.840.113549.1.1.1";

/// A DER `ContentInfo` of EnvelopedData, and the serial numbers of its recipients.
pub type Enveloped = (Vec<u8>, Vec<String>);

/// CMS EnvelopedData of `data` for every certificate among `recipients` that can receive one:
/// RSA ones, and GOST ones with the feature `gost` (see the module's documentation); `None` when
/// none of them can (ECDSA certificates cannot with key transport).
pub fn envelope(recipients: &[Vec<u8>], data: &[u8]) -> Result<Option<Enveloped>, String> {
    let parsed = Recipients::parse(recipients)?;
    if parsed.gost {
        return gost_envelope(&parsed.all, data).map(|sealed| Some((sealed, parsed.serials)));
    }
    if parsed.rsa.is_empty() {
        return Ok(None);
    }
    rsa_envelope(parsed.rsa, data, |_| rand_core::OsRng)
        .map(|sealed| Some((sealed, parsed.serials)))
}

/// The same envelope every time for the same `seed`: RSA recipients only (OpenSSL draws its own
/// randomness for GOST ones, so then `None`, as when no recipient can receive one). Derived
/// contents are made again on each read, and a client may read one in ranges.
pub fn envelope_seeded(
    recipients: &[Vec<u8>],
    data: &[u8],
    seed: [u8; 32],
) -> Result<Option<Enveloped>, String> {
    use rand_core::SeedableRng;
    let parsed = Recipients::parse(recipients)?;
    if parsed.gost || parsed.rsa.is_empty() {
        return Ok(None);
    }
    // One stream for the content key and IV (index 0), one per recipient's padding after it.
    let stream = |i: usize| {
        let mut rng = rand_chacha::ChaCha20Rng::from_seed(seed);
        rng.set_stream(i as u64);
        rng
    };
    rsa_envelope(parsed.rsa, data, stream).map(|sealed| Some((sealed, parsed.serials)))
}

/// The recipients of an envelope, sorted by how they receive it.
struct Recipients<'a> {
    rsa: Vec<(RecipientIdentifier, rsa::RsaPublicKey)>,
    /// Every recipient that can receive one, in the order given: RSA and GOST alike go to
    /// OpenSSL when a GOST one is among them.
    all: Vec<&'a [u8]>,
    gost: bool,
    serials: Vec<String>,
}

impl<'a> Recipients<'a> {
    fn parse(recipients: &'a [Vec<u8>]) -> Result<Self, String> {
        use rsa::pkcs1::DecodeRsaPublicKey;
        let mut out = Recipients {
            rsa: Vec::new(),
            all: Vec::new(),
            gost: false,
            serials: Vec::new(),
        };
        for der in recipients {
            let cert = x509_cert::Certificate::from_der(der).map_err(|e| e.to_string())?;
            let spki = &cert.tbs_certificate.subject_public_key_info;
            let oid = spki.algorithm.oid.to_string();
            if oid == OID_RSA {
                let key = rsa::RsaPublicKey::from_pkcs1_der(spki.subject_public_key.raw_bytes())
                    .map_err(|e| e.to_string())?;
                let rid =
                    RecipientIdentifier::IssuerAndSerialNumber(cms::cert::IssuerAndSerialNumber {
                        issuer: cert.tbs_certificate.issuer.clone(),
                        serial_number: cert.tbs_certificate.serial_number.clone(),
                    });
                out.rsa.push((rid, key));
            } else if receives_gost(&oid) {
                out.gost = true;
            } else {
                continue;
            }
            out.all.push(der);
            out.serials.push(serial_hex(&cert));
        }
        Ok(out)
    }
}

/// The serial number of a certificate, as `encrypted-certificates` lists it: hex, upper case.
fn serial_hex(cert: &x509_cert::Certificate) -> String {
    cert.tbs_certificate
        .serial_number
        .as_bytes()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}

/// Whether a key of this algorithm receives envelopes the GOST way: GOST R 34.10-2012, with the
/// feature `gost`.
pub fn receives_gost(oid: &str) -> bool {
    cfg!(feature = "gost") && crate::pki::gost::is_gost_key(oid)
}

#[cfg(feature = "gost")]
fn gost_envelope(recipients: &[&[u8]], data: &[u8]) -> Result<Vec<u8>, String> {
    crate::pki::gost::envelope(recipients, data).map_err(|e| e.to_string())
}

/// Never called: without the feature no certificate receives envelopes the GOST way.
#[cfg(not(feature = "gost"))]
fn gost_envelope(_: &[&[u8]], _: &[u8]) -> Result<Vec<u8>, String> {
    Err("GOST envelopes need the cargo feature `gost`".into())
}

/// RSA key transport, AES-256-CBC (RustCrypto): a DER `ContentInfo`.
/// `rng(0)` draws the content key, `rng(i)` recipient `i`'s padding.
fn rsa_envelope<R: rand_core::CryptoRngCore>(
    recipients: Vec<(RecipientIdentifier, rsa::RsaPublicKey)>,
    data: &[u8],
    rng: impl Fn(usize) -> R,
) -> Result<Vec<u8>, String> {
    let mut content_rng = rng(0);
    // The recipients' random sources must outlive the builder that borrows them.
    let mut rngs: Vec<R> = (1..=recipients.len()).map(&rng).collect();
    let mut builder =
        EnvelopedDataBuilder::new(None, data, ContentEncryptionAlgorithm::Aes256Cbc, None)
            .map_err(|e| e.to_string())?;
    for ((rid, key), r) in recipients.into_iter().zip(rngs.iter_mut()) {
        let recipient = KeyTransRecipientInfoBuilder::new(rid, KeyEncryptionInfo::Rsa(key), r)
            .map_err(|e| e.to_string())?;
        builder
            .add_recipient_info(recipient)
            .map_err(|e| e.to_string())?;
    }
    let enveloped = builder
        .build_with_rng(&mut content_rng)
        .map_err(|e| e.to_string())?;
    let content = der::Any::encode_from(&enveloped).map_err(|e| e.to_string())?;
    let info = cms::content_info::ContentInfo {
        content_type: const_oid::db::rfc5911::ID_ENVELOPED_DATA,
        content,
    };
    info.to_der().map_err(|e| e.to_string())
}

/// Opens a sealed document with an RSA key: decrypt, then unzip. Its content must be AES-256-CBC
/// (what every envelope with an RSA recipient has).
pub fn open(key: &rsa::RsaPrivateKey, sealed: &[u8]) -> Result<Vec<u8>, String> {
    let info = cms::content_info::ContentInfo::from_der(sealed).map_err(|e| e.to_string())?;
    let data: EnvelopedData = info.content.decode_as().map_err(|e| e.to_string())?;
    let cek = data
        .recip_infos
        .0
        .iter()
        .filter_map(|r| match r {
            // RSA key transport only: a GOST recipient's key is not for an RSA key.
            RecipientInfo::Ktri(k) if k.key_enc_alg.oid.to_string() == OID_RSA => {
                key.decrypt(rsa::Pkcs1v15Encrypt, k.enc_key.as_bytes()).ok()
            }
            _ => None,
        })
        .next()
        .ok_or("the document is not encrypted for this key")?;
    let eci = &data.encrypted_content;
    let iv = eci
        .content_enc_alg
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<der::asn1::OctetString>().ok())
        .ok_or("no IV")?;
    let mut buf = eci
        .encrypted_content
        .as_ref()
        .ok_or("no content")?
        .as_bytes()
        .to_vec();
    let n = cbc::Decryptor::<aes::Aes256>::new_from_slices(&cek, iv.as_bytes())
        .map_err(|e| e.to_string())?
        .decrypt_padded_mut::<Pkcs7>(&mut buf)
        .map_err(|_| "wrong padding".to_string())?
        .len();
    buf.truncate(n);
    crate::formats::compression::unpack(&buf, 64 * 1024 * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::{Authority, Subject};

    #[test]
    fn sealed_documents_open_with_the_recipients_key_only() {
        let ca = Authority::new();
        let subject = Subject {
            inn: "6676130154".into(),
            fio: "Тест".into(),
            ..Default::default()
        };
        let (a, b, ecdsa) = (
            ca.rsa_signer(&subject),
            ca.rsa_signer(&subject),
            ca.signer(&subject),
        );
        let zipped = crate::formats::compression::zip("a.xml", b"<xml/>").unwrap();
        let (sealed, serials) = envelope(
            &[a.certificate_der.clone(), ecdsa.certificate_der.clone()],
            &zipped,
        )
        .unwrap()
        .unwrap();
        assert_eq!(serials.len(), 1, "ECDSA certificates are skipped");
        assert_eq!(open(a.rsa_key().unwrap(), &sealed).unwrap(), b"<xml/>");
        assert!(open(b.rsa_key().unwrap(), &sealed).is_err());
        assert!(
            envelope(std::slice::from_ref(&ecdsa.certificate_der), b"x")
                .unwrap()
                .is_none()
        );
    }

    /// GOST certificates receive envelopes the GOST way; with RSA ones beside them, AES-256-CBC.
    #[cfg(feature = "gost")]
    #[test]
    fn gost_certificates_receive_gost_envelopes() {
        use crate::pki::KeyAlgorithm;
        use openssl::cms::CmsContentInfo;
        use openssl::pkey::PKey;
        use openssl::x509::X509;

        let ca = Authority::new();
        let subject = Subject {
            inn: "6676130154".into(),
            fio: "Тест".into(),
            ..Default::default()
        };
        let gost = ca.issue(&subject, KeyAlgorithm::Gost2012_256).unwrap();
        let gost512 = ca.issue(&subject, KeyAlgorithm::Gost2012_512).unwrap();
        let rsa = ca.rsa_signer(&subject);
        let opens = |issued: &crate::pki::Issued, sealed: &[u8]| {
            let key = PKey::private_key_from_pem(issued.private_key_pem.as_bytes()).unwrap();
            let cert = X509::from_der(&issued.certificate_der).unwrap();
            CmsContentInfo::from_der(sealed)
                .unwrap()
                .decrypt(&key, &cert)
                .map_err(|e| e.to_string())
        };
        let content_cipher = |sealed: &[u8]| {
            let info = cms::content_info::ContentInfo::from_der(sealed).unwrap();
            let data: EnvelopedData = info.content.decode_as().unwrap();
            data.encrypted_content.content_enc_alg.oid.to_string()
        };
        let recipients = [
            gost.certificate_der.clone(),
            gost512.certificate_der.clone(),
        ];
        let (sealed, serials) = envelope(&recipients, b"secret").unwrap().unwrap();
        assert_eq!(serials.len(), 2);
        assert_eq!(content_cipher(&sealed), "1.2.643.2.2.21", "GOST 28147-89");
        assert_eq!(opens(&gost, &sealed).unwrap(), b"secret");
        assert_eq!(opens(&gost512, &sealed).unwrap(), b"secret");
        let stranger = ca.issue(&subject, KeyAlgorithm::Gost2012_256).unwrap();
        assert!(opens(&stranger, &sealed).is_err());

        let zipped = crate::formats::compression::zip("a.xml", b"<xml/>").unwrap();
        let (sealed, serials) = envelope(
            &[rsa.certificate_der.clone(), gost.certificate_der.clone()],
            &zipped,
        )
        .unwrap()
        .unwrap();
        assert_eq!(serials.len(), 2);
        assert_eq!(
            content_cipher(&sealed),
            "2.16.840.1.101.3.4.1.42",
            "AES-256-CBC"
        );
        assert_eq!(open(rsa.rsa_key().unwrap(), &sealed).unwrap(), b"<xml/>");
        assert_eq!(opens(&gost, &sealed).unwrap(), zipped);
    }
}
