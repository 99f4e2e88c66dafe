//! A faithful local emulator of the Kontur.Extern API.
//!
//! The vendor's test site needs a contract and a network; this sandbox is a real HTTP server
//! that behaves like the service as the vendor documents it: OIDC tokens, the contents service,
//! drafts checked and sent as tasks, real CMS signature verification against its own CA,
//! docflows answered by the test robots (FNS 0087 accepts, 0088 rejects, 0085 sends a precise
//! notice; Rosstat 00-87/00-88), replies, the events feed, errors in the vendor's shape.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use extern_api_sandbox::{Sandbox, SandboxConfig};
//!
//! let sandbox = Sandbox::start(SandboxConfig::for_tests()).await?;
//! println!("API at {}, token endpoint {}", sandbox.url(), sandbox.token_url());
//! // … point a client at sandbox.url(); the server stops when `sandbox` is dropped.
//! # Ok(()) }
//! ```
//!
//! # The house
//!
//! Rooms import only the rooms below them (no module imports one that imports it back):
//!
//! ```text
//! router                      the routes: every room's handlers behind admission
//!   ├─ api/                   one file per resource; reads and changes state, renders via views
//!   └─ realty/                Kontur.Reestro (/realty/v1): handlers, robot, view
//!        ├─ identity/         token endpoint, grants, admission, the account scope extractor
//!        ├─ flows/            lifecycle (statuses from documents), robots, sealing for recipients
//!        ├─ check/            what a draft's check finds (file, signatures, warrants)
//!        └─ views/            how the API shows docflows, drafts' signatures, tasks
//!             └─ state/       the store and its entities, clock, config, vocabulary, URNs;
//!                             the data directory (persist, tracked maps)
//!                  └─ pki/    the CA, signatures (ECDSA, RSA, GOST), envelopes
//!                       └─ formats/   wire types, report files, contracts, ZIP, PDF, forms
//!                            └─ http/ errors in the vendor's shape, extractors, faults
//! ```

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

mod api;
mod check;
mod flows;
mod formats;
mod http;
mod identity;
pub mod pki;
mod realty;
mod router;
mod state;
mod views;

pub use formats::report_file;

pub use http::faults::{FaultConfig, FaultRule};
pub use state::OTHER_LOGIN;
pub use state::config::{RobotTimings, SandboxConfig};

/// How often the robots look for steps that have fallen due.
const ROBOT_TICK: Duration = Duration::from_millis(25);

/// A running sandbox. Dropping it stops the server.
pub struct Sandbox {
    addr: SocketAddr,
    config: SandboxConfig,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    shared: Arc<state::Shared>,
}

impl Sandbox {
    /// Starts a sandbox on a random loopback port.
    ///
    /// # Errors
    ///
    /// As [`Sandbox::bind`].
    pub async fn start(config: SandboxConfig) -> std::io::Result<Self> {
        Self::bind(config, SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Starts a sandbox on the given address.
    ///
    /// # Errors
    ///
    /// The address cannot be listened on, the spool directory cannot be made, or the data
    /// directory ([`SandboxConfig::data_dir`]) cannot be opened or read; in GOST mode
    /// ([`SandboxConfig::gost`]), an error of kind [`std::io::ErrorKind::Unsupported`] naming the
    /// cargo feature `gost` and the package libengine-gost-openssl when this build has no GOST or
    /// OpenSSL's gost engine is not on the machine.
    pub async fn bind(config: SandboxConfig, addr: SocketAddr) -> std::io::Result<Self> {
        // The keys first: GOST mode without GOST fails before anything listens.
        let shared = Arc::new(state::Shared::new(config.clone())?);
        state::persist::Saver::start(Arc::downgrade(&shared))?;
        api::tasks::resume(&shared);
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        shared.set_base_url(format!("http://{addr}"));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let router = router::router(shared.clone());
        let ticker = shared.clone();
        let robots = tokio::spawn(async move {
            let mut interval = tokio::time::interval(ROBOT_TICK);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            loop {
                interval.tick().await;
                let now = ticker.clock.now();
                // Quietly: most ticks find nothing due, and a counted change would make the
                // next answer wait for a data directory's save.
                let mut store = ticker.lock_quietly();
                if anything_due(&store, now) {
                    ticker.count_change();
                    flows::robots::run_due(&ticker, &mut store, now);
                    realty::run_due(&ticker, &mut store, now);
                    api::cloud::expire(&mut store, now);
                }
            }
        });
        tokio::spawn(async move {
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
            robots.abort();
        });
        Ok(Self {
            addr,
            config,
            shutdown: Some(tx),
            shared,
        })
    }

    /// The API base URL, e.g. `http://127.0.0.1:49152` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The identity provider's token endpoint (served on the same listener).
    pub fn token_url(&self) -> String {
        format!("{}/connect/token", self.url())
    }

    /// The socket address the sandbox listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The configuration it runs with (seeded credentials and all).
    pub fn config(&self) -> &SandboxConfig {
        &self.config
    }

    /// The DER certificate of the sandbox's certificate authority.
    pub fn ca_certificate(&self) -> Vec<u8> {
        self.shared.ca.certificate_der.clone()
    }

    /// Moves the sandbox clock forward and runs the robot steps that fall due.
    pub fn advance_clock(&self, by: Duration) {
        let now = self
            .shared
            .clock
            .advance(chrono::Duration::from_std(by).unwrap_or_default());
        let mut store = self.shared.lock();
        flows::robots::run_due(&self.shared, &mut store, now);
        realty::run_due(&self.shared, &mut store, now);
    }

    /// The seeded user's account (the `accountId` of a Reestro session, among others).
    pub fn account_id(&self) -> uuid::Uuid {
        self.shared
            .lock()
            .accounts
            .first()
            .map(|a| a.id)
            .unwrap_or_default()
    }

    /// How many faults the fault rules have injected so far.
    pub fn faults_injected(&self) -> u64 {
        self.shared.faults.injected()
    }

    /// The seeded account's main organization (the `portal.orgid` of `ReestroAuth`).
    pub fn organization_id(&self) -> uuid::Uuid {
        let store = self.shared.lock();
        let account = store.accounts.first().map(|a| a.id);
        store
            .organizations
            .iter()
            .find(|o| Some(o.account_id) == account && o.is_main)
            .map(|o| o.id)
            .unwrap_or_default()
    }
}

/// Whether a robot's step, a Reestro step or a cloud operation's expiry falls due at `now`.
fn anything_due(store: &state::Store, now: chrono::DateTime<chrono::Utc>) -> bool {
    store.robot_queue.first().is_some_and(|(at, _)| *at <= now)
        || store.realty.queue.first().is_some_and(|(at, _)| *at <= now)
        || store.cloud_operations.values().any(|o| o.expires <= now)
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        // What changed since the last save, before the process may end.
        if let Some(saver) = &self.shared.saver {
            saver.save(&self.shared);
        }
    }
}
