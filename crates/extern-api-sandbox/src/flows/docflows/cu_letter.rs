//! A letter from the inspection (`urn:docflow:fns534-cu-letter`): `received` until the
//! subscriber sends its receipt.

use crate::flows::kind::{Applies, Has::*, Kind, rule};
use crate::state::vocabulary::{DocflowStatus as S, SuccessState as R};

pub const KIND: Kind = Kind {
    applies: Applies::Type(crate::state::urns::CU_LETTER),
    rules: &[rule(
        &[Sent("urn:document:fns534-cu-letter-receipt")],
        S::Finished,
        R::Successful,
    )],
    otherwise: Some((S::Received, R::Neutral)),
    ..Kind::EMPTY
};
