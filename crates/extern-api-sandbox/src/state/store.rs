//! What the sandbox stores, in memory: accounts, drafts, docflows, tasks, replies, events.
//! Content bytes live in spooled files (see `api/contents.rs`); only their index is here.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use crate::formats::wire::DraftMeta;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::formats::serial::{Interned, Term, base64, base64_opt, interned, interned_opt};
use uuid::Uuid;

use crate::pki::CertInfo;
use crate::state::Content;
use crate::state::Robot;
use crate::state::tracked::Tracked;
use crate::state::vocabulary::{DocflowStatus, DraftStatus, SuccessState, TaskState};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Account {
    pub id: Uuid,
    pub inn: String,
    pub kpp: String,
    pub name: String,
    /// Logins of the users who belong to the account.
    pub users: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Organization {
    pub id: Uuid,
    pub account_id: Uuid,
    pub inn: String,
    pub kpp: String,
    pub name: String,
    pub is_main: bool,
}

/// An issued access or refresh token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Token {
    pub login: String,
    pub client_id: String,
    pub expires: DateTime<Utc>,
}

/// A certificate the sandbox issued as an organization's signer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignerCertificate {
    #[serde(with = "base64")]
    pub der: Vec<u8>,
    pub info: CertInfo,
    pub kpp: Option<String>,
}

/// A detached signature attached to a document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Signature {
    pub id: Uuid,
    /// Shared on clone: a draft's signatures move into its docflow without a copy.
    pub bytes: SignatureBytes,
    /// Shared: the sandbox's own signers sign a million documents with one thumbprint.
    pub thumbprint: Arc<str>,
    pub title: Arc<str>,
    #[serde(with = "interned")]
    pub signer_type: Interned,
}

/// Which of the sandbox's own signers made a signature.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub enum OwnSigner {
    Operator,
    Inspection,
}

/// A signature's bytes. The sandbox's own signatures of the documents its operator and robots
/// generate are made when read (`Shared::signature_bytes`, which keeps what it made): most are
/// never read, and signing is the dearest step of holding many docflows (time and memory alike).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum SignatureBytes {
    Stored(#[serde(with = "base64")] bytes::Bytes),
    /// A signature of `content_id` by `by`, made when first asked for.
    Own {
        by: OwnSigner,
        content_id: Uuid,
    },
}

impl SignatureBytes {
    /// The bytes of a signature someone uploaded (drafts, builders, demands): always stored.
    pub fn stored(&self) -> &[u8] {
        match self {
            Self::Stored(b) => b,
            Self::Own { .. } => &[],
        }
    }
}

impl From<Vec<u8>> for SignatureBytes {
    fn from(v: Vec<u8>) -> Self {
        Self::Stored(v.into())
    }
}

impl From<bytes::Bytes> for SignatureBytes {
    fn from(v: bytes::Bytes) -> Self {
        Self::Stored(v)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DraftDocument {
    pub id: Uuid,
    pub content_id: Option<Uuid>,
    pub doc_type: Option<String>,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    /// `description.properties`: the vendor's keys (PascalCase, `КНД`, camelCase `contentType`),
    /// string values, `null` where unknown.
    pub properties: BTreeMap<String, Option<String>>,
    pub signatures: Vec<Signature>,
    /// The service's help with an XMLDsig (docs/manuals/xmldsig.rst, «Формирование XMLDsig
    /// подписи на стороне API»): made at check for a Social Fund report that came unsigned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xml_signing: Option<XmlSigning>,
}

/// A report's XMLDsig being made by the service: what the subscriber signs raw, and its
/// signature once put; prepare inserts the `ds:Signature`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct XmlSigning {
    /// The content holding `data-to-sign` (the canonical `SignedInfo`).
    pub data_to_sign_content_id: Uuid,
    /// `SignedInfo` as it goes into the document.
    pub signed_info: String,
    /// The certificate the `SignedInfo` was made for (the draft's sender's), DER.
    #[serde(with = "crate::formats::serial::base64")]
    pub certificate: Vec<u8>,
    /// The raw signature of `data-to-sign`, once put.
    #[serde(default, with = "crate::formats::serial::base64_opt")]
    pub signature: Option<Vec<u8>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Draft {
    pub id: Uuid,
    pub account_id: Uuid,
    pub meta: DraftMeta,
    pub status: DraftStatus,
    pub documents: Vec<DraftDocument>,
    pub docflow_id: Option<Uuid>,
    /// The check/prepare/send task running on the draft: it locks the draft (409).
    pub busy_task: Option<Uuid>,
    /// The docflow type a built draft creates (inventory, letter); others follow the recipient.
    #[serde(with = "interned_opt")]
    pub docflow_type: Option<Interned>,
}

/// A long operation and where it belongs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Task {
    pub id: Uuid,
    pub account_id: Uuid,
    pub owner: Uuid,
    #[serde(with = "interned")]
    pub kind: Interned,
    pub state: TaskState,
    pub result: Option<Value>,
    pub error: Option<Value>,
    /// Cloud operations: `AwaitingForConfirmation`, `Completed`, `CanceledByUser`, `Timeout`…
    #[serde(with = "interned_opt")]
    pub progress: Option<Interned>,
}

/// A URN or name the catalogue usually spells (`&'static`), or one read from a request.
pub type Word = std::borrow::Cow<'static, str>;

/// Who produced a docflow document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Origin {
    /// The subscriber: the report and its attachments, and the replies they send.
    Sender,
    /// The operator (Kontur): the description and the date confirmation.
    Operator,
    /// The authority's robot: receipts, acceptance and processing results.
    Authority,
}

/// How a docflow document's bytes are kept. The sandbox's own small documents are made again on
/// each read from what the docflow records (their content ids are [`crate::state::derived`]
/// ids): most are never read, and a million docflows must fit in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Made {
    /// Stored as a content (uploaded, or made once and kept).
    Stored,
    /// The operator's description or date confirmation of the docflow's document `report` (none
    /// when the docflow has no main document).
    Operator { report: Option<u16> },
    /// A robot's answer (form `knd`) to the docflow's first document.
    Robot { knd: Term },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocflowDocument {
    pub id: Uuid,
    pub origin: Origin,
    pub made: Made,
    /// Borrowed from the catalogue where it can be (most are): no copy per document.
    pub doc_type: Word,
    pub filename: String,
    #[serde(with = "interned")]
    pub content_type: Interned,
    pub content_id: Uuid,
    pub size: u64,
    /// Signatures someone sent (the subscriber's, a demand's); read through
    /// `DocflowDocument::signatures`, which adds the sandbox's own.
    pub signatures: Vec<Signature>,
    /// The sandbox's signer of this document, whose signature is made on read (none kept).
    pub signed_by: Option<OwnSigner>,
    /// The reply document types due on this document (alternatives: sending one settles all).
    pub replies_due: Vec<Word>,
    /// The encrypted (gzip + EnvelopedData) variant, for documents from the authorities.
    pub sealed: Option<crate::state::Sealed>,
    /// Whether the plain variant is listed: always for unsealed documents, after decryption for
    /// sealed ones.
    pub decrypted: bool,
    pub sent: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Docflow {
    pub id: Uuid,
    /// Its place in creation order ([`Store::docflow_order`]): names it in derived content ids.
    pub seq: u32,
    pub account_id: Uuid,
    pub organization_id: Uuid,
    pub doc_type: Word,
    pub status: DocflowStatus,
    pub success_state: SuccessState,
    pub inn: String,
    pub kpp: String,
    /// Control unit code of the recipient (inspection, TOGS).
    pub cu: String,
    pub knd: Option<String>,
    pub okud: Option<String>,
    pub incoming: bool,
    pub description: crate::state::Description,
    pub documents: crate::state::Documents,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    /// Boxed: most docflows are done with their robot, and an empty slot is a pointer.
    pub robot: Option<Box<Robot>>,
}

/// A reply (receipt, notice) generated for a docflow document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reply {
    pub id: Uuid,
    pub account_id: Uuid,
    pub docflow_id: Uuid,
    pub document_id: Uuid,
    pub doc_type: String,
    pub filename: String,
    #[serde(with = "base64")]
    pub content: Vec<u8>,
    #[serde(with = "base64")]
    pub certificate: Vec<u8>,
    #[serde(with = "base64_opt")]
    pub signature: Option<Vec<u8>>,
    pub sent: bool,
}

/// One docflow state change in the events feed. Compact (a few million are held): its number is
/// its place in [`Store::events`] plus one, and the docflow's id, account, type, INN and KPP are
/// read from the docflow when the feed is rendered.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Event {
    /// The docflow's [`Docflow::seq`].
    pub docflow: u32,
    /// `urn:transaction:` + this.
    pub new_state: Term,
    pub at: DateTime<Utc>,
}

/// Everything, behind one lock. Serialized, it is the small rest a data directory keeps in one
/// row (`state::persist`): the maps that grow with use are kept a row per record.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Store {
    pub accounts: Vec<Account>,
    pub organizations: Vec<Organization>,
    pub passwords: HashMap<String, String>,
    #[serde(skip)]
    pub access_tokens: Tracked<String, Token>,
    #[serde(skip)]
    pub refresh_tokens: Tracked<String, Token>,
    pub signers: Vec<SignerCertificate>,
    #[serde(skip)]
    pub contents: Tracked<Uuid, Content>,
    #[serde(skip)]
    pub drafts: Tracked<Uuid, Draft>,
    #[serde(skip)]
    pub tasks: Tracked<Uuid, Task>,
    #[serde(skip)]
    /// Boxed: a map slot is a pointer, not a whole docflow (half the slots of a map stand empty).
    pub docflows: Tracked<Uuid, Box<Docflow>>,
    /// Docflow ids in creation order (search pages are stable).
    #[serde(skip)]
    pub docflow_order: Vec<Uuid>,
    #[serde(skip)]
    pub replies: Tracked<Uuid, Reply>,
    #[serde(skip)]
    pub events: Vec<Event>,
    /// Seeds the sandbox's randomness where it must repeat itself (derived envelopes).
    pub seed: [u8; 32],
    /// The recipients' serials of the last sealed document (see `flows::sealing`).
    #[serde(skip)]
    pub last_serials: Option<Arc<[String]>>,
    /// Docflows whose robot has a step due, by when it is due.
    #[serde(skip)]
    pub robot_queue: BTreeSet<(DateTime<Utc>, Uuid)>,
    /// Kontur.Reestro (`/realty/v1/`).
    pub realty: crate::state::RealtyStore,
    /// Certificate logins waiting for their second step, by thumbprint.
    pub challenges: HashMap<String, crate::state::Challenge>,
    /// Partners whose JWTs log their users in.
    pub partners: Vec<crate::state::Partner>,
    /// JWT ids already used (a trusted token is single use).
    pub used_jtis: std::collections::HashSet<String>,
    /// Device-flow logins, by device code.
    pub devices: HashMap<String, crate::state::DeviceLogin>,
    /// Drafts builders.
    pub builders: HashMap<Uuid, crate::state::Builder>,
    /// Certificates whose keys the sandbox holds.
    pub cloud_certificates: Vec<crate::state::CloudCertificate>,
    /// Cloud operations awaiting confirmation, by request id.
    pub cloud_operations: HashMap<String, crate::state::Operation>,
    /// PFR replies (several documents each), by id.
    pub pfr_replies: HashMap<Uuid, crate::state::PfrReply>,
    /// Requests for the documents of incoming SEDO docflows, by id.
    pub documents_requests: HashMap<Uuid, crate::state::DocumentsRequest>,
    /// Warrants registered for the accounts' organizations (see `api/account_extras.rs`).
    pub warrants: Vec<crate::state::Warrant>,
    /// Organizations' signer settings and Gosuslugi authorizations, by organization id.
    pub organization_settings: crate::state::Settings,
    /// Users who shared their events with a service (see `api/event_publishers.rs`).
    pub event_publishers: Vec<crate::state::Publisher>,
}

impl Store {
    /// Starts noting which records change (for a data directory, `state::persist`).
    pub fn track(&mut self) {
        self.contents.track();
        self.drafts.track();
        self.tasks.track();
        self.docflows.track();
        self.replies.track();
        self.access_tokens.track();
        self.refresh_tokens.track();
    }

    /// The sequence number the next docflow created gets (see [`Docflow::seq`]).
    pub fn next_docflow_seq(&self) -> u32 {
        self.docflow_order.len() as u32
    }

    /// Keeps a new docflow, numbered in creation order.
    pub fn insert_docflow(&mut self, mut docflow: Docflow) -> Uuid {
        let id = docflow.id;
        docflow.seq = self.next_docflow_seq();
        docflow.documents.set_seq(docflow.seq);
        self.docflow_order.push(id);
        self.docflows.insert(id, Box::new(docflow));
        id
    }

    /// The docflow with sequence number `seq`.
    pub fn docflow_by_seq(&self, seq: u32) -> Option<&Docflow> {
        let id = self.docflow_order.get(seq as usize)?;
        self.docflows.get(id).map(Box::as_ref)
    }

    pub fn account(&self, id: Uuid) -> Option<&Account> {
        self.accounts.iter().find(|a| a.id == id)
    }

    /// Appends an event for a docflow's new state.
    pub fn push_event(&mut self, docflow: &Docflow, new_state: &'static str, at: DateTime<Utc>) {
        self.events.push(Event {
            docflow: docflow.seq,
            new_state: Term::of(new_state),
            at,
        });
    }
}
