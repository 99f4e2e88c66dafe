//! One cloud operation from start to end: start it, then either confirm SMS codes from the
//! [`Confirmer`] (asking again after a wrong code, as long as the service allows) or poll the
//! operation's task while the holder decides in the myDSS app. Failures become
//! [`Error::Cloud`] with the vendor's classification.

use std::time::Duration;

use extern_api_core::api::{PollPolicy, task_result, wait_task};
use extern_api_core::raw::prelude::*;
use extern_api_core::raw::types;
use extern_api_core::{CloudFailure, Error, ExternClient, Idempotency};

use crate::confirmer::{CloudOperation, ConfirmType, ConfirmationRequest, Confirmer};

/// How many times a start refused with "another task is active on the draft" is repeated:
/// nothing was created, so waiting and starting again is safe.
const BUSY_RETRIES: u32 = 5;
/// A guard against a service that never says the attempts are exhausted.
const MAX_CODES: u32 = 10;

/// Runs `operation` to its end; answers the links the service reports (signed or decrypted
/// documents).
pub(crate) async fn run(
    client: &ExternClient,
    operation: &CloudOperation,
    confirmer: &dyn Confirmer,
    poll: &PollPolicy,
) -> Result<Vec<types::Link>, Error> {
    let init = start_with_retries(client, operation).await?;
    let confirm_type = init
        .confirm_type
        .as_deref()
        .map(ConfirmType::parse)
        .unwrap_or(if init.task_id.is_some() {
            ConfirmType::MyDss
        } else {
            ConfirmType::Sms
        });
    let mut request = ConfirmationRequest {
        request_id: init.request_id.clone().unwrap_or_default(),
        operation: operation.clone(),
        confirm_type,
        attempt: 1,
        refused: None,
    };
    tracing::info!(request_id = %request.request_id, confirm = ?request.confirm_type, "cloud operation started");
    match init.task_id {
        Some(task) => approve_in_app(client, &request, task, confirmer, poll).await,
        None if !request.request_id.is_empty() => {
            enter_codes(client, &mut request, confirmer).await
        }
        None => Err(Error::protocol(
            "the cloud operation started with neither a request id nor a task",
        )),
    }
}

async fn start_with_retries(
    client: &ExternClient,
    operation: &CloudOperation,
) -> Result<types::CloudOperationInit, Error> {
    let mut wait = Duration::from_millis(200);
    for attempt in 0.. {
        match start(client, operation).await {
            Err(e) if attempt < BUSY_RETRIES && is_busy(&e) => {
                tracing::debug!(%e, "another task holds the draft; starting again later");
                tokio::time::sleep(wait).await;
                wait *= 2;
            }
            other => return other.map_err(classify_api_error),
        }
    }
    unreachable!("the loop returns")
}

fn is_busy(e: &Error) -> bool {
    e.status() == Some(409)
        && e.error_id()
            .is_some_and(|id| id.ends_with(":concurrentApiTaskActive"))
}

async fn start(
    client: &ExternClient,
    operation: &CloudOperation,
) -> Result<types::CloudOperationInit, Error> {
    let answer = match *operation {
        CloudOperation::SignDraft { account, draft } => {
            client
                .call(Idempotency::Once, move |c| async move {
                    c.drafts_cloud_sign()
                        .account_id(account)
                        .draft_id(draft)
                        .send()
                        .await
                })
                .await?
        }
        CloudOperation::SignReply {
            account,
            docflow,
            document,
            reply,
        } => {
            client
                .call(Idempotency::Once, move |c| async move {
                    c.replies_cloud_sign_reply()
                        .account_id(account)
                        .docflow_id(docflow)
                        .document_id(document)
                        .reply_id(reply)
                        .send()
                        .await
                })
                .await?
        }
        CloudOperation::Decrypt {
            account,
            docflow,
            document,
        } => {
            client
                .call(Idempotency::Once, move |c| async move {
                    c.docflows_decrypt_content()
                        .account_id(account)
                        .docflow_id(docflow)
                        .document_id(document)
                        .send()
                        .await
                })
                .await?
        }
    };
    Ok(answer.into_inner())
}

async fn enter_codes(
    client: &ExternClient,
    request: &mut ConfirmationRequest,
    confirmer: &dyn Confirmer,
) -> Result<Vec<types::Link>, Error> {
    loop {
        let Some(code) = confirmer.code(request).await else {
            return Err(Error::Cloud {
                failure: CloudFailure::CanceledByUser,
                message: "the confirmer gave no code".into(),
            });
        };
        match confirm(client, request, code.trim()).await {
            Ok(result) => {
                let mut links = result.signed_documents;
                links.extend(result.decrypted_documents);
                return Ok(links);
            }
            Err(e) if is_wrong_code(&e) && request.attempt < MAX_CODES => {
                tracing::info!(request_id = %request.request_id, attempt = request.attempt, "wrong confirmation code");
                request.attempt += 1;
                request.refused = Some(match &e {
                    Error::Api { message, .. } => message.clone(),
                    other => other.to_string(),
                });
            }
            Err(e) => return Err(classify_api_error(e)),
        }
    }
}

fn is_wrong_code(e: &Error) -> bool {
    e.error_id()
        .is_some_and(|id| normalize(id).contains("wrongconfirmationcode"))
}

/// Confirming is not repeated on transport failures: the service may have consumed the code.
async fn confirm(
    client: &ExternClient,
    request: &ConfirmationRequest,
    code: &str,
) -> Result<types::CloudOperationConfirmResult, Error> {
    let id = request.request_id.as_str();
    let answer = match request.operation {
        CloudOperation::SignDraft { account, draft } => {
            client
                .call(Idempotency::Once, move |c| async move {
                    c.drafts_cloud_sign_confirm()
                        .account_id(account)
                        .draft_id(draft)
                        .request_id(id)
                        .code(code)
                        .send()
                        .await
                })
                .await?
        }
        CloudOperation::SignReply {
            account,
            docflow,
            document,
            reply,
        } => {
            client
                .call(Idempotency::Once, move |c| async move {
                    c.replies_cloud_sign_reply_confirm()
                        .account_id(account)
                        .docflow_id(docflow)
                        .document_id(document)
                        .reply_id(reply)
                        .request_id(id)
                        .code(code)
                        .send()
                        .await
                })
                .await?
        }
        CloudOperation::Decrypt {
            account,
            docflow,
            document,
        } => {
            client
                .call(Idempotency::Once, move |c| async move {
                    c.docflows_confirm_content_decryption()
                        .account_id(account)
                        .docflow_id(docflow)
                        .document_id(document)
                        .request_id(id)
                        .code(code)
                        .send()
                        .await
                })
                .await?
        }
    };
    Ok(answer.into_inner())
}

async fn approve_in_app(
    client: &ExternClient,
    request: &ConfirmationRequest,
    task: uuid::Uuid,
    confirmer: &dyn Confirmer,
    poll: &PollPolicy,
) -> Result<Vec<types::Link>, Error> {
    confirmer.awaiting_approval(request);
    let last_progress = std::sync::Mutex::new(None::<String>);
    let finished = wait_task(poll, || {
        let fetched = fetch_task(client, &request.operation, task);
        let last_progress = &last_progress;
        async move {
            let t = fetched.await?;
            let mut last = last_progress.lock().unwrap_or_else(|e| e.into_inner());
            if t.progress != *last {
                if let Some(p) = &t.progress {
                    confirmer.progress(request, p);
                }
                last.clone_from(&t.progress);
            }
            Ok(t)
        }
    })
    .await
    .map_err(|e| match e {
        Error::Timeout(after) => Error::Cloud {
            failure: CloudFailure::Timeout,
            message: format!("the holder did not answer within {after:?}"),
        },
        other => other,
    })?;
    let progress = finished.progress.clone();
    match task_result(finished) {
        Ok(result) => Ok(["signed-documents", "decrypted-documents"]
            .iter()
            .filter_map(|k| result.get(*k))
            .filter_map(|v| serde_json::from_value::<Vec<types::Link>>(v.clone()).ok())
            .flatten()
            .collect()),
        Err(Error::TaskFailed { id, message, .. }) => {
            let failure = progress
                .as_deref()
                .and_then(failure_of)
                .or_else(|| id.as_deref().and_then(failure_of))
                .unwrap_or_else(|| {
                    CloudFailure::Other(progress.or(id).unwrap_or_else(|| "failed".into()))
                });
            Err(Error::Cloud { failure, message })
        }
        Err(other) => Err(other),
    }
}

async fn fetch_task(
    client: &ExternClient,
    operation: &CloudOperation,
    task: uuid::Uuid,
) -> Result<types::ApiTask, Error> {
    let answer = match *operation {
        CloudOperation::SignDraft { account, draft } => {
            client
                .call(Idempotency::Idempotent, move |c| async move {
                    c.drafts_get_task()
                        .account_id(account)
                        .draft_id(draft)
                        .api_task_id(task)
                        .send()
                        .await
                })
                .await?
        }
        CloudOperation::SignReply {
            account,
            docflow,
            document,
            reply,
        } => {
            client
                .call(Idempotency::Idempotent, move |c| async move {
                    c.replies_get_reply_task()
                        .account_id(account)
                        .docflow_id(docflow)
                        .document_id(document)
                        .reply_id(reply)
                        .api_task_id(task)
                        .send()
                        .await
                })
                .await?
        }
        CloudOperation::Decrypt {
            account,
            docflow,
            document,
        } => {
            client
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
        }
    };
    Ok(answer.into_inner())
}

/// The error id's last segment, lower-cased, without a `cloudOperation` prefix.
fn normalize(id: &str) -> String {
    let last = id.rsplit(':').next().unwrap_or(id).to_ascii_lowercase();
    last.strip_prefix("cloudoperation")
        .map(String::from)
        .unwrap_or(last)
}

/// The vendor's failure names (task `progress` values and error ids).
pub(crate) fn failure_of(name: &str) -> Option<CloudFailure> {
    Some(match normalize(name).as_str() {
        "canceledbyuser" | "cancelledbyuser" => CloudFailure::CanceledByUser,
        "timeout" => CloudFailure::Timeout,
        "exceededconfirmationattemptscount" => CloudFailure::ExceededConfirmationAttempts,
        "userhasunconfirmedoperation" => CloudFailure::UnconfirmedOperationPending,
        "notcloudcertificate" => CloudFailure::NotCloudCertificate,
        "crashed" => CloudFailure::Crashed,
        _ => return None,
    })
}

fn classify_api_error(e: Error) -> Error {
    match &e {
        Error::Api { id, message, .. } => match failure_of(id) {
            Some(failure) => Error::Cloud {
                failure,
                message: message.clone(),
            },
            None => e,
        },
        _ => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendor_names_classify_and_unknown_ones_do_not() {
        assert_eq!(
            failure_of("urn:error:externapi:cloudOperationCanceledByUser"),
            Some(CloudFailure::CanceledByUser)
        );
        assert_eq!(failure_of("Timeout"), Some(CloudFailure::Timeout));
        assert_eq!(
            failure_of("ExceededConfirmationAttemptsCount"),
            Some(CloudFailure::ExceededConfirmationAttempts)
        );
        assert_eq!(
            failure_of("urn:error:externapi:userHasUnconfirmedOperation"),
            Some(CloudFailure::UnconfirmedOperationPending)
        );
        assert_eq!(failure_of("SomethingNew"), None);
    }
}
