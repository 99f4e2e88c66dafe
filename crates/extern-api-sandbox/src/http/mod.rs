//! The HTTP room: the router, the account scope, extractors whose rejections answer in the
//! vendor's error shape, the error type itself, and the fault dice of the admission layer.

pub mod error;
pub mod extract;
pub mod faults;
