//! Signing and decryption. [`Signer`] and [`Decryptor`] say what a key can do and decide how a
//! draft, a reply or an encrypted document is handled with it: a key in memory or behind a
//! command signs the bytes here and the signature is sent; a key the service holds (the
//! extern-api-dss crate's cloud signer) signs and decrypts on the server. Workflows call the
//! trait and never ask which kind they have.
//!
//! GOST R 34.10-2012 — the only signatures the real service takes — signs through
//! `OpensslSigner` (feature `openssl`: the system's OpenSSL with its gost engine, Debian's
//! `libssl-dev` and `libengine-gost-openssl`) or through [`CommandSigner`] running CryptoPro's
//! `cryptcp` or `openssl cms`.

mod command;
mod command_decryptor;
mod command_signer;
mod decryptor;
#[cfg(feature = "openssl")]
mod openssl_decryptor;
#[cfg(feature = "openssl")]
mod openssl_key;
#[cfg(feature = "openssl")]
mod openssl_signer;
mod signer;
mod software_decryptor;
mod software_signer;
mod xmldsig;

pub use command_decryptor::CommandDecryptor;
pub use command_signer::CommandSigner;
pub use decryptor::{DecryptFuture, Decryptor};
#[cfg(feature = "openssl")]
pub use openssl_decryptor::OpensslDecryptor;
#[cfg(feature = "openssl")]
pub use openssl_signer::OpensslSigner;
pub use signer::{SignFuture, Signer, XmlAlgorithms};
pub use software_decryptor::SoftwareDecryptor;
pub use software_signer::SoftwareSigner;
pub use xmldsig::sign_enveloped;

use std::future::Future;
use std::pin::Pin;

/// An operation of a signer or decryptor under way.
pub type CryptoFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, crate::Error>> + Send + 'a>>;
