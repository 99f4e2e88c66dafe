//! The form of a docflow type's description (one file per type in [`super::docflows`]): what its
//! robots answer and when, which replies fall due, and the rules that give its status. The
//! lifecycle engine ([`super::lifecycle`]) and the scheduler ([`super::robots`]) interpret it.

use crate::state::Step;
use crate::state::vocabulary::{DocflowStatus, SuccessState};

/// One document a robot answers with.
#[derive(Debug, Clone, Copy)]
pub struct Answer {
    pub doc_type: &'static str,
    /// The file name's prefix (IZ, KV, UO…).
    pub prefix: &'static str,
    pub knd: &'static str,
    /// The reply due on it, if any.
    pub reply: Option<&'static str>,
    /// The event's `urn:transaction:` suffix.
    pub transaction: &'static str,
}

/// What the sender's reply of one type does.
#[derive(Debug, Clone, Copy)]
pub struct OnReply {
    /// The reply's type (without `urn:document:`).
    pub reply: &'static str,
    /// The replies that fall due on the answered document after it.
    pub then_due: &'static [&'static str],
    /// The robot's answers it sets going.
    pub robot: &'static [Step],
    /// The event's `urn:transaction:` suffix.
    pub transaction: &'static str,
}

/// A fact about a docflow's documents.
#[derive(Debug, Clone, Copy)]
pub enum Has {
    /// The authority has sent a document of one of these types (empty: of any type).
    Arrived(&'static [&'static str]),
    /// A reply is still due on an authority's document of one of these types (empty: any type).
    Due(&'static [&'static str]),
    /// The sender has sent a document of this type (a demand's receipt, acceptance…).
    Sent(&'static str),
}

/// The first rule whose facts all hold gives the state.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub when: &'static [Has],
    pub status: DocflowStatus,
    pub success: SuccessState,
}

/// A rule, written short in the tables.
pub const fn rule(when: &'static [Has], status: DocflowStatus, success: SuccessState) -> Rule {
    Rule {
        when,
        status,
        success,
    }
}

/// Any document / any type, in [`Has`].
pub const ANY: &[&str] = &[];

/// Which docflows a description drives.
#[derive(Debug, Clone, Copy)]
pub enum Applies {
    Type(&'static str),
    /// Incoming docflows whose type starts with this.
    IncomingPrefix(&'static str),
}

/// One docflow type, declared.
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    pub applies: Applies,
    /// By control unit (`None`: any other), the steps its robot answers the sent docflow with.
    /// A control unit not listed only delivers: the receipt.
    pub robots: &'static [(Option<&'static str>, &'static [Step])],
    /// The document each step brings.
    pub answers: &'static [(Step, Answer)],
    /// What the sender's replies do; a reply not listed only settles what was due.
    pub on_reply: &'static [OnReply],
    /// The status rules, in order.
    pub rules: &'static [Rule],
    /// The state when no rule holds; `None` keeps the one the docflow has.
    pub otherwise: Option<(DocflowStatus, SuccessState)>,
}

impl Kind {
    /// A description with nothing declared yet, to fill with `..`.
    pub const EMPTY: Kind = Kind {
        applies: Applies::Type(""),
        robots: &[],
        answers: &[],
        on_reply: &[],
        rules: &[],
        otherwise: None,
    };
}

/// `sent`/`neutral`: the state of a sent docflow nothing has answered yet.
pub const SENT_NEUTRAL: Option<(DocflowStatus, SuccessState)> =
    Some((DocflowStatus::Sent, SuccessState::Neutral));
