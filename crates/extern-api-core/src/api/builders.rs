//! Draft builders: one set of documents that the service turns into one or more drafts (the
//! inventories answering a demand, letters, business registrations, PFR reports). The build
//! leaves out the documents it refuses and says why: [`BuildOutcome`].

use serde::Deserialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::base64_body::decode_base64;
use super::tasks::{PollPolicy, task_result, wait_task};
use crate::model::validate::InvalidInput;
use crate::raw::prelude::*;
use crate::raw::types;
use crate::{Error, ExternClient, Idempotency};

/// A document of a builder that the service left out of every draft, with its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildRefusal {
    /// The builder document refused.
    pub document_id: Uuid,
    /// The service's reason.
    pub message: String,
}

/// What a build made: the drafts, and the documents it refused.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct BuildOutcome {
    /// The drafts built (the service splits a package at its limits and by label).
    pub drafts: Vec<Uuid>,
    /// The documents left out, with the reason.
    pub refused: Vec<BuildRefusal>,
}

impl BuildOutcome {
    /// Reads a build or prepare task's result: `{draft-ids, error-drafts-builder-documents}`.
    fn read(result: Value) -> Result<Self, Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "kebab-case")]
        struct Wire {
            #[serde(default)]
            draft_ids: Option<Vec<Uuid>>,
            #[serde(default)]
            error_drafts_builder_documents: Option<Vec<Refusal>>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "kebab-case")]
        struct Refusal {
            document_id: Uuid,
            #[serde(default)]
            error_message: Option<String>,
        }
        let wire: Wire = serde_json::from_value(result)
            .map_err(|e| Error::protocol_with("the build task's result does not read", e))?;
        Ok(Self {
            drafts: wire.draft_ids.unwrap_or_default(),
            refused: wire
                .error_drafts_builder_documents
                .unwrap_or_default()
                .into_iter()
                .map(|r| BuildRefusal {
                    document_id: r.document_id,
                    message: r.error_message.unwrap_or_default(),
                })
                .collect(),
        })
    }
}

/// A contract as the build calls send it: any value that serializes to a JSON object.
pub(crate) fn contract_body(
    contract: &impl serde::Serialize,
) -> Result<Map<String, Value>, InvalidInput> {
    match serde_json::to_value(contract) {
        Ok(Value::Object(body)) => Ok(body),
        Ok(other) => Err(InvalidInput::new(
            "contract",
            format!("a contract is a JSON object, not {other}"),
        )),
        Err(e) => Err(InvalidInput::new(
            "contract",
            format!("the contract does not serialize: {e}"),
        )),
    }
}

/// The draft builders of one account: `client.account(id).builders()`.
#[derive(Debug, Clone, Copy)]
pub struct DraftBuilders<'a> {
    client: &'a ExternClient,
    account: Uuid,
}

impl<'a> DraftBuilders<'a> {
    pub(crate) fn new(client: &'a ExternClient, account: Uuid) -> Self {
        Self { client, account }
    }

    /// Creates a builder and answers its id.
    pub async fn create(&self, meta: &types::DraftsBuilderMeta) -> Result<Uuid, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Once, move |c| async move {
                c.drafts_builders_create()
                    .account_id(account)
                    .body(meta.clone())
                    .send()
                    .await
            })
            .await?
            .into_inner()
            .id)
    }

    /// Adds a document to a builder and answers its id.
    pub async fn add_document(
        &self,
        builder: Uuid,
        body: &types::DraftsBuilderDocumentRequest,
    ) -> Result<Uuid, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Once, move |c| async move {
                c.drafts_builder_documents_create()
                    .account_id(account)
                    .drafts_builder_id(builder)
                    .body(body.clone())
                    .send()
                    .await
            })
            .await?
            .into_inner()
            .id)
    }

    /// Adds a file (an uploaded content, with its signature when given) to a builder's document.
    pub async fn add_file(
        &self,
        builder: Uuid,
        document: Uuid,
        body: &types::DraftsBuilderDocumentFileRequest,
    ) -> Result<(), Error> {
        let account = self.account;
        self.client
            .call(Idempotency::Once, move |c| async move {
                c.drafts_builder_files_create()
                    .account_id(account)
                    .drafts_builder_id(builder)
                    .document_id(document)
                    .body(body.clone())
                    .send()
                    .await
            })
            .await?;
        Ok(())
    }

    /// Starts the build task and answers its id.
    pub async fn start_build(&self, builder: Uuid) -> Result<Uuid, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Once, move |c| async move {
                c.drafts_builders_build()
                    .account_id(account)
                    .drafts_builder_id(builder)
                    .deferred(true)
                    .send()
                    .await
            })
            .await?
            .into_inner()
            .id)
    }

    /// A task of the builder (a build or a prepare) as it stands.
    pub async fn task(&self, builder: Uuid, task: Uuid) -> Result<types::ApiTask, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.drafts_builders_get_task()
                    .account_id(account)
                    .drafts_builder_id(builder)
                    .api_task_id(task)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// One builder, with its meta and status (`new`, `building`, `finished`).
    pub async fn get(&self, builder: Uuid) -> Result<types::DraftsBuilder, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.drafts_builders_get()
                    .account_id(account)
                    .drafts_builder_id(builder)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Creates or replaces the builder `builder` (an id the caller chose) with `meta`.
    pub async fn put(
        &self,
        builder: Uuid,
        meta: &types::DraftsBuilderMeta,
    ) -> Result<types::DraftsBuilder, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.drafts_builders_put()
                    .account_id(account)
                    .drafts_builder_id(builder)
                    .body(meta.clone())
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Deletes a builder.
    pub async fn delete(&self, builder: Uuid) -> Result<(), Error> {
        let account = self.account;
        self.client
            .call(Idempotency::Idempotent, move |c| async move {
                c.drafts_builders_delete()
                    .account_id(account)
                    .drafts_builder_id(builder)
                    .send()
                    .await
            })
            .await?;
        Ok(())
    }

    /// A builder's meta ([`BuilderData::read`](crate::model::BuilderData::read) types its data).
    pub async fn meta(&self, builder: Uuid) -> Result<types::DraftsBuilderMeta, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.drafts_builders_get_meta()
                    .account_id(account)
                    .drafts_builder_id(builder)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Replaces a builder's meta (its type cannot change); answers the meta as stored.
    pub async fn update_meta(
        &self,
        builder: Uuid,
        meta: &types::DraftsBuilderMeta,
    ) -> Result<types::DraftsBuilderMeta, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.drafts_builders_update_meta()
                    .account_id(account)
                    .drafts_builder_id(builder)
                    .body(meta.clone())
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// One document of a builder.
    pub async fn document(
        &self,
        builder: Uuid,
        document: Uuid,
    ) -> Result<types::DraftsBuilderDocument, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.drafts_builder_documents_get()
                    .account_id(account)
                    .drafts_builder_id(builder)
                    .document_id(document)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Creates or replaces the document `document` (an id the caller chose) of a builder.
    pub async fn put_document(
        &self,
        builder: Uuid,
        document: Uuid,
        body: &types::DraftsBuilderDocumentRequest,
    ) -> Result<types::DraftsBuilderDocument, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.drafts_builder_documents_put()
                    .account_id(account)
                    .drafts_builder_id(builder)
                    .document_id(document)
                    .body(body.clone())
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// One file of a builder's document.
    pub async fn file(
        &self,
        builder: Uuid,
        document: Uuid,
        file: Uuid,
    ) -> Result<types::DraftsBuilderDocumentFile, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.drafts_builder_files_get()
                    .account_id(account)
                    .drafts_builder_id(builder)
                    .document_id(document)
                    .file_id(file)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Every file of a builder's document (the service answers them all at once).
    pub async fn files(
        &self,
        builder: Uuid,
        document: Uuid,
    ) -> Result<Vec<types::DraftsBuilderDocumentFile>, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.drafts_builder_files_get_all()
                    .account_id(account)
                    .drafts_builder_id(builder)
                    .document_id(document)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// A file's meta (its name and builder data).
    pub async fn file_meta(
        &self,
        builder: Uuid,
        document: Uuid,
        file: Uuid,
    ) -> Result<types::DraftsBuilderDocumentFileMeta, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.drafts_builder_files_get_meta()
                    .account_id(account)
                    .drafts_builder_id(builder)
                    .document_id(document)
                    .file_id(file)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Creates or replaces the file `file` (an id the caller chose) of a builder's document.
    pub async fn put_file(
        &self,
        builder: Uuid,
        document: Uuid,
        file: Uuid,
        body: &types::DraftsBuilderDocumentFileRequest,
    ) -> Result<types::DraftsBuilderDocumentFile, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.drafts_builder_files_put()
                    .account_id(account)
                    .drafts_builder_id(builder)
                    .document_id(document)
                    .file_id(file)
                    .body(body.clone())
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Removes a file from a builder's document.
    pub async fn delete_file(
        &self,
        builder: Uuid,
        document: Uuid,
        file: Uuid,
    ) -> Result<(), Error> {
        let account = self.account;
        self.client
            .call(Idempotency::Idempotent, move |c| async move {
                c.drafts_builder_files_delete()
                    .account_id(account)
                    .drafts_builder_id(builder)
                    .document_id(document)
                    .file_id(file)
                    .send()
                    .await
            })
            .await?;
        Ok(())
    }

    /// Every document of a builder (the service answers them all at once).
    pub async fn documents(
        &self,
        builder: Uuid,
    ) -> Result<Vec<types::DraftsBuilderDocument>, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.drafts_builder_documents_get_all()
                    .account_id(account)
                    .drafts_builder_id(builder)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Removes a document, with its files, from a builder.
    pub async fn delete_document(&self, builder: Uuid, document: Uuid) -> Result<(), Error> {
        let account = self.account;
        self.client
            .call(Idempotency::Idempotent, move |c| async move {
                c.drafts_builder_documents_delete()
                    .account_id(account)
                    .drafts_builder_id(builder)
                    .document_id(document)
                    .send()
                    .await
            })
            .await?;
        Ok(())
    }

    /// A builder document's meta (its builder type and builder data).
    pub async fn document_meta(
        &self,
        builder: Uuid,
        document: Uuid,
    ) -> Result<types::DraftsBuilderDocumentMeta, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.drafts_builder_documents_get_meta()
                    .account_id(account)
                    .drafts_builder_id(builder)
                    .document_id(document)
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Replaces a builder document's builder data; answers the meta as stored.
    pub async fn update_document_meta(
        &self,
        builder: Uuid,
        document: Uuid,
        body: &types::DraftsBuilderDocumentRequest,
    ) -> Result<types::DraftsBuilderDocumentMeta, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.drafts_builder_documents_update_meta()
                    .account_id(account)
                    .drafts_builder_id(builder)
                    .document_id(document)
                    .body(body.clone())
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// Replaces a file's meta (its name and builder data); answers the meta as stored.
    pub async fn update_file_meta(
        &self,
        builder: Uuid,
        document: Uuid,
        file: Uuid,
        meta: &types::DraftsBuilderFileMetaRequest,
    ) -> Result<types::DraftsBuilderDocumentFileMeta, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.drafts_builder_files_update_meta()
                    .account_id(account)
                    .drafts_builder_id(builder)
                    .document_id(document)
                    .file_id(file)
                    .body(meta.clone())
                    .send()
                    .await
            })
            .await?
            .into_inner())
    }

    /// The signature (DER) stored with a builder file.
    pub async fn file_signature(
        &self,
        builder: Uuid,
        document: Uuid,
        file: Uuid,
    ) -> Result<Vec<u8>, Error> {
        let account = self.account;
        let encoded = self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.drafts_builder_files_get_signature()
                    .account_id(account)
                    .drafts_builder_id(builder)
                    .document_id(document)
                    .file_id(file)
                    .send()
                    .await
            })
            .await?
            .into_inner();
        decode_base64(
            &encoded,
            format_args!("the signature of builder file {file}"),
        )
    }

    /// A builder file's content (at most 32 MB on the test site).
    #[deprecated(
        note = "deprecated by the service: download the file's `content_id` with `Contents::download`"
    )]
    pub async fn file_content(
        &self,
        builder: Uuid,
        document: Uuid,
        file: Uuid,
    ) -> Result<Vec<u8>, Error> {
        let account = self.account;
        let encoded = self
            .client
            .call(Idempotency::Idempotent, move |c| async move {
                c.drafts_builder_files_get_content()
                    .account_id(account)
                    .drafts_builder_id(builder)
                    .document_id(document)
                    .file_id(file)
                    .send()
                    .await
            })
            .await?
            .into_inner();
        decode_base64(&encoded, format_args!("the content of builder file {file}"))
    }

    /// Adds a file the service generates from a JSON contract (any value that serializes to an
    /// object) to a builder's document, and answers it.
    pub async fn generate_file(
        &self,
        builder: Uuid,
        document: Uuid,
        version: Option<i32>,
        contract: &impl serde::Serialize,
    ) -> Result<types::DraftsBuilderDocumentFile, Error> {
        let (account, body) = (self.account, &contract_body(contract)?);
        Ok(self
            .client
            .call(Idempotency::Once, move |c| async move {
                let call = c
                    .drafts_builder_files_generate()
                    .account_id(account)
                    .drafts_builder_id(builder)
                    .document_id(document)
                    .body(body.clone());
                match version {
                    Some(v) => call.version(v).send().await,
                    None => call.send().await,
                }
            })
            .await?
            .into_inner())
    }

    /// Starts the task that judges every document of a builder as the build will, and answers
    /// its id (poll it with [`task`](Self::task)).
    pub async fn start_prepare(&self, builder: Uuid) -> Result<Uuid, Error> {
        let account = self.account;
        Ok(self
            .client
            .call(Idempotency::Once, move |c| async move {
                c.drafts_builder_documents_prepare()
                    .account_id(account)
                    .drafts_builder_id(builder)
                    .send()
                    .await
            })
            .await?
            .into_inner()
            .id)
    }

    /// Prepares a builder's documents ahead of the build and answers those the build would refuse.
    pub async fn prepare(
        &self,
        builder: Uuid,
        policy: &PollPolicy,
    ) -> Result<Vec<BuildRefusal>, Error> {
        let task = self.start_prepare(builder).await?;
        let done = wait_task(policy, || self.task(builder, task)).await?;
        Ok(BuildOutcome::read(task_result(done)?)?.refused)
    }

    /// Builds the drafts and waits for the build: the drafts made and the documents refused (a
    /// failed build is [`Error::TaskFailed`]).
    pub async fn build(&self, builder: Uuid, policy: &PollPolicy) -> Result<BuildOutcome, Error> {
        let task = self.start_build(builder).await?;
        self.wait_build(builder, task, policy).await
    }

    /// Waits for a build started earlier (e.g. by a process that stopped) from its task's id.
    pub async fn wait_build(
        &self,
        builder: Uuid,
        task: Uuid,
        policy: &PollPolicy,
    ) -> Result<BuildOutcome, Error> {
        let done = wait_task(policy, || self.task(builder, task)).await?;
        BuildOutcome::read(task_result(done)?)
    }
}
