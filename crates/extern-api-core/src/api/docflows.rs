//! The docflows of an account: one with its documents, the search with every documented
//! filter (typed) and its pages as a `Stream`, and what is stored on a docflow's documents.

use chrono::{DateTime, Utc};
use extern_api_raw::prelude::*;
use extern_api_raw::types::{self, DocflowPageItem};
use futures::Stream;
use uuid::Uuid;

use super::page::{Page, stream_all};
use crate::model::urn::{DocflowType, SuccessState};
use crate::model::validate::{self, InvalidInput};
use crate::{Error, ExternClient, Idempotency};

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

/// The docflows of one account: `client.account(id).docflows()`.
#[derive(Debug, Clone, Copy)]
pub struct Docflows<'a> {
    client: &'a ExternClient,
    account: Uuid,
}

impl<'a> Docflows<'a> {
    pub(crate) fn new(client: &'a ExternClient, account: Uuid) -> Self {
        Self { client, account }
    }

    /// One docflow, with its documents.
    pub async fn get(&self, docflow: Uuid) -> Result<types::Docflow, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.docflows_get()
                    .account_id(account)
                    .docflow_id(docflow)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// One page of docflows matching `filter`, starting at `skip`.
    pub async fn page(
        &self,
        filter: &DocflowFilter,
        skip: u64,
    ) -> Result<Page<DocflowPageItem>, Error> {
        filter.validate()?;
        let account_id = self.account;
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
            .client
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
        Ok(Page {
            total: Some(
                page.total_count
                    .unwrap_or(skip as i64 + page.docflows_page_item.len() as i64)
                    .max(0) as u64,
            ),
            items: page.docflows_page_item,
            skip,
        })
    }

    /// Every docflow matching `filter`, page by page, as a stream. Pages are fetched as the
    /// stream is read, so memory holds one page at a time.
    ///
    /// ```no_run
    /// # async fn demo(client: extern_api_core::ExternClient, account: uuid::Uuid) -> Result<(), extern_api_core::Error> {
    /// use futures::TryStreamExt;
    /// use extern_api_core::api::DocflowFilter;
    /// use extern_api_core::model::urn::{DocflowType, SuccessState};
    ///
    /// let filter = DocflowFilter { types: vec![DocflowType::Fns534Report], success_states: vec![SuccessState::Failed], ..Default::default() };
    /// let failed: Vec<_> = client.account(account).docflows().all(filter).try_collect().await?;
    /// println!("{} refused reports", failed.len());
    /// # Ok(()) }
    /// ```
    pub fn all(
        &self,
        filter: DocflowFilter,
    ) -> impl Stream<Item = Result<DocflowPageItem, Error>> + 'a {
        let this = *self;
        let filter = std::sync::Arc::new(filter);
        stream_all(move |skip| {
            let filter = filter.clone();
            async move { this.page(&filter, skip).await }
        })
    }

    /// The plain content of an encrypted document, stored on the docflow (the demand check
    /// reads it there).
    pub async fn save_decrypted_content(
        &self,
        docflow: Uuid,
        document: Uuid,
        content: Uuid,
    ) -> Result<(), Error> {
        let account = self.account;
        let body = types::DecryptedContentRequest {
            content_id: content,
        };
        let body = &body;
        self.client
            .call(Idempotency::Idempotent, move |c| async move {
                c.docflows_save_decrypted_content()
                    .account_id(account)
                    .docflow_id(docflow)
                    .document_id(document)
                    .body(body.clone())
                    .send()
                    .await
            })
            .await?;
        Ok(())
    }

    /// A signature of a document (DER).
    pub async fn signature_content(
        &self,
        docflow: Uuid,
        document: Uuid,
        signature: Uuid,
    ) -> Result<Vec<u8>, Error> {
        use base64::Engine;
        let account = self.account;
        let encoded = self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.docflows_get_document_signature_content()
                    .account_id(account)
                    .docflow_id(docflow)
                    .document_id(document)
                    .signature_id(signature)
                    .send()
                    .await
            })
            .await?
            .into_inner();
        base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .map_err(|e| Error::protocol_with(format!("signature {signature} is not base64"), e))
    }

    /// Starts printing a document to PDF (a deferred task); `content` prints that content
    /// (e.g. the decrypted one) instead of the document's own. Answers the task's id.
    pub async fn print(
        &self,
        docflow: Uuid,
        document: Uuid,
        content: Option<Uuid>,
    ) -> Result<Uuid, Error> {
        let account = self.account;
        let body = types::PrintRequest {
            content: None,
            content_id: content,
        };
        let body = &body;
        Ok(self
            .client
            .call(Idempotency::Once, move |c| async move {
                c.docflows_print_document()
                    .account_id(account)
                    .docflow_id(docflow)
                    .document_id(document)
                    .deferred(true)
                    .body(body.clone())
                    .send()
                    .await
            })
            .await?
            .into_inner()
            .id)
    }

    /// A task of a document (its print task) as it stands.
    pub async fn document_task(
        &self,
        docflow: Uuid,
        document: Uuid,
        task: Uuid,
    ) -> Result<types::ApiTask, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.docflows_get_document_task()
                    .account_id(account)
                    .docflow_id(docflow)
                    .document_id(document)
                    .api_task_id(task)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// `check-demand`: the error codes that allow declining a demand (empty: nothing wrong).
    pub async fn check_demand(&self, docflow: Uuid) -> Result<Vec<String>, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.docflows_check_demand()
                    .account_id(account)
                    .docflow_id(docflow)
                    .send()
                    .await
            })
            .await?
            .into_inner()
            .error_codes)
    }
}
