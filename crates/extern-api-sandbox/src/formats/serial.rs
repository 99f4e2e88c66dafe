//! How state is written to a data directory (`--data-dir`, see `crate::state::persist`): bytes
//! as base64 (JSON arrays of numbers would triple them), and the vocabulary the model keeps as
//! `&'static str` read back as interned strings.

use std::collections::HashSet;
use std::sync::{LazyLock, Mutex};

use ::base64::Engine;
use serde::{Deserialize, Deserializer, Serializer};

const B64: ::base64::engine::GeneralPurpose = ::base64::engine::general_purpose::STANDARD;

/// The one `&'static str` for `s`: each distinct string is leaked once. The strings read back
/// are the model's vocabulary (URNs, kinds, content types): a few hundred at most.
pub fn intern(s: &str) -> &'static str {
    static SEEN: LazyLock<Mutex<HashSet<&'static str>>> = LazyLock::new(Default::default);
    let mut seen = SEEN.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(found) = seen.get(s) {
        return found;
    }
    let leaked: &'static str = Box::leak(s.to_owned().into_boxed_str());
    seen.insert(leaked);
    leaked
}

/// A string of the model's vocabulary, written with [`interned`]. Fields use the alias because
/// serde's derive, seeing `&'static str`, would ask the whole input to live for `'static`.
pub type Interned = &'static str;

/// `#[serde(with = "interned")]` for `&'static str`.
pub mod interned {
    use super::*;

    pub fn serialize<S: Serializer>(s: &&'static str, ser: S) -> Result<S::Ok, S::Error> {
        ser.serialize_str(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(de: D) -> Result<&'static str, D::Error> {
        Ok(intern(&String::deserialize(de)?))
    }
}

/// `#[serde(with = "interned_opt")]` for `Option<&'static str>`.
pub mod interned_opt {
    use super::*;

    pub fn serialize<S: Serializer>(s: &Option<&'static str>, ser: S) -> Result<S::Ok, S::Error> {
        match s {
            Some(s) => ser.serialize_some(*s),
            None => ser.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(de: D) -> Result<Option<&'static str>, D::Error> {
        Ok(Option::<String>::deserialize(de)?.map(|s| intern(&s)))
    }
}

/// `#[serde(with = "base64")]` for `Vec<u8>` and `bytes::Bytes`.
pub mod base64 {
    use super::*;

    pub fn serialize<S: Serializer>(b: &impl AsRef<[u8]>, ser: S) -> Result<S::Ok, S::Error> {
        ser.serialize_str(&B64.encode(b.as_ref()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: From<Vec<u8>>>(de: D) -> Result<T, D::Error> {
        let text = String::deserialize(de)?;
        B64.decode(text)
            .map(T::from)
            .map_err(serde::de::Error::custom)
    }
}

/// `#[serde(with = "base64_opt")]` for `Option<Vec<u8>>` and `Option<bytes::Bytes>`.
pub mod base64_opt {
    use super::*;

    pub fn serialize<S: Serializer, B: AsRef<[u8]>>(
        b: &Option<B>,
        ser: S,
    ) -> Result<S::Ok, S::Error> {
        match b {
            Some(b) => ser.serialize_some(&B64.encode(b.as_ref())),
            None => ser.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: From<Vec<u8>>>(
        de: D,
    ) -> Result<Option<T>, D::Error> {
        Option::<String>::deserialize(de)?
            .map(|text| {
                B64.decode(text)
                    .map(T::from)
                    .map_err(serde::de::Error::custom)
            })
            .transpose()
    }
}

/// `#[serde(with = "rsa_public_key")]` for `rsa::RsaPublicKey`: its SubjectPublicKeyInfo, DER.
pub mod rsa_public_key {
    use rsa::pkcs8::{DecodePublicKey, EncodePublicKey};

    use super::*;

    pub fn serialize<S: Serializer>(key: &rsa::RsaPublicKey, ser: S) -> Result<S::Ok, S::Error> {
        let der = key.to_public_key_der().map_err(serde::ser::Error::custom)?;
        ser.serialize_str(&B64.encode(der.as_bytes()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(de: D) -> Result<rsa::RsaPublicKey, D::Error> {
        let der = B64
            .decode(String::deserialize(de)?)
            .map_err(serde::de::Error::custom)?;
        rsa::RsaPublicKey::from_public_key_der(&der).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn interning_gives_one_str_per_text() {
        let a = super::intern(&String::from("urn:docflow:fns534-report"));
        let b = super::intern("urn:docflow:fns534-report");
        assert!(std::ptr::eq(a, b));
        assert_eq!(a, "urn:docflow:fns534-report");
    }
}
