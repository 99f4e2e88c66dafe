//! What the sandbox keeps: the store and its entities, the clock, the configuration and the
//! vocabulary of statuses. This room imports no handler, flow or HTTP module: they depend on it,
//! never the reverse.

mod builder;
pub mod clock;
mod cloud;
pub mod config;
mod content;
pub mod derived;
mod description;
mod documents;
mod identity;
mod made;
mod organization;
pub mod persist;
pub mod realty;
mod robot;
mod sedo;
mod shared;
mod store;
mod tracked;
pub mod urns;
pub mod vocabulary;
mod warrant;

pub use builder::{Builder, BuilderDocument, BuilderFile};
pub use cloud::{CloudCertificate, ConfirmType, Operation, Target};
pub use content::{Content, PartData, Sealed};
pub use description::Description;
pub use documents::Documents;
pub use identity::{Challenge, DeviceLogin, Partner, Publisher};
pub use organization::{GosuslugiAuthorization, Settings};
pub use realty::RealtyStore;
pub use robot::{Robot, Step};
pub use sedo::{DocumentsRequest, PfrReply, PfrReplyDocument};
pub use shared::{OTHER_LOGIN, Shared, memory_content};
pub use store::*;
pub use warrant::{Warrant, find_warrant};
