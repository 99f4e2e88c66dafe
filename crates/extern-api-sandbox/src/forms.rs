//! What the docflow description says of a report's form and period
//! (`form-version.form-fullname`/`form-shortname`, `period-begin`/`period-end`, as the docflow in
//! docs/FNS/report/send_report.rst's send-task result shows them).

/// The full and short names of a form by its KND. The vendor's handbook (`/v1/handbooks/fns-forms`)
/// is not reachable here: known forms carry their official titles, others a generic one.
pub fn names(knd: &str) -> (String, String) {
    let known = match knd {
        // docs/FNS/report/send_report.rst
        "1151006" => Some((
            "Налоговая декларация по налогу на прибыль организаций",
            "Налог на прибыль",
        )),
        "0710099" => Some(("Бухгалтерская (финансовая) отчетность", "Бухотчетность")),
        "1151111" => Some(("Расчет по страховым взносам", "РСВ")),
        "1151100" => Some((
            "Расчет сумм налога на доходы физических лиц, исчисленных и удержанных налоговым агентом",
            "6-НДФЛ",
        )),
        _ => None,
    };
    match known {
        Some((full, short)) => (full.to_string(), short.to_string()),
        None => (format!("Форма по КНД {knd}"), knd.to_string()),
    }
}

/// The first and last day of an FNS reporting period (`Период` code, `ОтчетГод`), in the vendor's
/// form without an offset (`2024-01-01T00:00:00.0000000`).
pub fn period(code: &str, year: &str) -> Option<(String, String)> {
    let year: i32 = year.trim().parse().ok()?;
    let (first, last) = match code.trim() {
        "21" | "51" => ((1, 1), (3, 31)),
        "31" | "52" => ((1, 1), (6, 30)),
        "33" | "53" => ((1, 1), (9, 30)),
        "34" | "90" | "92" => ((1, 1), (12, 31)),
        _ => return None,
    };
    let day = |(m, d): (u32, u32)| {
        chrono::NaiveDate::from_ymd_opt(year, m, d)
            .map(|d| format!("{}T00:00:00.0000000", d.format("%Y-%m-%d")))
    };
    Some((day(first)?, day(last)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_and_names() {
        assert_eq!(
            period("21", "2024").unwrap(),
            (
                "2024-01-01T00:00:00.0000000".to_string(),
                "2024-03-31T00:00:00.0000000".to_string()
            )
        );
        assert!(period("99", "2024").is_none());
        assert!(period("34", "x").is_none());
        assert_eq!(names("1151006").1, "Налог на прибыль");
        assert_eq!(names("9999999").1, "9999999");
    }
}
