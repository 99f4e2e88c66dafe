//! Documents from the authorities are stored encrypted for the organization's certificates, as
//! the vendor stores them: gzip, then CMS EnvelopedData (RSA key transport, AES-256-CBC) with one
//! recipient per RSA certificate the organization has. The plain variant is listed only once the
//! subscriber has stored the decrypted content (or had it decrypted in the cloud).

use aes::cipher::{BlockDecryptMut, KeyIvInit, block_padding::Pkcs7};
use cms::builder::{
    ContentEncryptionAlgorithm, EnvelopedDataBuilder, KeyEncryptionInfo,
    KeyTransRecipientInfoBuilder,
};
use cms::enveloped_data::{EnvelopedData, RecipientIdentifier, RecipientInfo};
use der::{Decode, Encode};

use crate::model::Store;

const OID_RSA: &str = "1.2.840.113549.1.1.1";

/// An encrypted variant of a document: its content and whom it is encrypted for.
#[derive(Debug, Clone)]
pub struct Sealed {
    pub content_id: uuid::Uuid,
    /// Serial numbers (hex) of the recipients' certificates.
    pub serials: Vec<String>,
    /// `encrypted-content-size`.
    pub size: u64,
}

/// A DER `ContentInfo` of EnvelopedData, and the serial numbers of its recipients.
pub type Enveloped = (Vec<u8>, Vec<String>);

/// CMS EnvelopedData of `data` for every RSA certificate among `recipients`; `None` when none
/// of them can receive it (ECDSA certificates cannot with key transport).
pub fn envelope(recipients: &[Vec<u8>], data: &[u8]) -> Result<Option<Enveloped>, String> {
    use rsa::pkcs1::DecodeRsaPublicKey;
    let mut rng = rand_core::OsRng;
    let mut builders = Vec::new();
    let mut serials = Vec::new();
    for der in recipients {
        let cert = x509_cert::Certificate::from_der(der).map_err(|e| e.to_string())?;
        let spki = &cert.tbs_certificate.subject_public_key_info;
        if spki.algorithm.oid.to_string() != OID_RSA {
            continue;
        }
        let key = rsa::RsaPublicKey::from_pkcs1_der(spki.subject_public_key.raw_bytes())
            .map_err(|e| e.to_string())?;
        let rid = RecipientIdentifier::IssuerAndSerialNumber(cms::cert::IssuerAndSerialNumber {
            issuer: cert.tbs_certificate.issuer.clone(),
            serial_number: cert.tbs_certificate.serial_number.clone(),
        });
        serials.push(
            cert.tbs_certificate
                .serial_number
                .as_bytes()
                .iter()
                .map(|b| format!("{b:02X}"))
                .collect(),
        );
        builders.push((rid, key));
    }
    if builders.is_empty() {
        return Ok(None);
    }
    // The recipients' random sources must outlive the builder that borrows them.
    let mut rngs: Vec<rand_core::OsRng> = builders.iter().map(|_| rand_core::OsRng).collect();
    let mut builder =
        EnvelopedDataBuilder::new(None, data, ContentEncryptionAlgorithm::Aes256Cbc, None)
            .map_err(|e| e.to_string())?;
    for ((rid, key), r) in builders.into_iter().zip(rngs.iter_mut()) {
        let recipient = KeyTransRecipientInfoBuilder::new(rid, KeyEncryptionInfo::Rsa(key), r)
            .map_err(|e| e.to_string())?;
        builder
            .add_recipient_info(recipient)
            .map_err(|e| e.to_string())?;
    }
    let enveloped = builder
        .build_with_rng(&mut rng)
        .map_err(|e| e.to_string())?;
    let content = der::Any::encode_from(&enveloped).map_err(|e| e.to_string())?;
    let info = cms::content_info::ContentInfo {
        content_type: const_oid::db::rfc5911::ID_ENVELOPED_DATA,
        content,
    };
    Ok(Some((info.to_der().map_err(|e| e.to_string())?, serials)))
}

/// The RSA certificates of the organization with this INN (issued signers and cloud certificates).
pub fn recipients(store: &Store, inn: &str) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    for s in store
        .signers
        .iter()
        .filter(|s| s.info.inn.as_deref() == Some(inn))
    {
        if !out.contains(&s.der) {
            out.push(s.der.clone());
        }
    }
    out
}

/// Zip (one entry, `name`), then encrypt for the organization; stores the result as a content.
pub fn seal(
    store: &mut Store,
    account: uuid::Uuid,
    inn: &str,
    name: &str,
    plain: &[u8],
    compression: crate::compression::Compression,
) -> Option<Sealed> {
    let recipients = recipients(store, inn);
    seal_to(store, account, &recipients, name, plain, compression)
}

/// Zip (one entry, `name`), then encrypt for `recipients` (DER certificates; RSA ones are used);
/// stores the result as a content. `None` when no recipient can receive it.
pub fn seal_to(
    store: &mut Store,
    account: uuid::Uuid,
    recipients: &[Vec<u8>],
    name: &str,
    plain: &[u8],
    compression: crate::compression::Compression,
) -> Option<Sealed> {
    if recipients.is_empty() {
        return None;
    }
    let zipped = compression.pack(name, plain).ok()?;
    let (sealed, serials) = envelope(recipients, &zipped).ok()??;
    let content_id = crate::shared::memory_content(store, account, &sealed);
    Some(Sealed {
        content_id,
        serials,
        size: sealed.len() as u64,
    })
}

/// Opens a sealed document with an RSA key: decrypt, then unzip.
pub fn open(key: &rsa::RsaPrivateKey, sealed: &[u8]) -> Result<Vec<u8>, String> {
    let info = cms::content_info::ContentInfo::from_der(sealed).map_err(|e| e.to_string())?;
    let data: EnvelopedData = info.content.decode_as().map_err(|e| e.to_string())?;
    let cek = data
        .recip_infos
        .0
        .iter()
        .filter_map(|r| match r {
            RecipientInfo::Ktri(k) => key.decrypt(rsa::Pkcs1v15Encrypt, k.enc_key.as_bytes()).ok(),
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
    crate::compression::unpack(&buf, 64 * 1024 * 1024)
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
        let zipped = crate::compression::zip("a.xml", b"<xml/>").unwrap();
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
}
