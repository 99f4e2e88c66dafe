//! The docflow and document types the sandbox acts on, spelled once (the vendor's URNs or their
//! suffixes, as each is compared).

pub const FNS_REPORT: &str = "urn:docflow:fns534-report";

pub const STAT_REPORT: &str = "urn:docflow:stat-report";

pub const FNS_DEMAND: &str = "urn:docflow:fns534-demand";

pub const RECEIPT: &str = "fns534-demand-receipt";

pub const ACCEPT: &str = "fns534-demand-acceptance-result-positive";

pub const DECLINE: &str = "fns534-demand-acceptance-result-negative";

/// The inspection's receipt on the subscriber's acceptance or decline. The vendor's docs do not
/// name this document type; this is the sandbox's name for it.
pub const RESULT_RECEIPT: &str = "urn:document:fns534-demand-result-receipt";

pub const CU_LETTER: &str = "urn:docflow:fns534-cu-letter";

pub const CU_LETTER_RECEIPT: &str = "fns534-cu-letter-receipt";

pub const INVENTORY: &str = "urn:drafts-builder:fns534-inventory";

pub const LETTER: &str = "urn:drafts-builder:fns534-letter";

/// The docflow types the built drafts create.
pub const INVENTORY_DOCFLOW: &str = "urn:docflow:fns534-inventory";

pub const LETTER_DOCFLOW: &str = "urn:docflow:fns534-letter";

pub const BUSINESS_REGISTRATION: &str = "urn:drafts-builder:business-registration";

pub const PFR_REPORT: &str = "urn:drafts-builder:pfr-report";

pub const BUSINESS_REGISTRATION_DOCFLOW: &str = "urn:docflow:business-registration";

pub const PFR_REPORT_DOCFLOW: &str = "urn:docflow:pfr-report";
/// The Social Fund's report (ЕФС-1, АДВ-1/2/3), signed with XMLDsig.
pub const SFR_REPORT_DOCFLOW: &str = "urn:docflow:sfr-report";
/// The confirmation of the main economic activity (ПОВЭД), sent over SEDO.
pub const OVED_CONFIRMATION_DOCFLOW: &str = "urn:docflow:fss-sedo-oved-confirmation";

/// The document a demand's requisites belong to (skbkontur/extern-csharp-sdk IDocflowsClient.cs,
/// RecognizeDocumentAsync: "документа требования с типом fns534-demand-attachment";
/// DemandAttachmentRequisites.cs).
pub const DEMAND_ATTACHMENT: &str = "urn:document:fns534-demand-attachment";
