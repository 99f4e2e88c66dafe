//! A [`Confirmer`] that hands each request to another task (a UI, a bot) over a channel.

use tokio::sync::{mpsc, oneshot};

use crate::confirmer::{CodeFuture, ConfirmationRequest, Confirmer};

/// A request for a code, to be answered through [`Prompt::answer`] (dropping it gives up).
#[derive(Debug)]
pub struct Prompt {
    /// What the holder is asked.
    pub request: ConfirmationRequest,
    answer: oneshot::Sender<String>,
}

impl Prompt {
    /// Sends the holder's code back to the waiting operation.
    pub fn answer(self, code: impl Into<String>) {
        // The operation may have been dropped meanwhile; nothing waits for the code then.
        let _ = self.answer.send(code.into());
    }
}

/// Sends a [`Prompt`] per code needed.
#[derive(Clone, Debug)]
pub struct ChannelConfirmer {
    prompts: mpsc::Sender<Prompt>,
}

impl ChannelConfirmer {
    /// The confirmer and the receiving end for whoever talks to the holder.
    pub fn new() -> (Self, mpsc::Receiver<Prompt>) {
        let (prompts, rx) = mpsc::channel(8);
        (Self { prompts }, rx)
    }
}

impl Confirmer for ChannelConfirmer {
    fn code<'a>(&'a self, request: &'a ConfirmationRequest) -> CodeFuture<'a> {
        Box::pin(async move {
            let (answer, code) = oneshot::channel();
            let prompt = Prompt {
                request: request.clone(),
                answer,
            };
            self.prompts.send(prompt).await.ok()?;
            code.await.ok()
        })
    }
}
