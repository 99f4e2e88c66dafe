//! A docflow's robot: the answers still to come, and when.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};

/// One answer of an authority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Step {
    Receipt,
    Accepted,
    Declined,
    Processed,
    Precise,
    StatAccepted,
    StatDeclined,
    /// The inspection's receipt on a demand's acceptance or decline.
    DemandResultReceipt,
}

/// The answers still to come for one docflow.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Robot {
    pub steps: VecDeque<(DateTime<Utc>, Step)>,
}
