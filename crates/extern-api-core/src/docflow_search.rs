//! Docflow search with every documented filter, typed, and its pages as a `Stream`.

use chrono::{DateTime, Utc};
use extern_api_raw::prelude::*;
use extern_api_raw::types::DocflowPageItem;
use futures::Stream;
use uuid::Uuid;

use crate::client::{ExternClient, Idempotency};
use crate::error::Error;
use crate::urn::{DocflowType, SuccessState};
use crate::validate::{self, InvalidInput};

/// The largest page the API serves.
pub const MAX_PAGE: u32 = 1000;

/// Which docflows to list. Empty filters match everything (but the API hides some docflow types
/// unless they are asked for by name: inventories, broadcasts, SEDO…).
#[derive(Debug, Clone, Default)]
pub struct DocflowFilter {
    /// Docflow types; several may be given.
    pub types: Vec<DocflowType>,
    /// Success states; several may be given.
    pub success_states: Vec<SuccessState>,
    /// Only finished (`true`) or unfinished (`false`) docflows.
    pub finished: Option<bool>,
    /// Only incoming (`true`) or outgoing (`false`) docflows.
    pub incoming: Option<bool>,
    /// The organization's INN and KPP (companies) or the 12-digit INN (persons).
    pub inn: Option<String>,
    /// The KPP that goes with `inn`.
    pub kpp: Option<String>,
    /// One organization of the account.
    pub organization_id: Option<Uuid>,
    /// Newest first instead of oldest first.
    pub newest_first: bool,
    /// Created at or after.
    pub created_from: Option<DateTime<Utc>>,
    /// Created at or before.
    pub created_to: Option<DateTime<Utc>>,
    /// Changed at or after.
    pub updated_from: Option<DateTime<Utc>>,
    /// Changed at or before.
    pub updated_to: Option<DateTime<Utc>>,
    /// The form's KND code.
    pub knd: Option<String>,
    /// The form's OKUD code (Rosstat).
    pub okud: Option<String>,
    /// The OKPO code (Rosstat).
    pub okpo: Option<String>,
    /// The control unit (inspection, office) code.
    pub control_unit: Option<String>,
    /// The reporting period (both ends are needed).
    pub period: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Docflows per request (default 100, at most 1000).
    pub page_size: Option<u32>,
}

impl DocflowFilter {
    fn validate(&self) -> Result<(), InvalidInput> {
        if let Some(inn) = &self.inn {
            validate::inn(inn)?;
        }
        if let Some(kpp) = &self.kpp {
            validate::kpp(kpp)?;
            if self.inn.is_none() {
                return Err(InvalidInput::new("kpp", "a KPP filter needs the INN too"));
            }
        }
        if let Some(size) = self.page_size
            && !(1..=MAX_PAGE).contains(&size)
        {
            return Err(InvalidInput::new(
                "page_size",
                format!("{size}: a page holds 1 to {MAX_PAGE} docflows"),
            ));
        }
        Ok(())
    }
}

fn lenient(t: Option<DateTime<Utc>>) -> Option<extern_api_raw::lenient::DateTime> {
    t.map(extern_api_raw::lenient::DateTime)
}

/// One page of a search.
#[derive(Debug, Clone)]
pub struct DocflowPage {
    /// The docflows of this page.
    pub items: Vec<DocflowPageItem>,
    /// How many docflows match in all.
    pub total: u64,
}

impl ExternClient {
    /// One page of docflows matching `filter`, starting at `skip`.
    pub async fn docflow_page(
        &self,
        account_id: Uuid,
        filter: &DocflowFilter,
        skip: u64,
    ) -> Result<DocflowPage, Error> {
        filter.validate()?;
        let f = filter;
        let inn_kpp = f.inn.as_ref().map(|inn| match &f.kpp {
            Some(kpp) => format!("{inn}-{kpp}"),
            None => inn.clone(),
        });
        let types: Vec<String> = f.types.iter().map(|t| t.name().to_string()).collect();
        let states: Vec<String> = f
            .success_states
            .iter()
            .map(|s| s.name().to_string())
            .collect();
        let types = &types;
        let states = &states;
        let inn_kpp = &inn_kpp;
        let page = self
            .call(Idempotency::Idempotent, move |c| async move {
                let mut b = c
                    .docflows_search()
                    .account_id(account_id)
                    .skip(skip as i64)
                    .take(f.page_size.unwrap_or(100) as i32)
                    .order_by(
                        if f.newest_first {
                            "descending"
                        } else {
                            "ascending"
                        }
                        .to_string(),
                    );
                // Optional filters are left out of the query when not set.
                macro_rules! opt {
                    ($value:expr, $setter:ident) => {
                        if let Some(v) = $value {
                            b = b.$setter(v);
                        }
                    };
                }
                opt!(f.finished, finished);
                opt!(f.incoming, incoming);
                opt!(inn_kpp.clone(), inn_kpp);
                opt!(f.organization_id, org_id);
                opt!(lenient(f.created_from), created_from);
                opt!(lenient(f.created_to), created_to);
                opt!(lenient(f.updated_from), updated_from);
                opt!(lenient(f.updated_to), updated_to);
                opt!(f.knd.clone(), knd);
                opt!(f.okud.clone(), okud);
                opt!(f.okpo.clone(), okpo);
                opt!(f.control_unit.clone(), cu);
                opt!((!types.is_empty()).then(|| types.clone()), type_);
                opt!((!states.is_empty()).then(|| states.clone()), success_state);
                opt!(
                    f.period.map(|p| extern_api_raw::lenient::DateTime(p.0)),
                    period_from
                );
                opt!(
                    f.period.map(|p| extern_api_raw::lenient::DateTime(p.1)),
                    period_to
                );
                b.send().await
            })
            .await?
            .into_inner();
        Ok(DocflowPage {
            total: page
                .total_count
                .unwrap_or(page.docflows_page_item.len() as i64)
                .max(0) as u64,
            items: page.docflows_page_item,
        })
    }

    /// Every docflow matching `filter`, page by page, as a stream. Pages are fetched as the
    /// stream is read, so memory holds one page at a time.
    ///
    /// ```no_run
    /// # async fn demo(client: extern_api_core::ExternClient, account: uuid::Uuid) -> Result<(), extern_api_core::Error> {
    /// use futures::TryStreamExt;
    /// use extern_api_core::docflow_search::DocflowFilter;
    /// use extern_api_core::urn::{DocflowType, SuccessState};
    ///
    /// let filter = DocflowFilter { types: vec![DocflowType::Fns534Report], success_states: vec![SuccessState::Failed], ..Default::default() };
    /// let failed: Vec<_> = client.docflows(account, filter).try_collect().await?;
    /// println!("{} refused reports", failed.len());
    /// # Ok(()) }
    /// ```
    pub fn docflows(
        &self,
        account_id: Uuid,
        filter: DocflowFilter,
    ) -> impl Stream<Item = Result<DocflowPageItem, Error>> + '_ {
        struct State {
            skip: u64,
            buffer: std::vec::IntoIter<DocflowPageItem>,
            done: bool,
        }
        let start = State {
            skip: 0,
            buffer: Vec::new().into_iter(),
            done: false,
        };
        futures::stream::try_unfold((start, filter), move |(mut state, filter)| async move {
            loop {
                if let Some(item) = state.buffer.next() {
                    return Ok(Some((item, (state, filter))));
                }
                if state.done {
                    return Ok(None);
                }
                let page = self.docflow_page(account_id, &filter, state.skip).await?;
                let got = page.items.len() as u64;
                state.skip += got;
                state.done = got == 0 || state.skip >= page.total;
                state.buffer = page.items.into_iter();
            }
        })
    }
}
