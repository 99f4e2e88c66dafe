//! Signing and decryption. [`Signer`] and [`Decryptor`] say what a key can do and decide how a
//! draft, a reply or an encrypted document is handled with it: a key in memory or behind a
//! command signs the bytes here and the signature is sent; a key the service holds (the
//! extern-api-dss crate's cloud signer) signs and decrypts on the server. Workflows call the
//! trait and never ask which kind they have.

mod command_signer;
mod decryptor;
mod signer;
mod software_decryptor;
mod software_signer;

pub use command_signer::CommandSigner;
pub use decryptor::{DecryptFuture, Decryptor};
pub use signer::{SignFuture, Signer};
pub use software_decryptor::SoftwareDecryptor;
pub use software_signer::SoftwareSigner;

use std::future::Future;
use std::pin::Pin;

/// An operation of a signer or decryptor under way.
pub type CryptoFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, crate::Error>> + Send + 'a>>;
