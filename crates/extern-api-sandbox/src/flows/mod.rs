//! What happens to a docflow after it is sent: each docflow type declared as data
//! ([`docflows`], in the form of [`kind`]), the lifecycle engine that gives statuses from
//! documents and replies, and the scheduler of the robots that answer for the authorities on the
//! sandbox clock.

pub mod docflows;
pub mod kind;
pub mod lifecycle;
pub mod robots;
pub mod sealing;
