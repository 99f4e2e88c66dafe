//! The replies a demand (требование) of the tax service takes, by document type.

/// The receipt (извещение о получении).
pub const DEMAND_RECEIPT: &str = "fns534-demand-receipt";
/// The acceptance (квитанция о приёме, КоП).
pub const DEMAND_ACCEPTANCE: &str = "fns534-demand-acceptance-result-positive";
/// The decline (уведомление об отказе, УО).
pub const DEMAND_DECLINE: &str = "fns534-demand-acceptance-result-negative";
/// The demand KNDs whose answer is an inventory of documents.
pub const DEMAND_INVENTORY_KNDS: &[&str] = &["1165050", "1165013", "1152006", "1153007", "1125008"];

/// Replies that are alternatives to choose between (a demand's acceptance or decline), not
/// automatic answers.
pub(crate) fn needs_decision(reply_type: &str) -> bool {
    let t = reply_type.trim_start_matches("urn:document:");
    t == DEMAND_ACCEPTANCE || t == DEMAND_DECLINE
}
