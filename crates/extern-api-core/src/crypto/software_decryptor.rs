//! A decryptor for RSA keys held in memory (PKCS#8 PEM): key transport, AES-CBC content — what
//! the certificate login and encrypted documents need.

use aes::cipher::{BlockDecryptMut, KeyIvInit, block_padding::Pkcs7};
use cms::content_info::ContentInfo;
use cms::enveloped_data::{EnvelopedData, RecipientIdentifier, RecipientInfo};
use der::Decode;
use pkcs8::DecodePrivateKey;

use super::{DecryptFuture, Decryptor};
use crate::Error;

/// Decrypts with an RSA private key held in memory (PKCS#8 PEM).
pub struct SoftwareDecryptor {
    key: rsa::RsaPrivateKey,
    certificate: Vec<u8>,
    parsed: x509_cert::Certificate,
}

impl std::fmt::Debug for SoftwareDecryptor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SoftwareDecryptor")
            .field("subject", &self.parsed.tbs_certificate.subject.to_string())
            .finish_non_exhaustive()
    }
}

impl SoftwareDecryptor {
    /// An RSA key in PKCS#8 PEM and its certificate in DER.
    pub fn from_pem(private_key_pem: &str, certificate_der: Vec<u8>) -> Result<Self, Error> {
        let parsed = x509_cert::Certificate::from_der(&certificate_der)
            .map_err(|e| Error::signing_with("the certificate is not X.509 DER", e))?;
        let key = rsa::RsaPrivateKey::from_pkcs8_pem(private_key_pem)
            .map_err(|e| Error::signing_with("the private key is not a PKCS#8 PEM RSA key", e))?;
        Ok(Self {
            key,
            certificate: certificate_der,
            parsed,
        })
    }

    fn decrypt_now(&self, enveloped: &[u8]) -> Result<Vec<u8>, Error> {
        let bad = |what: String| Error::signing(format!("cannot decrypt: {what}"));
        let info = ContentInfo::from_der(enveloped).map_err(|e| bad(format!("not CMS: {e}")))?;
        let data: EnvelopedData = info
            .content
            .decode_as()
            .map_err(|e| bad(format!("not EnvelopedData: {e}")))?;
        let mine = data
            .recip_infos
            .0
            .iter()
            .find_map(|r| match r {
                RecipientInfo::Ktri(k) => match &k.rid {
                    RecipientIdentifier::IssuerAndSerialNumber(ias)
                        if ias.issuer == self.parsed.tbs_certificate.issuer
                            && ias.serial_number == self.parsed.tbs_certificate.serial_number =>
                    {
                        Some(k)
                    }
                    RecipientIdentifier::SubjectKeyIdentifier(_) => Some(k),
                    _ => None,
                },
                _ => None,
            })
            .ok_or_else(|| bad("it is not encrypted for this certificate".into()))?;
        let key = self
            .key
            .decrypt(rsa::Pkcs1v15Encrypt, mine.enc_key.as_bytes())
            .map_err(|_| bad("the content key does not decrypt with this key".into()))?;
        let eci = &data.encrypted_content;
        let iv = eci
            .content_enc_alg
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<der::asn1::OctetString>().ok())
            .ok_or_else(|| bad("no IV".into()))?;
        let mut content = eci
            .encrypted_content
            .as_ref()
            .ok_or_else(|| bad("no encrypted content".into()))?
            .as_bytes()
            .to_vec();
        let oid = eci.content_enc_alg.oid.to_string();
        let plain_len = match (oid.as_str(), key.len()) {
            ("2.16.840.1.101.3.4.1.2", 16) => {
                cbc::Decryptor::<aes::Aes128>::new_from_slices(&key, iv.as_bytes())
                    .map_err(|e| bad(e.to_string()))?
                    .decrypt_padded_mut::<Pkcs7>(&mut content)
                    .map(|p| p.len())
            }
            ("2.16.840.1.101.3.4.1.22", 24) => {
                cbc::Decryptor::<aes::Aes192>::new_from_slices(&key, iv.as_bytes())
                    .map_err(|e| bad(e.to_string()))?
                    .decrypt_padded_mut::<Pkcs7>(&mut content)
                    .map(|p| p.len())
            }
            ("2.16.840.1.101.3.4.1.42", 32) => {
                cbc::Decryptor::<aes::Aes256>::new_from_slices(&key, iv.as_bytes())
                    .map_err(|e| bad(e.to_string()))?
                    .decrypt_padded_mut::<Pkcs7>(&mut content)
                    .map(|p| p.len())
            }
            (other, _) => return Err(bad(format!("unsupported content encryption {other}"))),
        }
        .map_err(|_| bad("wrong padding (a wrong key?)".into()))?;
        content.truncate(plain_len);
        Ok(content)
    }
}

impl Decryptor for SoftwareDecryptor {
    fn certificate(&self) -> &[u8] {
        &self.certificate
    }

    fn decrypt<'a>(&'a self, enveloped: &'a [u8]) -> DecryptFuture<'a> {
        Box::pin(async move { self.decrypt_now(enveloped) })
    }
}
