//! The reporting calendar of an account's organizations: the forms each files, every deadline in
//! a window with its state (sent, accepted, not sent after the deadline…), the docflows behind a
//! deadline, and the tax payments that follow from the forms.
//!
//! ```no_run
//! # async fn demo(client: extern_api_core::ExternClient, account: uuid::Uuid) -> Result<(), extern_api_core::Error> {
//! use extern_api_core::raw::types::SearchReportsRequest;
//!
//! let request = SearchReportsRequest {
//!     date_from: None, // three months back
//!     date_to: None,   // three months ahead
//!     include_deleted: None,
//!     organization_ids: Vec::new(), // every organization of the account
//!     skip: None,
//!     take: None,
//! };
//! for table in client.account(account).reports_tables().search(&request).await?.items {
//!     for form in &table.forms {
//!         for due in form.deadlines.iter().filter(|d| d.status.as_deref() == Some("not-sent")) {
//!             println!("{:?}: {:?} by {:?}", table.organization_id, form.form_info.as_ref().and_then(|f| f.knd.clone()), due.deadline);
//!         }
//!     }
//! }
//! # Ok(()) }
//! ```

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::page::Page;
use crate::raw::prelude::*;
use crate::raw::types;
use crate::{Error, ExternClient, Idempotency};

/// The reporting calendar of one account: `client.account(id).reports_tables()`.
#[derive(Debug, Clone, Copy)]
pub struct ReportsTables<'a> {
    client: &'a ExternClient,
    account: Uuid,
}

impl<'a> ReportsTables<'a> {
    pub(crate) fn new(client: &'a ExternClient, account: Uuid) -> Self {
        Self { client, account }
    }

    /// The forms of the organizations `request` names (all when it names none) with their
    /// deadlines in its window; a page of organizations (`request.skip`, `request.take`).
    pub async fn search(
        &self,
        request: &types::SearchReportsRequest,
    ) -> Result<Page<types::ReportsTable>, Error> {
        let account = self.account;
        let list = self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.reports_tables_search()
                    .account_id(account)
                    .body(request.clone())
                    .send()
                    .await
            })
            .await?
            .into_inner();
        Ok(Page {
            items: list.reports_tables,
            skip: request.skip.unwrap_or(0).max(0) as u64,
            total: None,
        })
    }

    /// The tax payments of the organizations `request` names (all when it names none) due in its
    /// window; a page of organizations (`request.skip`, `request.take`).
    pub async fn search_payments(
        &self,
        request: &types::SearchPaymentsRequest,
    ) -> Result<Page<types::OrganizationPayments>, Error> {
        let account = self.account;
        let list = self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.reports_tables_search_payments()
                    .account_id(account)
                    .body(request.clone())
                    .send()
                    .await
            })
            .await?
            .into_inner();
        Ok(Page {
            items: list.organization_payments,
            skip: list.skip.or(request.skip).unwrap_or(0).max(0) as u64,
            total: list.total_count.map(|t| t.max(0) as u64),
        })
    }

    /// The forms an organization files (name, KND, periodicity); `include_deleted` lists those
    /// removed from its table too.
    pub async fn forms(
        &self,
        organization: Uuid,
        include_deleted: bool,
    ) -> Result<Vec<types::FormInfo>, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.reports_tables_get_forms()
                    .account_id(account)
                    .org_id(organization)
                    .include_deleted(include_deleted)
                    .send()
                    .await
            })
            .await?
            .into_inner()
            .forms)
    }

    /// The docflows behind one deadline of a form (the reports sent for that period, oldest
    /// first): the form's id and the deadline's date and period as [`search`](Self::search)
    /// answers them.
    pub async fn report_docflows(
        &self,
        organization: Uuid,
        form_id: i32,
        deadline: DateTime<Utc>,
        period_year: i32,
        period_number: i32,
    ) -> Result<Vec<types::ReportsTableDocflow>, Error> {
        let account = self.account;
        let deadline = deadline.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let deadline = &deadline;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.reports_tables_get_report_docflows()
                    .account_id(account)
                    .org_id(organization)
                    .form_id(form_id)
                    .deadline(deadline.clone())
                    .period_year(period_year)
                    .period_number(period_number)
                    .send()
                    .await
            })
            .await?
            .into_inner()
            .docflows)
    }
}
