//! Incoming SEDO docflows from the Social Fund (`urn:docflow:fss-sedo-*`): `received` until the
//! SFR delivers its document (after a documents request), `response-arrived` while its read mark
//! is due, then `finished` (docs/scenarios/SFR/FSS/proactive_ algorithm.rst).

use crate::flows::kind::{ANY, Applies, Has::*, Kind, rule};
use crate::state::vocabulary::{DocflowStatus as S, SuccessState as R};

pub const KIND: Kind = Kind {
    applies: Applies::IncomingPrefix("urn:docflow:fss-sedo-"),
    rules: &[
        rule(&[Due(ANY)], S::ResponseArrived, R::Neutral),
        rule(&[Arrived(ANY)], S::Finished, R::Successful),
    ],
    ..Kind::EMPTY
};
