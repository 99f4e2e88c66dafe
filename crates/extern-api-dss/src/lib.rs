//! Cloud signing and decryption for the Kontur.Extern API.
//!
//! Many organizations hold no key locally: their certificate lives in the vendor's cloud (DSS)
//! and each operation is unlocked by the holder — with an SMS code, or an approval in the myDSS
//! phone app. [`CloudSigner`] implements core's [`Signer`](extern_api_core::crypto::Signer), so
//! `send_report` and reply answering run unchanged with a cloud certificate: documents are
//! signed on the server once they are all in the draft, replies when they are generated.
//!
//! The holder is reached through a [`Confirmer`]: [`confirm_with`] (a closure: a prompt, a
//! callback) or [`ChannelConfirmer`] (a channel to a UI). Failures the vendor documents come back
//! as [`Error::Cloud`](extern_api_core::Error::Cloud) with a
//! [`CloudFailure`](extern_api_core::CloudFailure): cancelled by the holder, timeout, too many
//! wrong codes, another operation awaiting confirmation, not a cloud certificate.
//!
//! Starting an operation is repeated only when the draft was busy with another task (nothing
//! was created); confirming is never repeated blindly (the code may have been consumed);
//! polling is.

#![warn(missing_docs)]

mod channel;
mod cloud_signer;
mod confirmer;
mod operation;

pub use channel::{ChannelConfirmer, Prompt};
pub use cloud_signer::CloudSigner;
pub use confirmer::{
    CloudOperation, CodeFuture, ConfirmType, ConfirmationRequest, Confirmer, confirm_with,
};
