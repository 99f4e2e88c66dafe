//! How state is written to a data directory (`--data-dir`, see `state/persist.rs`): bytes
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

/// A string of the code's vocabulary (URNs, transactions, form codes) by a two-byte number, for
/// records held a million times: `&'static str` takes sixteen bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Term(u16);

#[derive(Default)]
struct Terms {
    list: Vec<&'static str>,
    ids: std::collections::HashMap<&'static str, u16>,
}

static TERMS: LazyLock<std::sync::RwLock<Terms>> = LazyLock::new(Default::default);

impl Term {
    /// The term for `s`: the code's own strings, a few hundred (past 65 535 distinct ones the
    /// last number is shared, which the code's vocabulary never reaches).
    pub fn of(s: &'static str) -> Self {
        if let Some(id) = TERMS.read().unwrap_or_else(|p| p.into_inner()).ids.get(s) {
            return Self(*id);
        }
        let mut terms = TERMS.write().unwrap_or_else(|p| p.into_inner());
        if let Some(id) = terms.ids.get(s) {
            return Self(*id);
        }
        let id = u16::try_from(terms.list.len()).unwrap_or(u16::MAX);
        if terms.list.len() <= usize::from(u16::MAX) {
            terms.list.push(s);
            terms.ids.insert(s, id);
        }
        Self(id)
    }

    pub fn as_str(self) -> &'static str {
        let terms = TERMS.read().unwrap_or_else(|p| p.into_inner());
        terms.list.get(usize::from(self.0)).copied().unwrap_or("")
    }
}

impl std::fmt::Debug for Term {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Term {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        ser.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Term {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        Ok(Self::of(intern(&String::deserialize(de)?)))
    }
}

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
    fn terms_read_back_their_text() {
        let a = super::Term::of("urn:transaction:receipt-test");
        assert_eq!(a, super::Term::of("urn:transaction:receipt-test"));
        assert_ne!(a, super::Term::of("urn:transaction:other-test"));
        assert_eq!(a.as_str(), "urn:transaction:receipt-test");
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(serde_json::from_str::<super::Term>(&json).unwrap(), a);
    }

    #[test]
    fn interning_gives_one_str_per_text() {
        let a = super::intern(&String::from("urn:docflow:fns534-report"));
        let b = super::intern("urn:docflow:fns534-report");
        assert!(std::ptr::eq(a, b));
        assert_eq!(a, "urn:docflow:fns534-report");
    }
}
