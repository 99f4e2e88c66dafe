//! Typed URNs: docflow and document types, statuses, success states, task states. Each has an
//! `Unknown` case that keeps the raw value, so a value the server adds tomorrow never breaks
//! decoding. Both spellings the vendor uses are read: kebab-case (`response-arrived`) and
//! camelCase (`responseArrived`), with or without the `urn:…:` prefix.

use std::fmt;

/// `responseArrived` → `response-arrived`; kebab-case stays as it is.
fn kebab(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for (i, c) in s.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

macro_rules! urn_enum {
    ($(#[$meta:meta])* $name:ident, $prefix:literal, { $($(#[$vmeta:meta])* $variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $(#[doc = concat!("`", $prefix, $wire, "`")] $(#[$vmeta])* $variant,)+
            /// A value this SDK does not know yet, as the server sent it.
            Unknown(String),
        }

        impl $name {
            /// The URN prefix, e.g. `urn:docflow:`.
            pub const PREFIX: &'static str = $prefix;

            /// Reads a value in any of the vendor's spellings; never fails.
            pub fn parse(value: &str) -> Self {
                let bare = value.trim().strip_prefix($prefix).unwrap_or(value.trim());
                match kebab(bare).as_str() {
                    $($wire => Self::$variant,)+
                    _ => Self::Unknown(value.to_string()),
                }
            }

            /// The value without its URN prefix, as query parameters take it.
            pub fn name(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Unknown(raw) => raw.strip_prefix($prefix).unwrap_or(raw),
                }
            }

            /// The full URN.
            pub fn urn(&self) -> String {
                match self {
                    Self::Unknown(raw) if raw.starts_with("urn:") => raw.clone(),
                    other => format!("{}{}", $prefix, other.name()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.urn())
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::parse(value)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.urn())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Ok(Self::parse(&s))
            }
        }
    };
}

urn_enum!(
    /// `urn:docflow-common-status:…`
    DocflowStatus, "urn:docflow-common-status:", {
        Sent => "sent",
        Delivered => "delivered",
        ResponseArrived => "response-arrived",
        ResponseProcessed => "response-processed",
        Finished => "finished",
        Received => "received",
        Arrived => "arrived",
        Processed => "processed",
    }
);

urn_enum!(
    /// `urn:docflow-state:…`: how the docflow went.
    SuccessState, "urn:docflow-state:", {
        /// Still in progress.
        Neutral => "neutral",
        Successful => "successful",
        /// Refused or in error: send again.
        Failed => "failed",
        /// Accepted with remarks (a precise notice).
        Warning => "warning",
    }
);

urn_enum!(
    /// `urn:docflow:…`
    DocflowType, "urn:docflow:", {
        Fns534Report => "fns534-report",
        Fns534Demand => "fns534-demand",
        Fns534Inventory => "fns534-inventory",
        Fns534Letter => "fns534-letter",
        Fns534CuLetter => "fns534-cu-letter",
        Fns534Submission => "fns534-submission",
        Fns534Ion => "fns534-ion",
        Fns534Application => "fns534-application",
        StatReport => "stat-report",
        StatLetter => "stat-letter",
        SfrReport => "sfr-report",
        PfrReport => "pfr-report",
        BusinessRegistration => "business-registration",
    }
);

urn_enum!(
    /// `urn:document:…` (only the kinds the SDK reacts to are named).
    DocumentType, "urn:document:", {
        Fns534Report => "fns534-report",
        Fns534ReportWarrant => "fns534-report-warrant",
        Fns534ReportAttachment => "fns534-report-attachment",
        Fns534ReportDescription => "fns534-report-description",
        Fns534ReportDateConfirmation => "fns534-report-date-confirmation",
        Fns534ReportReceipt => "fns534-report-receipt",
        Fns534ReportAcceptancePositive => "fns534-report-acceptance-result-positive",
        Fns534ReportAcceptanceNegative => "fns534-report-acceptance-result-negative",
        Fns534ReportProcessingOk => "fns534-report-processing-result-ok",
        Fns534ReportProcessingPrecise => "fns534-report-processing-result-precise",
        StatReport => "stat-report",
        StatReportReceipt => "stat-report-receipt",
        StatReportProtocolPositive => "stat-report-protocol-v2-positive",
        StatReportProtocolNegative => "stat-report-protocol-v2-negative",
        Error => "error",
    }
);

urn_enum!(
    /// The state of a long operation (no prefix on the wire).
    TaskState, "urn:task-state:", {
        Running => "running",
        Succeed => "succeed",
        Failed => "failed",
    }
);

impl DocflowStatus {
    /// Nothing more will happen.
    pub fn is_final(&self) -> bool {
        matches!(self, Self::Finished)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings_and_unknown_values() {
        assert_eq!(
            DocflowStatus::parse("urn:docflow-common-status:response-arrived"),
            DocflowStatus::ResponseArrived
        );
        assert_eq!(
            DocflowStatus::parse("responseArrived"),
            DocflowStatus::ResponseArrived
        );
        assert_eq!(
            SuccessState::parse("urn:docflow-state:warning"),
            SuccessState::Warning
        );
        let new = DocflowType::parse("urn:docflow:fss-sedo-brand-new");
        assert_eq!(
            new,
            DocflowType::Unknown("urn:docflow:fss-sedo-brand-new".into())
        );
        assert_eq!(new.name(), "fss-sedo-brand-new");
        assert_eq!(new.to_string(), "urn:docflow:fss-sedo-brand-new");
        assert_eq!(
            DocflowType::Fns534Report.to_string(),
            "urn:docflow:fns534-report"
        );
        let t: TaskState = serde_json::from_str("\"succeed\"").unwrap();
        assert_eq!(t, TaskState::Succeed);
    }
}
