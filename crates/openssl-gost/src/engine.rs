//! Applying the configuration through libcrypto.

use std::ffi::CString;
use std::io::Write;
use std::os::raw::{c_char, c_int, c_ulong};

use crate::{CONFIG, Unavailable};

unsafe extern "C" {
    // libcrypto: applies a configuration file's modules (here, `engines`) to the process.
    fn CONF_modules_load_file(
        filename: *const c_char,
        appname: *const c_char,
        flags: c_ulong,
    ) -> c_int;
}

/// Applies [`CONFIG`] to the process; called once, by [`load`](crate::load).
pub(crate) fn load() -> Result<(), Unavailable> {
    openssl::init();
    let mut file = tempfile::NamedTempFile::new()
        .map_err(|e| Unavailable(format!("cannot write its configuration: {e}")))?;
    file.write_all(CONFIG.as_bytes())
        .map_err(|e| Unavailable(format!("cannot write its configuration: {e}")))?;
    let path = CString::new(file.path().to_string_lossy().as_bytes())
        .map_err(|_| Unavailable("the temporary path holds a NUL byte".into()))?;
    // SAFETY: both pointers are valid NUL-terminated strings (or null, which the function takes
    // as "the default application") for the whole call; OpenSSL copies what it keeps, and the
    // OnceLock above makes this the only call in the process.
    let loaded = unsafe { CONF_modules_load_file(path.as_ptr(), std::ptr::null(), 0) };
    // What OpenSSL says went wrong is on its error stack; take it so that it is not reported
    // against a later, unrelated call.
    let stack = openssl::error::ErrorStack::get();
    if loaded <= 0 {
        return Err(Unavailable(stack.to_string()));
    }
    // The configuration may load without the engine taking effect: ask for a GOST digest.
    if openssl::hash::MessageDigest::from_name("md_gost12_256").is_none() {
        return Err(Unavailable("OpenSSL knows no Streebog digest".into()));
    }
    Ok(())
}
