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
        "1151001" => Some((
            "Налоговая декларация по налогу на добавленную стоимость",
            "НДС",
        )),
        "1165050" => Some((
            "Требование о представлении документов (информации)",
            "Требование",
        )),
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

/// The months an FNS period code covers (`Период`: quarters 21/31/33/34, their 5x twins, the
/// year 90/92; 12 and 94 as the accounting statements' year — 94 is what the vendor's sample
/// NO_BUHOTCH report carries; that it means the whole year is our assumption).
fn months(code: &str) -> Option<(u32, u32)> {
    Some(match code.trim() {
        "21" | "51" => (1, 3),
        "31" | "52" => (1, 6),
        "33" | "53" => (1, 9),
        "34" | "90" | "92" | "94" | "12" => (1, 12),
        _ => return None,
    })
}

/// The first and last day of an FNS reporting period (`Период` code, `ОтчетГод`).
pub fn period_dates(code: &str, year: &str) -> Option<(chrono::NaiveDate, chrono::NaiveDate)> {
    let year: i32 = year.trim().parse().ok()?;
    let (first, last) = months(code)?;
    let begin = chrono::NaiveDate::from_ymd_opt(year, first, 1)?;
    let next = if last == 12 {
        chrono::NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        chrono::NaiveDate::from_ymd_opt(year, last + 1, 1)?
    };
    Some((begin, next.pred_opt()?))
}

/// The period's bounds in the docflow description's form, without an offset
/// (`2024-01-01T00:00:00.0000000`).
pub fn period(code: &str, year: &str) -> Option<(String, String)> {
    let (begin, end) = period_dates(code, year)?;
    let day = |d: chrono::NaiveDate| format!("{}T00:00:00.0000000", d.format("%Y-%m-%d"));
    Some((day(begin), day(end)))
}

/// The period as people name it (`I кв. 2024`, `2024 год`).
pub fn period_name(code: &str, year: &str) -> String {
    match months(code).map(|(_, last)| last) {
        Some(3) => format!("I кв. {year}"),
        Some(6) => format!("полугодие {year}"),
        Some(9) => format!("9 месяцев {year}"),
        Some(12) => format!("{year} год"),
        _ => format!("{code} {year}"),
    }
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
