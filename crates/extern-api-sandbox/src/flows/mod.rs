//! What happens to a docflow after it is sent: the lifecycle (statuses from documents) and the
//! robots that answer for the authorities on the sandbox clock.

pub mod catalog;
pub mod lifecycle;
pub mod machines;
pub mod robots;
pub mod sealing;
