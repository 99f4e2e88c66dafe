//! Local checks of what Rosreestr would refuse: cadastral numbers and SNILS.

use crate::error::Error;

/// A cadastral number `AA:BB:CCCCCC[C]:K…` (region, district, quarter, object), checked on
/// construction.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct CadastralNumber(String);

impl CadastralNumber {
    /// Checks the shape: four groups of 2, 2, 6–7 and 1–7 digits separated by colons.
    ///
    /// ```
    /// use reestro_api::CadastralNumber;
    /// assert!(CadastralNumber::parse("77:01:0001001:1234").is_ok());
    /// assert!(CadastralNumber::parse("77-01-0001001-1234").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Self, Error> {
        let s = s.trim();
        let parts: Vec<&str> = s.split(':').collect();
        let group = |p: &str, min: usize, max: usize| {
            (min..=max).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
        };
        let ok = parts.len() == 4
            && group(parts[0], 2, 2)
            && group(parts[1], 2, 2)
            && group(parts[2], 6, 7)
            && group(parts[3], 1, 7);
        if !ok {
            return Err(Error::invalid(
                "cadastralNumber",
                format!("{s:?} is not a cadastral number (AA:BB:CCCCCC:K, digits)"),
            ));
        }
        Ok(Self(s.to_string()))
    }

    /// The number as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for CadastralNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The digits of `s`.
pub fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// Checks a SNILS: 11 digits (spaces and dashes allowed) whose last two are the check number.
///
/// ```
/// assert!(reestro_api::validate::snils("112-233-445 95").is_ok());
/// assert!(reestro_api::validate::snils("112-233-445 96").is_err());
/// ```
pub fn snils(s: &str) -> Result<(), Error> {
    let d: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
    if d.len() != 11
        || s.chars()
            .any(|c| !(c.is_ascii_digit() || c == '-' || c == ' '))
    {
        return Err(Error::invalid("snils", format!("{s:?} is not 11 digits")));
    }
    let sum: u32 = d[..9]
        .iter()
        .enumerate()
        .map(|(i, x)| x * (9 - i as u32))
        .sum();
    let check = match sum % 101 {
        100 => 0,
        n => n,
    };
    if check != d[9] * 10 + d[10] {
        return Err(Error::invalid(
            "snils",
            format!("{s:?}: the check number does not match"),
        ));
    }
    Ok(())
}
