//! Checks of identifiers before any request: INN (with its check digits), KPP, control unit
//! codes, files. A mistake here is cheaper to report locally than as a check protocol later.

use std::fmt;

/// Input refused before any request, with a message a person understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct InvalidInput {
    /// The input that was refused.
    pub field: &'static str,
    /// Why, for a person.
    pub message: String,
}

impl InvalidInput {
    pub(crate) fn new(field: &'static str, message: impl fmt::Display) -> Self {
        Self {
            field,
            message: message.to_string(),
        }
    }
}

/// An INN: 10 digits for a company, 12 for a person or sole proprietor, check digits valid.
pub fn inn(value: &str) -> Result<(), InvalidInput> {
    let digits: Vec<u32> = value
        .chars()
        .map(|c| c.to_digit(10))
        .collect::<Option<_>>()
        .ok_or_else(|| InvalidInput::new("inn", format!("{value:?} must contain digits only")))?;
    let check = |weights: &[u32], at: usize| {
        weights.iter().zip(&digits).map(|(w, d)| w * d).sum::<u32>() % 11 % 10 == digits[at]
    };
    match digits.len() {
        10 if check(&[2, 4, 10, 3, 5, 9, 4, 6, 8], 9) => Ok(()),
        12 if check(&[7, 2, 4, 10, 3, 5, 9, 4, 6, 8], 10)
            && check(&[3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8], 11) =>
        {
            Ok(())
        }
        10 | 12 => Err(InvalidInput::new(
            "inn",
            format!("{value:?}: the check digit is wrong (a typo?)"),
        )),
        n => Err(InvalidInput::new(
            "inn",
            format!("{value:?} has {n} digits; a company INN has 10, a person's 12"),
        )),
    }
}

/// A KPP: 9 characters, `NNNNXXNNN` where XX are digits or capital Latin letters.
pub fn kpp(value: &str) -> Result<(), InvalidInput> {
    let b = value.as_bytes();
    let ok = b.len() == 9
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4..6]
            .iter()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        && b[6..].iter().all(u8::is_ascii_digit);
    if ok {
        Ok(())
    } else {
        Err(InvalidInput::new(
            "kpp",
            format!("{value:?} is not a KPP (9 characters, e.g. 667601001)"),
        ))
    }
}

/// An FNS inspection code: 4 digits.
pub fn inspection(value: &str) -> Result<(), InvalidInput> {
    if value.len() == 4 && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(InvalidInput::new(
            "recipient",
            format!("{value:?} is not an FNS inspection code (4 digits, e.g. 0087)"),
        ))
    }
}

/// A Rosstat territorial body code: `NN-NN`.
pub fn togs(value: &str) -> Result<(), InvalidInput> {
    let b = value.as_bytes();
    if b.len() == 5 && b[2] == b'-' && b[..2].iter().chain(&b[3..]).all(u8::is_ascii_digit) {
        Ok(())
    } else {
        Err(InvalidInput::new(
            "recipient",
            format!("{value:?} is not a Rosstat code (NN-NN, e.g. 00-87)"),
        ))
    }
}

/// The Social Fund's registration number of an insurer (ЕРН): `NNN-NNN-NNNNNN`.
pub fn sfr_registration_number(value: &str) -> Result<(), InvalidInput> {
    let groups: Vec<&str> = value.split('-').collect();
    let shaped = groups.iter().map(|g| g.len()).eq([3, 3, 6])
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()));
    if shaped {
        Ok(())
    } else {
        Err(InvalidInput::new(
            "recipient",
            format!(
                "{value:?} is not an SFR registration number (ЕРН: NNN-NNN-NNNNNN, e.g. 087-101-000101)"
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inns() {
        assert!(inn("6676130154").is_ok());
        assert!(inn("7701234560").is_ok());
        assert!(inn("500100732259").is_ok());
        assert!(
            inn("6676130155")
                .unwrap_err()
                .message
                .contains("check digit")
        );
        assert!(inn("123").unwrap_err().message.contains("3 digits"));
        assert!(
            inn("66761301x4")
                .unwrap_err()
                .message
                .contains("digits only")
        );
    }

    #[test]
    fn kpps_and_codes() {
        assert!(kpp("667601001").is_ok());
        assert!(kpp("7701AB001").is_ok());
        assert!(kpp("66760100").is_err());
        assert!(inspection("0087").is_ok());
        assert!(inspection("87").is_err());
        assert!(togs("00-87").is_ok());
        assert!(togs("0087").is_err());
    }
}
