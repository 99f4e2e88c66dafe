//! Sandbox settings: the seeded identities, limits and robot timings. Every field has the
//! well-known default, so `SandboxConfig::default()` is a working sandbox; a TOML file
//! (`--config sandbox.toml`) overrides any of them.

use std::time::Duration;

use serde::Deserialize;

/// Everything a sandbox run can be told.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct SandboxConfig {
    /// The integrator's client id at the identity provider.
    pub client_id: String,
    /// The integrator's api-key (the `client_secret` at `/connect/token`, and the legacy header).
    pub api_key: String,
    /// The seeded user's login and password.
    pub login: String,
    pub password: String,
    /// A legacy `auth.sid` session id accepted together with the api-key.
    pub legacy_sid: String,
    /// The head organization of the seeded account.
    pub inn: String,
    pub kpp: String,
    pub organization_name: String,
    /// Lifetime of access tokens, in seconds (the vendor gives 86 400; tests use a few).
    pub token_ttl_secs: u64,
    /// Requests in flight per client before the sandbox answers 429 (the vendor's limit is 20).
    pub max_in_flight: usize,
    /// The largest contents part accepted, in bytes (the vendor's is 64 MiB).
    pub part_limit: u64,
    /// How long a check/prepare/send task stays `running`, in milliseconds.
    pub task_delay_ms: u64,
    /// Robot timings, in milliseconds after the previous step.
    pub robots: RobotTimings,
    /// Latency added to every API request, in milliseconds (to rehearse timeouts and limits).
    pub latency_ms: u64,
    /// Faults injected into API requests (none by default).
    pub faults: crate::http::faults::FaultConfig,
    /// Answer in the older forms the vendor's material also shows: 202 for deferred task starts,
    /// 201 for added draft documents and signatures, gzip-compressed documents. The client must
    /// read both; tests run it against each.
    pub older_forms: bool,
    /// GOST mode, as the vendor's test site works: the operator's and the inspections' own
    /// signatures (receipts, confirmations, the robots' documents, demands, letters, test-tools
    /// reports) are GOST R 34.10-2012 (256 bits) with Streebog-256, by keys certified by the
    /// sandbox's GOST test CA, and `generate-certificate` without `algorithm` issues
    /// gost2012-256. Off by default (ECDSA P-256 and SHA-256); `gost = true` in the TOML file,
    /// `--gost` on the command line.
    ///
    /// It needs a build with the cargo feature `gost` and OpenSSL's gost engine on the machine
    /// (Debian package libengine-gost-openssl): otherwise the sandbox does not start
    /// (`Sandbox::start` answers an error naming both). The feature alone changes no default.
    pub gost: bool,
    /// Keep the state in this directory (SQLite and contents' files) and continue from it when
    /// started again: `data-dir = "…"` in the TOML file, `--data-dir DIR` on the command line.
    /// None (the default): in memory, gone when the sandbox stops.
    pub data_dir: Option<std::path::PathBuf>,
}

/// When the test robots answer, each step counted from the previous one.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct RobotTimings {
    /// The inspection's receipt (IZ) after sending.
    pub receipt_ms: u64,
    /// The acceptance result (KV or UO) after the receipt.
    pub acceptance_ms: u64,
    /// The processing result (IV or UU) after the acceptance.
    pub processing_ms: u64,
}

impl Default for RobotTimings {
    fn default() -> Self {
        Self {
            receipt_ms: 1_500,
            acceptance_ms: 1_500,
            processing_ms: 500,
        }
    }
}

impl RobotTimings {
    /// Robots that answer at once: for tests.
    pub fn immediate() -> Self {
        Self {
            receipt_ms: 0,
            acceptance_ms: 0,
            processing_ms: 0,
        }
    }
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            client_id: "sandbox".into(),
            api_key: "sandbox-api-key".into(),
            login: "user@sandbox.local".into(),
            password: "sandbox".into(),
            legacy_sid: "sandbox-auth-sid".into(),
            inn: "6676130154".into(),
            kpp: "667601001".into(),
            organization_name: "Тестовая".into(),
            token_ttl_secs: 86_400,
            max_in_flight: 20,
            part_limit: 64 * 1024 * 1024,
            task_delay_ms: 300,
            robots: RobotTimings::default(),
            latency_ms: 0,
            faults: Default::default(),
            older_forms: false,
            gost: false,
            data_dir: None,
        }
    }
}

impl SandboxConfig {
    /// Defaults tuned for tests: robots and tasks answer at once.
    pub fn for_tests() -> Self {
        Self {
            task_delay_ms: 0,
            robots: RobotTimings::immediate(),
            ..Self::default()
        }
    }

    /// Reads a TOML file; unknown keys are an error, so typos do not pass silently.
    pub fn from_toml(text: &str) -> Result<Self, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    pub(crate) fn task_delay(&self) -> Duration {
        Duration::from_millis(self.task_delay_ms)
    }
}
