//! The docflows of an account: one with its documents, the search with every documented
//! filter (typed) and its pages as a `Stream`, and what is stored on a docflow's documents.

use chrono::{DateTime, Utc};
use extern_api_raw::prelude::*;
use extern_api_raw::types::{self, DocflowPageItem};
use futures::Stream;
use uuid::Uuid;

use super::base64_body::decode_base64;
use super::organizations::not_blank;
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
    /// The docflows of every user of the account, not only the caller's own.
    pub for_all_users: bool,
    /// The registration number (SFR, FSS) the docflows are about.
    pub reg_number: Option<String>,
    /// The form's name, or a part of it.
    pub form_name: Option<String>,
    /// Only demands about reports (`true`) or only the other ones (`false`).
    pub demands_on_reports: Option<bool>,
    /// A demand's number: the demands that carry it.
    pub demand_number: Option<String>,
    /// Categories of SFR letters; several may be given.
    pub pfr_letter_categories: Vec<String>,
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
        for (field, value) in [
            ("reg_number", &self.reg_number),
            ("form_name", &self.form_name),
            ("demand_number", &self.demand_number),
        ] {
            if let Some(value) = value {
                not_blank(field, value)?;
            }
        }
        for category in &self.pfr_letter_categories {
            not_blank("pfr_letter_categories", category)?;
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
        let letters = &f.pfr_letter_categories;
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
                opt!(f.for_all_users.then_some(true), for_all_users);
                opt!(f.reg_number.clone(), reg_number);
                opt!(f.form_name.clone(), form_name);
                opt!(f.demands_on_reports, demands_on_reports);
                opt!(f.demand_number.clone(), demand_number);
                opt!(
                    (!letters.is_empty()).then(|| letters.clone()),
                    pfr_letter_category
                );
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
        decode_base64(&encoded, format_args!("signature {signature}"))
    }

    /// A document's description (type, file name, sizes, requisites) without its contents.
    pub async fn document_description(
        &self,
        docflow: Uuid,
        document: Uuid,
    ) -> Result<types::DocflowDocumentDescription, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.docflows_get_document_description()
                    .account_id(account)
                    .docflow_id(docflow)
                    .document_id(document)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Every signature of a document (signer, type, link to its content).
    pub async fn signatures(
        &self,
        docflow: Uuid,
        document: Uuid,
    ) -> Result<Vec<types::Signature>, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.docflows_get_document_signatures()
                    .account_id(account)
                    .docflow_id(docflow)
                    .document_id(document)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// One signature of a document (its bytes: [`signature_content`](Self::signature_content)).
    pub async fn signature(
        &self,
        docflow: Uuid,
        document: Uuid,
        signature: Uuid,
    ) -> Result<types::Signature, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.docflows_get_document_signature()
                    .account_id(account)
                    .docflow_id(docflow)
                    .document_id(document)
                    .signature_id(signature)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// The users who can be made responsible for the account's demands (the vendor shows no
    /// fields: the object goes as the service answers it).
    pub async fn demands_assignees(&self) -> Result<types::OpaqueObject, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.docflows_get_demands_assignees()
                    .account_id(account)
                    .send()
                    .await
            })
            .await?
            .into_inner())
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

    /// One document of a docflow, with its contents and signatures.
    pub async fn document(&self, docflow: Uuid, document: Uuid) -> Result<types::Document, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.docflows_get_document()
                    .account_id(account)
                    .docflow_id(docflow)
                    .document_id(document)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Every document of a docflow.
    pub async fn documents(&self, docflow: Uuid) -> Result<Vec<types::Document>, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.docflows_get_documents()
                    .account_id(account)
                    .docflow_id(docflow)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// The decrypted content of a document as its description announces it (zipped when
    /// `compressed`); the service keeps it once the document is decrypted (deprecated by the
    /// service: at most 32 MB on the test site, 64 MB in production).
    pub async fn decrypted_content(&self, docflow: Uuid, document: Uuid) -> Result<Vec<u8>, Error> {
        let account = self.account;
        let encoded = self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.docflows_get_decrypted_content()
                    .account_id(account)
                    .docflow_id(docflow)
                    .document_id(document)
                    .send()
                    .await
            })
            .await?
            .into_inner();
        decode_base64(
            &encoded,
            format_args!("the decrypted content of document {document}"),
        )
    }

    /// The encrypted content of a document (a CMS envelope; deprecated by the service, with the
    /// limits of [`decrypted_content`](Self::decrypted_content)).
    pub async fn encrypted_content(&self, docflow: Uuid, document: Uuid) -> Result<Vec<u8>, Error> {
        let account = self.account;
        let encoded = self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.docflows_get_encrypted_content()
                    .account_id(account)
                    .docflow_id(docflow)
                    .document_id(document)
                    .send()
                    .await
            })
            .await?
            .into_inner();
        decode_base64(
            &encoded,
            format_args!("the encrypted content of document {document}"),
        )
    }

    /// One page of the docflows (inventories, letters) that answer an incoming document, of
    /// `types` only when some are given.
    pub async fn related(
        &self,
        docflow: Uuid,
        document: Uuid,
        types: &[DocflowType],
        skip: u64,
        take: u32,
    ) -> Result<Page<DocflowPageItem>, Error> {
        let account = self.account;
        let take = take.clamp(1, MAX_PAGE) as i32;
        let types: Vec<String> = types.iter().map(|t| t.name().to_string()).collect();
        let types = &types;
        let page = self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                let mut b = c
                    .docflows_get_related()
                    .account_id(account)
                    .related_docflow_id(docflow)
                    .related_document_id(document)
                    .skip(skip as i64)
                    .take(take);
                if !types.is_empty() {
                    b = b.type_(types.clone());
                }
                b.send().await
            })
            .await?
            .into_inner();
        Ok(Page {
            total: page.total_count.map(|t| t.max(0) as u64),
            items: page.docflows_page_item,
            skip,
        })
    }

    /// The inventories answering an incoming document (a demand's attachment).
    pub fn inventories(&self, docflow: Uuid, document: Uuid) -> super::Inventories<'a> {
        super::Inventories::new(self.client, self.account, docflow, document)
    }

    /// Recognizes a demand (number, date, KND, INNs, deadlines) from a file uploaded to the
    /// contents service; the service writes the result into the document's requisites too.
    pub async fn recognize(
        &self,
        docflow: Uuid,
        document: Uuid,
        content: Uuid,
    ) -> Result<types::RecognizeResult, Error> {
        let account = self.account;
        let body = types::RecognizeRequest {
            content_id: content,
        };
        let body = &body;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.docflows_recognize_document()
                    .account_id(account)
                    .docflow_id(docflow)
                    .document_id(document)
                    .body(body.clone())
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// One documents request of an incoming SFR SEDO docflow.
    pub async fn documents_request(
        &self,
        docflow: Uuid,
        request: Uuid,
    ) -> Result<types::DocumentsRequest, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.docflows_get_documents_request()
                    .account_id(account)
                    .docflow_id(docflow)
                    .request_id(request)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Generates an SFR SEDO docflow's documents request for `certificate` (DER; `warrant`: MCHD).
    pub async fn generate_documents_request(
        &self,
        docflow: Uuid,
        certificate: &[u8],
        warrant: Option<Uuid>,
    ) -> Result<types::DocumentsRequest, Error> {
        use base64::Engine;
        let account = self.account;
        let body = types::GenerateDocumentsRequestRequest {
            certificate_base64: base64::engine::general_purpose::STANDARD.encode(certificate),
            machine_readable_warrant_id: warrant,
        };
        let body = &body;
        Ok(self
            .client
            .call(Idempotency::Once, move |c| async move {
                c.docflows_generate_documents_request()
                    .account_id(account)
                    .docflow_id(docflow)
                    .body(body.clone())
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Stores the raw signature (not CMS) of a documents request's `data-to-sign` (it replaces).
    pub async fn save_documents_request_signature(
        &self,
        docflow: Uuid,
        request: Uuid,
        signature: &[u8],
    ) -> Result<types::DocumentsRequest, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.docflows_save_documents_request_signature()
                    .account_id(account)
                    .docflow_id(docflow)
                    .request_id(request)
                    .body(signature.to_vec())
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Sends a signed documents request and answers the docflow after.
    pub async fn send_documents_request(
        &self,
        docflow: Uuid,
        request: Uuid,
    ) -> Result<types::Docflow, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Once, move |c| async move {
                c.docflows_send_documents_request()
                    .account_id(account)
                    .docflow_id(docflow)
                    .request_id(request)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Edits a docflow's requisites with JSON Patch (a comment; `demand-knd` moves an incoming
    /// letter into the demands table); answers the docflow. Never repeated: an `add` to a list
    /// is not idempotent.
    pub async fn patch(
        &self,
        docflow: Uuid,
        operations: &[types::JsonPatchOperation],
    ) -> Result<types::Docflow, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Once, move |c| async move {
                c.docflows_patch()
                    .account_id(account)
                    .docflow_id(docflow)
                    .body(operations.to_vec())
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Edits a demand attachment's requisites with JSON Patch (comment, labels, number,
    /// assignees, status, date); answers the document. Never repeated, as [`patch`](Self::patch).
    pub async fn patch_document(
        &self,
        docflow: Uuid,
        document: Uuid,
        operations: &[types::JsonPatchOperation],
    ) -> Result<types::Document, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Once, move |c| async move {
                c.docflows_patch_document()
                    .account_id(account)
                    .docflow_id(docflow)
                    .document_id(document)
                    .body(operations.to_vec())
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }
}
