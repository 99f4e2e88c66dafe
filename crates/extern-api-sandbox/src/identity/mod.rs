//! Who is calling: the identity provider (token endpoint and its grants) and the admission of
//! API requests.

pub mod auth;
pub mod logins;
pub mod oidc;
pub mod scope;
