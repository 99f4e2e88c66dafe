//! Cadastral numbers (`AA:BB:CCCCCC[C]:K…`), SNILS check digits, and the address → cadastral
//! number suggestions of `POST /realty/v1/location/cadastre/suggest`.

use axum::Json;
use serde_json::{Value, json};

use super::error::{RealtyError, RealtyResult};

/// `AA:BB:CCCCCC:K` with a 6- or 7-digit quarter and an object number of 1 to 7 digits.
pub fn is_cadastral_number(s: &str) -> bool {
    let parts: Vec<&str> = s.split(':').collect();
    let digits = |p: &str, min: usize, max: usize| {
        (min..=max).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    parts.len() == 4
        && digits(parts[0], 2, 2)
        && digits(parts[1], 2, 2)
        && digits(parts[2], 6, 7)
        && digits(parts[3], 1, 7)
}

/// The test pattern that Rosreestr's robot answers with `error`: object number `0`.
pub fn is_missing_object(s: &str) -> bool {
    s.rsplit(':').next() == Some("0")
}

/// 11 digits (separators allowed) whose check number matches the first nine.
pub fn is_snils(s: &str) -> bool {
    let d: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
    if d.len() != 11
        || s.chars()
            .any(|c| !(c.is_ascii_digit() || c == '-' || c == ' '))
    {
        return false;
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
    check == d[9] * 10 + d[10]
}

/// `POST /realty/v1/location/cadastre/suggest`: objects at a structured address. The sandbox
/// answers one flat per house, with a cadastral number derived from the address.
pub async fn suggest(body: axum::body::Bytes) -> RealtyResult<Json<Value>> {
    let address: Value = serde_json::from_slice(&body)
        .map_err(|e| RealtyError::validation("api", format!("the body is not an address: {e}")))?;
    let region = address["region"]["name"].as_str().unwrap_or_default();
    if region.is_empty() {
        return Err(RealtyError::validation(
            "region.name",
            "the region is required",
        ));
    }
    let house = address["house"]["number"].as_str().unwrap_or_default();
    if house.is_empty() {
        return Err(RealtyError::validation(
            "house.number",
            "the house number is required",
        ));
    }
    let street = address["street"]["name"].as_str().unwrap_or_default();
    let hash = address
        .to_string()
        .bytes()
        .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(b as u64));
    let number = format!(
        "77:{:02}:{:07}:{}",
        hash % 20 + 1,
        hash % 10_000_000,
        hash % 9000 + 1
    );
    Ok(Json(json!([{
        "objectId": uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, number.as_bytes()),
        "regionKey": "77",
        "objectCn": number,
        "street": format!("{street}|ул"),
        "house": format!("{house}||"),
        "apartment": address["room"]["number"].as_str().unwrap_or(""),
        "addressNotes": format!("{region}, {street}, д. {house}"),
    }])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cadastral_numbers_and_snils() {
        assert!(is_cadastral_number("77:01:0001001:1234"));
        assert!(is_cadastral_number("50:21:130101:5"));
        assert!(!is_cadastral_number("77:1:0001001:1234"));
        assert!(!is_cadastral_number("77:01:0001001"));
        assert!(!is_cadastral_number("77:01:00a1001:1"));
        assert!(is_snils("112-233-445 95"));
        assert!(!is_snils("112-233-445 96"));
        assert!(!is_snils("1122334459"));
    }
}
