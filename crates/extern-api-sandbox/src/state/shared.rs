//! The state every handler shares: configuration, clock, certificate authority, the store and
//! the spool directory for contents.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use uuid::Uuid;

use crate::pki::{Authority, PkiError, SandboxSigner, Subject};
use crate::state::Content;
use crate::state::clock::Clock;
use crate::state::config::SandboxConfig;
use crate::state::persist::{Kept, Saver};
use crate::state::tracked::Tracked;
use crate::state::vocabulary::{DocflowStatus, SuccessState};
use crate::state::{Account, Docflow, Organization, OwnSigner, Signature, SignatureBytes, Store};

/// The titles of the operator's and the inspection's signatures ("Organization (Name)").
const OPERATOR_TITLE: &str = "АО \"ПФ \"СКБ Контур\" (Оператор ЭДО)";
const INSPECTION_TITLE: &str = "ФНС России (тестовая) (Тестовая инспекция)";

/// The second seeded account, owned by another user: requests to it from the main user get 403.
pub const OTHER_LOGIN: &str = "other@sandbox.local";

pub struct Shared {
    pub config: SandboxConfig,
    pub clock: Clock,
    pub ca: Authority,
    /// The operator (Kontur, 1BM): signs date confirmations. ECDSA, or GOST in GOST mode
    /// ([`SandboxConfig::gost`]).
    pub operator: SandboxSigner,
    /// The authorities' robots: sign receipts, acceptance and processing results. ECDSA, or GOST
    /// in GOST mode.
    pub inspection: SandboxSigner,
    /// The fault dice.
    pub faults: crate::http::faults::Faults,
    base_url: OnceLock<String>,
    store: Mutex<Store>,
    /// Where contents' parts are spooled: a temporary directory (removed when dropped), or the
    /// data directory's `contents/`.
    _spool: Option<tempfile::TempDir>,
    spool_dir: PathBuf,
    /// The data directory, when the sandbox keeps its state (`--data-dir`).
    pub(crate) saver: Option<Saver>,
    /// See [`Shared::changes`].
    changes: std::sync::atomic::AtomicU64,
    pub(crate) in_flight: Mutex<HashMap<String, usize>>,
    /// The zip variants listed for plain documents, made on first download: variant id → (the
    /// plain content, the entry's file name).
    pub(crate) zip_variants: Mutex<Tracked<Uuid, (Uuid, String)>>,
    /// Docflow documents' edited or recognized `requisites` (see `api/docflow_extras.rs`): read
    /// while documents are rendered, when the store is already locked.
    pub(crate) document_requisites: Mutex<Tracked<Uuid, serde_json::Value>>,
    /// The operator's and the inspection's thumbprint and signature title, shared by every
    /// signature they make.
    operator_mark: (Arc<str>, Arc<str>),
    inspection_mark: (Arc<str>, Arc<str>),
    /// The sandbox's own signatures made so far (see [`Shared::signature_bytes`]), by content.
    own_signatures: Mutex<HashMap<Uuid, bytes::Bytes>>,
    /// The inspection's encryption certificate (RSA: the sandbox's envelopes use RSA key
    /// transport), made when the first report is sent.
    inspection_encryption: OnceLock<SandboxSigner>,
}

impl Shared {
    /// The sandbox's state for `config`. In GOST mode, an error of kind
    /// [`std::io::ErrorKind::Unsupported`] (naming the cargo feature `gost` and the package
    /// libengine-gost-openssl) when this build or machine has no GOST.
    pub fn new(config: SandboxConfig) -> std::io::Result<Self> {
        let (saver, kept) = match &config.data_dir {
            Some(dir) if config.gost => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::Unsupported,
                    format!(
                        "a data directory ({}) keeps no GOST keys: run GOST mode without one",
                        dir.display()
                    ),
                ));
            }
            Some(dir) => {
                let (saver, kept) = Saver::open(dir)?;
                (Some(saver), kept)
            }
            None => (None, None),
        };
        let kept = match kept {
            Some(kept) => kept,
            None => fresh(&config)?,
        };
        let Kept {
            mut store,
            ca,
            operator,
            inspection,
            inspection_encryption,
            clock_offset_ms,
            mut zip_variants,
            mut document_requisites,
        } = kept;
        if saver.is_some() {
            store.track();
            zip_variants.track();
            document_requisites.track();
        }
        let (spool, spool_dir) = match &saver {
            Some(saver) => (None, saver.contents_dir().to_path_buf()),
            None => {
                let temp = tempfile::Builder::new()
                    .prefix("extern-api-sandbox-")
                    .tempdir()?;
                let dir = temp.path().to_path_buf();
                (Some(temp), dir)
            }
        };
        let mark = |signer: &SandboxSigner, title: &str| -> (Arc<str>, Arc<str>) {
            (
                crate::pki::thumbprint(&signer.certificate_der).into(),
                title.into(),
            )
        };
        Ok(Self {
            operator_mark: mark(&operator, OPERATOR_TITLE),
            inspection_mark: mark(&inspection, INSPECTION_TITLE),
            own_signatures: Mutex::new(HashMap::new()),
            faults: crate::http::faults::Faults::new(config.faults.clone()),
            config,
            clock: Clock::with_offset(chrono::Duration::milliseconds(clock_offset_ms)),
            ca,
            operator,
            inspection,
            base_url: OnceLock::new(),
            store: Mutex::new(store),
            _spool: spool,
            spool_dir,
            saver,
            changes: Default::default(),
            in_flight: Mutex::new(HashMap::new()),
            zip_variants: Mutex::new(zip_variants),
            document_requisites: Mutex::new(document_requisites),
            inspection_encryption: inspection_encryption
                .map(OnceLock::from)
                .unwrap_or_default(),
        })
    }

    /// The inspection's encryption key, once made.
    pub(crate) fn inspection_encryption(&self) -> Option<&SandboxSigner> {
        self.inspection_encryption.get()
    }

    /// Returns once what changed so far is in the data directory (at once without one, or when
    /// nothing changed since the last save).
    pub async fn saved(&self) {
        if let Some(saver) = &self.saver
            && saver.saved_changes() < self.changes()
        {
            saver.saved().await;
        }
    }

    /// A key and certificate the sandbox signs with itself (its test tools' reports): ECDSA, or
    /// GOST in GOST mode ([`SandboxConfig::gost`]).
    pub fn own_signer(&self, subject: &Subject) -> Result<SandboxSigner, PkiError> {
        own_signer(&self.ca, self.config.gost, subject)
    }

    /// The store; never held across an `.await`. Changing it through the guard counts as a
    /// change ([`Shared::changes`]).
    pub fn lock(&self) -> StoreGuard<'_> {
        StoreGuard {
            store: self.lock_quietly(),
            changes: &self.changes,
            counted: false,
        }
    }

    /// The store, changes not counted: for the data directory's own saves, and the robots' tick
    /// that changes only what falls due (and counts it then).
    pub(crate) fn lock_quietly(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How many times the store has been opened for change: a data directory compares it with
    /// what it saved, so that no one is answered from state a kill would lose.
    pub fn changes(&self) -> u64 {
        self.changes.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Counts a change made through [`Shared::lock_quietly`].
    pub(crate) fn count_change(&self) {
        self.changes
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    pub(crate) fn set_base_url(&self, url: String) {
        let _ = self.base_url.set(url);
    }

    /// The sandbox's own URL, for the links it puts in answers.
    pub fn url(&self, path: &str) -> String {
        format!(
            "{}{path}",
            self.base_url.get().map(String::as_str).unwrap_or("")
        )
    }

    /// A new file name in the spool directory.
    pub fn spool_path(&self) -> PathBuf {
        self.spool_dir.join(Uuid::new_v4().to_string())
    }

    /// Stores bytes the sandbox produced itself (operator and robot documents, replies) as a
    /// content (see [`memory_content`]).
    /// The certificate a subscriber's documents are encrypted to, as the service encrypts a sent
    /// report for the recipient (send_report.rst: the report's variant `"encrypted": true`).
    pub fn inspection_encryption_certificate(&self) -> &[u8] {
        &self
            .inspection_encryption
            .get_or_init(|| {
                self.count_change();
                self.ca.rsa_signer(&inspection_subject())
            })
            .certificate_der
    }

    /// The id of the zip variant of a plain document content, listed without being made.
    pub fn zip_variant(&self, content_id: Uuid, filename: &str) -> Uuid {
        use crate::state::derived::{self, Variant};
        if let Some((seq, doc, Variant::Plain)) = derived::parse(content_id) {
            return derived::content_id(seq, doc, Variant::Zipped);
        }
        let id = Uuid::new_v5(&content_id, b"zip");
        let mut variants = self.zip_variants.lock().unwrap_or_else(|e| e.into_inner());
        if !variants.contains_key(&id) {
            variants.insert(id, (content_id, filename.to_string()));
            self.count_change();
        }
        id
    }

    /// Makes and stores a listed zip variant on its first download; `false` when `id` is none.
    pub fn make_zip_variant(&self, store: &mut Store, id: Uuid) -> bool {
        let Some((plain, name)) = self
            .zip_variants
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&id)
            .cloned()
        else {
            return false;
        };
        let Some(source) = store.contents.get(&plain) else {
            return false;
        };
        let account = source.account_id;
        let Ok(zipped) = source.bytes().and_then(|b| {
            crate::formats::compression::Compression::of(self.config.older_forms).pack(&name, &b)
        }) else {
            return false;
        };
        let content = memory_content(store, account, &zipped);
        if let Some(c) = store.contents.remove(&content) {
            store.contents.insert(id, c);
        }
        true
    }

    pub fn put_content(&self, store: &mut Store, account_id: Uuid, bytes: &[u8]) -> Uuid {
        memory_content(store, account_id, bytes)
    }

    /// The bytes of a signature, making one of the sandbox's own now (and keeping it: a client
    /// reading it again gets the same bytes).
    pub fn signature_bytes(&self, store: &Store, bytes: &SignatureBytes) -> bytes::Bytes {
        let (by, content_id) = match bytes {
            SignatureBytes::Stored(b) => return b.clone(),
            SignatureBytes::Own { by, content_id } => (*by, *content_id),
        };
        let mut made = self
            .own_signatures
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        made.entry(content_id)
            .or_insert_with(|| {
                // The sandbox's own documents are small: in memory, or made now.
                let content = self
                    .content(store, content_id)
                    .and_then(|c| c.bytes().ok())
                    .unwrap_or_default();
                self.own_signer_of(by).sign_detached(&content).into()
            })
            .clone()
    }

    fn own_signer_of(&self, by: OwnSigner) -> &SandboxSigner {
        match by {
            OwnSigner::Operator => &self.operator,
            OwnSigner::Inspection => &self.inspection,
        }
    }

    /// A signature by the operator or the inspection: `bytes` made now, or
    /// [`SignatureBytes::Own`] made when read. Its thumbprint and title are shared.
    pub fn own_signature(&self, by: OwnSigner, bytes: SignatureBytes) -> Signature {
        let (mark, signer_type) = match by {
            OwnSigner::Operator => (&self.operator_mark, "provider-representative"),
            OwnSigner::Inspection => (&self.inspection_mark, "cu-representative"),
        };
        Signature {
            id: Uuid::new_v4(),
            bytes,
            thumbprint: mark.0.clone(),
            title: mark.1.clone(),
            signer_type,
        }
    }
}

/// The store's lock, counting a change the first time it is used to change the store.
pub struct StoreGuard<'a> {
    store: MutexGuard<'a, Store>,
    changes: &'a std::sync::atomic::AtomicU64,
    counted: bool,
}

impl std::ops::Deref for StoreGuard<'_> {
    type Target = Store;

    fn deref(&self) -> &Store {
        &self.store
    }
}

impl std::ops::DerefMut for StoreGuard<'_> {
    fn deref_mut(&mut self) -> &mut Store {
        if !self.counted {
            self.counted = true;
            self.changes
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        &mut self.store
    }
}

/// The operator (Kontur, 1BM) as its certificates name it.
fn operator_subject() -> Subject {
    Subject {
        inn: "6663003127".into(),
        fio: "Оператор ЭДО".into(),
        organization: Some("АО \"ПФ \"СКБ Контур\"".into()),
        ..Subject::default()
    }
}

/// The test inspection as its certificates name it.
fn inspection_subject() -> Subject {
    Subject {
        inn: "7707329152".into(),
        fio: "Тестовая инспекция".into(),
        organization: Some("ФНС России (тестовая)".into()),
        ..Subject::default()
    }
}

/// A new sandbox's keys and store: the CA, the operator and the inspection, the seeded accounts.
fn fresh(config: &SandboxConfig) -> std::io::Result<Kept> {
    let ca = Authority::new();
    let operator = own_signer(&ca, config.gost, &operator_subject()).map_err(gost_unavailable)?;
    let inspection =
        own_signer(&ca, config.gost, &inspection_subject()).map_err(gost_unavailable)?;
    if config.gost {
        // OpenSSL signs with the GOST keys and the sandbox reads what it made, now rather
        // than at the first receipt.
        let now = chrono::Utc::now();
        for signer in [&operator, &inspection] {
            signer
                .try_sign_detached(b"<probe/>")
                .and_then(|sig| ca.verify_detached(&sig, b"<probe/>".as_slice(), now))
                .map_err(gost_unavailable)?;
        }
    }
    let mut store = Store::default();
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut store.seed);
    // Noted from the start: a new data directory writes the seeded accounts too.
    if config.data_dir.is_some() {
        store.track();
    }
    store
        .passwords
        .insert(config.login.clone(), config.password.clone());
    store
        .passwords
        .insert(OTHER_LOGIN.into(), config.password.clone());
    for (login, inn, kpp, name) in [
        (
            config.login.as_str(),
            config.inn.as_str(),
            config.kpp.as_str(),
            config.organization_name.as_str(),
        ),
        (OTHER_LOGIN, "7701234560", "770101001", "Другая организация"),
    ] {
        let account = Account {
            id: Uuid::new_v4(),
            inn: inn.into(),
            kpp: kpp.into(),
            name: name.into(),
            users: vec![login.into()],
        };
        let organization = Uuid::new_v4();
        store.organizations.push(Organization {
            id: organization,
            account_id: account.id,
            inn: inn.into(),
            kpp: kpp.into(),
            name: name.into(),
            is_main: true,
        });
        let subscription = sedo_subscription(account.id, organization, inn, kpp);
        store.insert_docflow(subscription);
        store.accounts.push(account);
    }
    Ok(Kept {
        store,
        ca,
        operator,
        inspection,
        inspection_encryption: None,
        clock_offset_ms: 0,
        zip_variants: Tracked::default(),
        document_requisites: Tracked::default(),
    })
}

/// The sandbox's own signer for `subject`: ECDSA by the CA, or GOST by the GOST test CA (`gost`).
fn own_signer(ca: &Authority, gost: bool, subject: &Subject) -> Result<SandboxSigner, PkiError> {
    if gost {
        ca.gost_signer(subject)
    } else {
        Ok(ca.signer(subject))
    }
}

/// Why GOST mode cannot start: the cause, and what it needs.
fn gost_unavailable(e: PkiError) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        format!(
            "GOST mode (SandboxConfig::gost, --gost) needs a sandbox built with the cargo feature \
             `gost` and OpenSSL's gost engine on this machine (Debian package \
             libengine-gost-openssl): {e}"
        ),
    )
}

/// The SEDO provider subscription a test account comes with: the C# SDK's End2End tests
/// (DocflowPathsExtensions_Tests, TryGet_should_return_docflow) find one on every test account
/// when they list `type=fss-sedo-provider-subscription`, and none in the unfiltered list.
fn sedo_subscription(account: Uuid, organization: Uuid, inn: &str, kpp: &str) -> Docflow {
    let now = chrono::Utc::now();
    Docflow {
        seq: 0,
        id: Uuid::new_v4(),
        account_id: account,
        organization_id: organization,
        doc_type: "urn:docflow:fss-sedo-provider-subscription".into(),
        status: DocflowStatus::Finished,
        success_state: SuccessState::Successful,
        inn: inn.into(),
        kpp: kpp.into(),
        cu: String::new(),
        knd: None,
        okud: None,
        incoming: false,
        description: crate::state::Description::new(&serde_json::json!({})),
        documents: crate::state::Documents::default(),
        created: now,
        updated: now,
        robot: None,
    }
}

/// Stores small bytes the sandbox produced as a content: in memory, not a file each.
pub fn memory_content(store: &mut Store, account_id: Uuid, bytes: &[u8]) -> Uuid {
    let id = Uuid::new_v4();
    store
        .contents
        .insert(id, Content::from_bytes(account_id, bytes.to_vec()));
    id
}
