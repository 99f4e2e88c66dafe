//! The answer to a demand that asks for documents: an inventory (`fns534-inventory`) built by
//! the service's DraftsBuilder from the caller's scanned and formalized documents, tied to the
//! demand's attachment. The service validates each document (refusals are reported, not fatal),
//! splits the package at its limits and by label, and generates the inventory XML; each built
//! draft is then signed, sent (the send checks it) and followed to its final state like a report.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use extern_api_raw::types;
use serde_json::json;
use uuid::Uuid;

use super::{ReportFile, ReportOutcome};
use crate::api::{BuildRefusal, PollPolicy};
use crate::crypto::Signer;
use crate::engine::follow::Following;
use crate::engine::progress::{Progress, Step, notifier};
use crate::model::validate::{self, InvalidInput};
use crate::model::{BuilderData, DocflowExt};
use crate::{Error, ExternClient};

/// What kind of document the inventory lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum InventoryDocumentKind {
    /// A scan (PDF, TIFF, JPEG, PNG), as most answers are.
    Scanned,
    /// A formalized (XML) document, e.g. an invoice.
    Formalized,
}

/// One document the demand asked for, with its files.
#[derive(Clone, Debug)]
pub struct InventoryDocument {
    /// Scanned or formalized.
    pub kind: InventoryDocumentKind,
    /// The demand's item it answers (e.g. `1.1`).
    pub claim_item_number: Option<String>,
    /// The document's name (e.g. "Договор поставки").
    pub name: Option<String>,
    /// Documents with different labels go in different inventories.
    pub label: Option<String>,
    /// Its files; each needs a name (the service checks the extension).
    pub files: Vec<ReportFile>,
}

impl InventoryDocument {
    /// A scanned document of `files`.
    pub fn scanned(files: Vec<ReportFile>) -> Self {
        Self {
            kind: InventoryDocumentKind::Scanned,
            claim_item_number: None,
            name: None,
            label: None,
            files,
        }
    }
}

/// The inventory to send.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct InventoryRequest {
    /// The account.
    pub account_id: Uuid,
    /// The demand docflow answered.
    pub demand_docflow_id: Uuid,
    /// The demand attachment answered; `None`: the demand's first attachment.
    pub attachment_id: Option<Uuid>,
    /// The sender (the organization the demand is addressed to).
    pub sender_inn: String,
    /// Its KPP.
    pub sender_kpp: Option<String>,
    /// The documents.
    pub documents: Vec<InventoryDocument>,
    /// The user's IP address, which the service records.
    pub sender_ip: String,
    /// How long to follow each inventory docflow (default 20 minutes).
    pub deadline: Duration,
    /// The longest pause between two looks at a docflow (default 5 s).
    pub follow_interval: Duration,
}

impl InventoryRequest {
    /// A request with the default address, deadline and interval.
    pub fn new(
        account_id: Uuid,
        demand_docflow_id: Uuid,
        sender_inn: impl Into<String>,
        sender_kpp: Option<String>,
        documents: Vec<InventoryDocument>,
    ) -> Self {
        Self {
            account_id,
            demand_docflow_id,
            attachment_id: None,
            sender_inn: sender_inn.into(),
            sender_kpp,
            documents,
            sender_ip: "127.0.0.1".into(),
            deadline: Duration::from_secs(20 * 60),
            follow_interval: Duration::from_secs(5),
        }
    }

    fn validate(&self) -> Result<(), InvalidInput> {
        validate::inn(&self.sender_inn)?;
        if let Some(kpp) = &self.sender_kpp {
            validate::kpp(kpp)?;
        }
        if self.documents.is_empty() {
            return Err(InvalidInput::new(
                "documents",
                "an inventory needs at least one document",
            ));
        }
        for (i, d) in self.documents.iter().enumerate() {
            if d.files.is_empty() {
                return Err(InvalidInput::new(
                    "documents",
                    format!("document #{} has no file", i + 1),
                ));
            }
            for f in &d.files {
                let Some(name) = f.name.as_deref().filter(|n| !n.trim().is_empty()) else {
                    return Err(InvalidInput::new(
                        "documents",
                        format!("a file of document #{} has no name", i + 1),
                    ));
                };
                if f.content.is_empty() {
                    return Err(InvalidInput::new("documents", format!("{name} is empty")));
                }
            }
        }
        Ok(())
    }
}

/// A document the service refused to put in the inventory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefusedDocument {
    /// Its position in [`InventoryRequest::documents`].
    pub index: usize,
    /// The service's reason.
    pub message: String,
}

/// What [`ExternClient::send_inventory`] did.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct InventoryOutcome {
    /// The DraftsBuilder used.
    pub builder_id: Uuid,
    /// Documents left out, with the reason.
    pub refused: Vec<RefusedDocument>,
    /// One outcome per inventory sent (the service splits big or labelled packages).
    pub inventories: Vec<ReportOutcome>,
}

impl ExternClient {
    /// Builds the inventory answering a demand from the caller's documents, then signs, sends
    /// and follows every inventory built to its final state, answering its receipts.
    #[tracing::instrument(skip_all, fields(account = %request.account_id, demand = %request.demand_docflow_id))]
    pub async fn send_inventory(
        &self,
        request: &InventoryRequest,
        signer: &dyn Signer,
        progress: Option<Arc<dyn Progress>>,
    ) -> Result<InventoryOutcome, Error> {
        request.validate()?;
        let notify = notifier(progress.as_deref());
        let account = request.account_id;
        let demand = self
            .account(account)
            .docflows()
            .get(request.demand_docflow_id)
            .await?;
        let attachment = match request.attachment_id {
            Some(id) => id,
            None => demand
                .summaries()
                .into_iter()
                .find(|d| d.document_type.name() == "fns534-demand-attachment")
                .map(|d| d.id)
                .ok_or_else(|| {
                    InvalidInput::new("demand", "the docflow has no demand attachment to answer")
                })?,
        };
        let ifns = demand
            .description
            .get("cu")
            .and_then(|v| v.as_str())
            .map(String::from)
            .ok_or_else(|| Error::protocol("the demand names no inspection (cu)"))?;
        let meta = builder_meta(request, &ifns, demand.id, attachment, signer);
        let builder = self.account(account).builders().create(&meta).await?;
        let mut builder_documents = Vec::new();
        for document in &request.documents {
            builder_documents.push(
                self.add_builder_document(account, builder, document, signer)
                    .await?,
            );
        }
        let built = self
            .account(account)
            .builders()
            .build(builder, &PollPolicy::default())
            .await?;
        let refused = refused(&built.refused, &builder_documents);
        let drafts = built.drafts;
        if drafts.is_empty() {
            return Err(Error::protocol(format!(
                "the builder made no inventory: {}",
                refused
                    .iter()
                    .map(|r| format!("document #{}: {}", r.index + 1, r.message))
                    .collect::<Vec<_>>()
                    .join("; ")
            )));
        }
        let plan = Following {
            account,
            sender_ip: &request.sender_ip,
            deadline: request.deadline,
            interval: request.follow_interval,
            key: None,
        };
        let mut inventories = Vec::new();
        for draft in drafts {
            notify(Step::DraftCreated { draft_id: draft });
            let names = self.sign_built_draft(account, draft, signer).await?;
            inventories.push(
                self.send_and_follow(&plan, draft, &names, signer, &notify)
                    .await?,
            );
        }
        Ok(InventoryOutcome {
            builder_id: builder,
            refused,
            inventories,
        })
    }

    async fn add_builder_document(
        &self,
        account: Uuid,
        builder: Uuid,
        document: &InventoryDocument,
        signer: &dyn Signer,
    ) -> Result<Uuid, Error> {
        let mut data = serde_json::Map::new();
        data.insert(
            "type".into(),
            json!(match document.kind {
                InventoryDocumentKind::Scanned => "scanned",
                InventoryDocumentKind::Formalized => "formalized",
            }),
        );
        if let Some(n) = &document.claim_item_number {
            data.insert("claim-item-number".into(), json!(n));
        }
        if let Some(n) = &document.name {
            data.insert("scanned-document-name".into(), json!(n));
        }
        if let Some(l) = &document.label {
            data.insert("label-for-grouping".into(), json!(l));
        }
        let builders = self.account(account).builders();
        let body = types::DraftsBuilderDocumentRequest { builder_data: data };
        let id = builders.add_document(builder, &body).await?;
        for (order, file) in document.files.iter().enumerate() {
            let content_id = self
                .account(account)
                .contents()
                .upload_bytes(&file.content)
                .await?;
            let signature = signer
                .signature_to_attach(&file.content)
                .await?
                .map(|s| base64::engine::general_purpose::STANDARD.encode(s));
            let mut file_data = serde_json::Map::new();
            file_data.insert("scanned-file-order".into(), json!(order + 1));
            let body = types::DraftsBuilderDocumentFileRequest {
                content_id: Some(content_id),
                base64_signature_content: signature,
                meta: types::DraftsBuilderFileMetaRequest {
                    file_name: file.name.clone().unwrap_or_default(),
                    builder_data: file_data,
                },
            };
            builders.add_file(builder, id, &body).await?;
        }
        Ok(id)
    }

    /// Signs what the builder generated and left unsigned (the inventory XML; the caller's files
    /// carry their signatures already, unless the signer signs on the server). Answers the
    /// document ids with their file names.
    async fn sign_built_draft(
        &self,
        account: Uuid,
        draft: Uuid,
        signer: &dyn Signer,
    ) -> Result<Vec<(String, String)>, Error> {
        let drafts = self.account(account).drafts();
        let built = drafts.get(draft).await?;
        let mut names = Vec::new();
        let mut unsigned = Vec::new();
        for link in &built.documents {
            let Some(document) = crate::model::link_id(link) else {
                continue;
            };
            let doc = drafts.document(draft, document).await?;
            let name = doc
                .description
                .as_ref()
                .and_then(|d| d.filename.clone())
                .unwrap_or_default();
            names.push((document.to_string(), name));
            if doc.signatures.is_empty() {
                unsigned.push(document);
            }
        }
        signer
            .sign_draft_documents(self, account, draft, &unsigned)
            .await?;
        Ok(names)
    }
}

fn builder_meta(
    request: &InventoryRequest,
    ifns: &str,
    demand: Uuid,
    attachment: Uuid,
    signer: &dyn Signer,
) -> types::DraftsBuilderMeta {
    let data = BuilderData::Inventory {
        demand_docflow_id: demand,
        attachment_id: attachment,
    };
    let sender = types::Sender {
        inn: request.sender_inn.clone(),
        kpp: request.sender_kpp.clone(),
        certificate: Some(types::CertificateContent {
            content: base64::engine::general_purpose::STANDARD.encode(signer.certificate()),
        }),
        ipaddress: Some(request.sender_ip.clone()),
        is_representative: Some(false),
        name: None,
    };
    let recipient = types::Recipient {
        ifns_code: Some(ifns.to_string()),
        ..Default::default()
    };
    let mut meta = data.meta(sender, recipient);
    meta.payer = Some(types::Payer {
        inn: Some(request.sender_inn.clone()),
        ..Default::default()
    });
    meta
}

/// The build's refusals, mapped back to the caller's documents.
fn refused(refusals: &[BuildRefusal], ids: &[Uuid]) -> Vec<RefusedDocument> {
    refusals
        .iter()
        .filter_map(|r| {
            Some(RefusedDocument {
                index: ids.iter().position(|x| *x == r.document_id)?,
                message: r.message.clone(),
            })
        })
        .collect()
}
