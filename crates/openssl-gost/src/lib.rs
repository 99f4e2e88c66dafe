//! OpenSSL's `gost` engine, loaded once per process.
//!
//! GOST R 34.10-2012 keys, the Streebog digests and the GOST 28147-89 / Kuznyechik ciphers are
//! not in OpenSSL itself: the `gost` engine adds them (Debian and Ubuntu:
//! `apt install libengine-gost-openssl`). It is switched on by an OpenSSL configuration whose
//! `engines` section names it with `default_algorithms = ALL`; [`load`] applies such a
//! configuration to this process, after which the `openssl` crate reads GOST keys and
//! certificates and signs, verifies, encrypts and decrypts CMS with them.
//!
//! Built without the `engine` feature (no system OpenSSL needed), [`load`] answers
//! [`Unavailable`].
//!
//! ```no_run
//! openssl_gost::load().expect("the gost engine");
//! ```

#![warn(missing_docs)]

#[cfg(feature = "engine")]
mod engine;

/// The configuration that switches the engine on.
#[cfg_attr(not(feature = "engine"), allow(dead_code))]
const CONFIG: &str = "openssl_conf = openssl_def
[openssl_def]
engines = engine_section
[engine_section]
gost = gost_section
[gost_section]
engine_id = gost
default_algorithms = ALL
";

/// The engine could not be loaded: not installed, or OpenSSL refused the configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unavailable(pub String);

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "OpenSSL's gost engine is not available ({}); install it: apt install libengine-gost-openssl",
            self.0
        )
    }
}

impl std::error::Error for Unavailable {}

/// Loads the engine (once; later calls answer the first outcome).
pub fn load() -> Result<(), Unavailable> {
    #[cfg(feature = "engine")]
    {
        static LOADED: std::sync::OnceLock<Result<(), Unavailable>> = std::sync::OnceLock::new();
        LOADED.get_or_init(engine::load).clone()
    }
    #[cfg(not(feature = "engine"))]
    Err(Unavailable(
        "this build has no OpenSSL: enable the `engine` feature".into(),
    ))
}

#[cfg(all(test, feature = "engine"))]
mod tests {
    #[test]
    fn the_engine_brings_gost_keys() {
        // The machines that run this have the engine (CI installs it); elsewhere the error
        // names the package to install.
        match super::load() {
            Ok(()) => {
                let key = openssl::pkey::PKey::private_key_from_pem(
                    b"-----BEGIN PRIVATE KEY-----\nMEYCAQAwHwYIKoUDBwEBAQEwEwYHKoUDAgIjAQYIKoUDBwEBAgIEIACTsMUR/+0B\n7jZCOHEJNLvPsuDLmAlnk8wc5V1uckE6\n-----END PRIVATE KEY-----\n",
                );
                assert!(key.is_ok(), "{key:?}");
            }
            Err(e) => assert!(e.to_string().contains("libengine-gost-openssl"), "{e}"),
        }
    }
}
