//! How the certificate holder confirms a cloud operation: the SMS code comes from a
//! [`Confirmer`] (a prompt, a callback, a channel to a UI); approvals in the myDSS app are only
//! announced to it, and the operation's task is polled until the holder answers.

use std::future::Future;
use std::pin::Pin;

use uuid::Uuid;

/// What the holder is asked to confirm.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CloudOperation {
    /// Signing every document of a draft.
    SignDraft {
        /// The account.
        account: Uuid,
        /// The draft.
        draft: Uuid,
    },
    /// Signing a generated reply document.
    SignReply {
        /// The account.
        account: Uuid,
        /// The docflow answered.
        docflow: Uuid,
        /// The document the reply answers.
        document: Uuid,
        /// The reply.
        reply: Uuid,
    },
    /// Decrypting an incoming document encrypted for the cloud certificate.
    Decrypt {
        /// The account.
        account: Uuid,
        /// The docflow.
        docflow: Uuid,
        /// The encrypted document.
        document: Uuid,
    },
}

/// What a prompt shows the holder, e.g. "sign draft 8e3cf3cb-…".
impl std::fmt::Display for CloudOperation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::SignDraft { draft, .. } => write!(f, "sign draft {draft}"),
            Self::SignReply { reply, .. } => write!(f, "sign reply {reply}"),
            Self::Decrypt { document, .. } => write!(f, "decrypt document {document}"),
        }
    }
}

/// How the service asks the holder.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfirmType {
    /// A one-time code sent by SMS, entered through [`Confirmer::code`].
    Sms,
    /// An approval in the myDSS phone app; the SDK polls until the holder answers.
    MyDss,
    /// A confirmation kind this SDK does not know yet (the vendor's value).
    Other(String),
}

impl ConfirmType {
    pub(crate) fn parse(s: &str) -> Self {
        match s.to_ascii_lowercase().as_str() {
            "sms" => Self::Sms,
            "mydss" | "dss" => Self::MyDss,
            _ => Self::Other(s.to_string()),
        }
    }
}

/// One request to the holder.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ConfirmationRequest {
    /// The service's id of the operation (the SMS names it too).
    pub request_id: String,
    /// What is being confirmed.
    pub operation: CloudOperation,
    /// How.
    pub confirm_type: ConfirmType,
    /// 1 for the first code asked, 2 after a wrong code, and so on.
    pub attempt: u32,
    /// Why the previous code was refused (the server's message, e.g. how many attempts are left).
    pub refused: Option<String>,
}

/// A code being asked for; `None` means the holder gave up.
pub type CodeFuture<'a> = Pin<Box<dyn Future<Output = Option<String>> + Send + 'a>>;

/// Talks to the certificate holder.
pub trait Confirmer: Send + Sync {
    /// The SMS code for `request`, or `None` to give up (the operation then fails with
    /// [`CloudFailure::CanceledByUser`](extern_api_core::CloudFailure::CanceledByUser)).
    fn code<'a>(&'a self, request: &'a ConfirmationRequest) -> CodeFuture<'a>;

    /// The holder must now approve `request` in the myDSS app.
    fn awaiting_approval(&self, request: &ConfirmationRequest) {
        tracing::info!(request_id = %request.request_id, "approve the operation in the myDSS app");
    }

    /// The operation's task reported a new `progress` value (e.g. `AwaitingForConfirmation`).
    fn progress(&self, request: &ConfirmationRequest, progress: &str) {
        tracing::debug!(request_id = %request.request_id, progress, "cloud operation progress");
    }
}

/// A [`Confirmer`] from an async closure that answers each request with a code.
///
/// ```
/// let confirmer = extern_api_dss::confirm_with(|request| async move {
///     println!("enter the SMS code for {} (attempt {})", request.request_id, request.attempt);
///     let mut line = String::new();
///     std::io::stdin().read_line(&mut line).ok()?;
///     Some(line.trim().to_string())
/// });
/// # let _ = confirmer;
/// ```
pub fn confirm_with<F, Fut>(ask: F) -> impl Confirmer
where
    F: Fn(ConfirmationRequest) -> Fut + Send + Sync,
    Fut: Future<Output = Option<String>> + Send + 'static,
{
    ClosureConfirmer(ask)
}

struct ClosureConfirmer<F>(F);

impl<F, Fut> Confirmer for ClosureConfirmer<F>
where
    F: Fn(ConfirmationRequest) -> Fut + Send + Sync,
    Fut: Future<Output = Option<String>> + Send + 'static,
{
    fn code<'a>(&'a self, request: &'a ConfirmationRequest) -> CodeFuture<'a> {
        Box::pin((self.0)(request.clone()))
    }
}
