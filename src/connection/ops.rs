//! The Connection area's operations: each builds its request with the
//! engine, sends it with [`super::http::send`], reads the answer with the
//! engine, and reports into the session. Components only call these.

use super::ext;
use super::http::{send, Env, Response};
use super::session::{Op, OpStatus, Pending, Session, SessionAction};
use crate::app::DraftHandle;
use crate::state::{Action, Draft, Field, KeystoreRow, Secrets, Storage};
use crate::vault::{passphrase_problem, SealedKey};
use ecekit_core::api::connection::{
    self, check_api_key, keystore_diff, login_body, readback, session_ended, shown_request,
    verify_summary, AuthMethod, Coordinator, Credential, ProfileError, SendError, ShownRequest,
};
use ecekit_core::api::response::{
    api_key_expiration, parse_deployments_list, parse_keystore_contents, parse_reload_response,
    parse_token_response, parse_verify_response,
};
use ecekit_core::api::{build_request, Auth, Operation, Request, RequestSpec, Target};
use ecekit_core::keystore::{self, Secret, SecretChange, SecretValue};
use ecekit_core::render::{self, Format, RenderOptions};
use ecekit_core::repository::{self, RepositorySpec};
use ecekit_core::Platform;
use yew::UseReducerHandle;

/// The coordinator of the draft's profile (Elastic Cloud: its API).
pub fn coordinator(draft: &Draft) -> Result<Coordinator, ProfileError> {
    match draft.platform {
        Platform::Ess => connection::coordinator(Platform::Ess, ""),
        p => connection::coordinator(p, &draft.coordinator),
    }
}

fn some(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// The request spec of `operation` for the draft and the session's credential.
pub fn spec(draft: &Draft, session: &Session, operation: Operation) -> RequestSpec {
    let target = match draft.platform {
        Platform::Ess => Target::Ess,
        _ => Target::Ece {
            coordinator: coordinator(draft).ok().map(|c| c.base_url),
        },
    };
    let mut spec = RequestSpec::new(operation, target);
    if matches!(session.credential, Some(Credential::Bearer { .. })) {
        spec = spec.auth(Auth::Bearer);
    }
    spec.deployment_id = some(&draft.deployment_id);
    spec.ref_id = some(&draft.ref_id);
    if operation.needs_repository() {
        spec.repository = Some(some(&draft.repository).unwrap_or_else(|| "my-snapshots".into()));
    }
    spec
}

/// A request as shown before sending (credential and values redacted).
pub fn shown(
    draft: &Draft,
    session: &Session,
    operation: Operation,
    body: Option<String>,
) -> Result<ShownRequest, String> {
    let mut s = spec(draft, session, operation);
    s.body = body;
    let r = build_request(&s).map_err(|e| e.message)?;
    Ok(shown_request(&r, session.credential.as_ref()))
}

/// The curl command of a request (for a page that cannot send): keystore
/// values stay out of it.
pub fn curl(
    draft: &Draft,
    session: &Session,
    operation: Operation,
    body: Option<String>,
) -> Option<String> {
    let mut s = spec(draft, session, operation);
    s.body = body.map(|b| connection::redact_body(operation, &b));
    let r = build_request(&s).ok()?;
    let options = RenderOptions {
        insecure: false,
        cacert: Some(format!("${}", r.target.ca_cert_variable())),
    };
    render::render(&r, Format::CurlBash, &options)
        .ok()
        .map(|x| x.text)
}

fn secret_of(row: &KeystoreRow, value: &str) -> Secret {
    let v = if row.as_file {
        SecretValue::from_file_content(value.to_string())
    } else {
        SecretValue::Text(value.to_string())
    };
    let s = Secret::new(row.name.trim(), v);
    if row.as_file {
        s.with_as_file(true)
    } else {
        s
    }
}

/// The keystore changes the Keystore rows describe (same rules as the
/// Keystore area: a row needs a value unless it is marked Remove).
pub fn keystore_changes(draft: &Draft, secrets: &Secrets) -> Result<Vec<SecretChange>, String> {
    let mut changes = Vec::new();
    let mut without = Vec::new();
    for row in draft.keystore.iter().filter(|r| !r.name.trim().is_empty()) {
        if row.remove {
            changes.push(SecretChange::Remove(row.name.trim().to_string()));
        } else {
            match secrets.get(row.id).filter(|v| !v.is_empty()) {
                Some(v) => changes.push(SecretChange::Set(secret_of(row, v))),
                None => without.push(row.name.trim().to_string()),
            }
        }
    }
    if !without.is_empty() {
        return Err(format!(
            "Enter the value of {} (or mark it Remove).",
            without.join(", ")
        ));
    }
    if changes.is_empty() {
        return Err("Add a keystore setting with its value first.".into());
    }
    Ok(changes)
}

/// The settings with values, for a resync (remove, then add back).
pub fn resync_secrets(draft: &Draft, secrets: &Secrets) -> Vec<Secret> {
    draft
        .keystore
        .iter()
        .filter(|r| !r.remove && !r.name.trim().is_empty())
        .filter_map(|r| {
            secrets
                .get(r.id)
                .filter(|v| !v.is_empty())
                .map(|v| secret_of(r, v))
        })
        .collect()
}

/// The repository of the draft, as the engine's spec.
pub fn repository_spec(draft: &Draft) -> RepositorySpec {
    let ty = draft.storage.repository_type();
    let name = some(&draft.repository).unwrap_or_else(|| "my-snapshots".into());
    let mut spec = RepositorySpec::new(ty, name);
    let bucket_key = if draft.storage == Storage::Azure {
        "container"
    } else {
        "bucket"
    };
    for (k, v) in [
        (bucket_key, &draft.bucket),
        ("client", &draft.client),
        ("base_path", &draft.base_path),
    ] {
        if let Some(v) = some(v) {
            spec.set(k, v);
        }
    }
    for (k, v) in &draft.repository_settings {
        if !k.trim().is_empty() && !v.trim().is_empty() {
            spec.set(k.trim(), v.trim());
        }
    }
    spec
}

/// One send, with the session's credential and time limit; records the
/// key's expiry and a CORS block.
async fn exchange(
    h: &UseReducerHandle<Session>,
    draft: &Draft,
    operation: Operation,
    body: Option<String>,
) -> Result<Response, SendError> {
    let session = (**h).clone();
    let c = coordinator(draft).map_err(|e| SendError::invalid(e.message))?;
    let mut s = spec(draft, &session, operation);
    s.body = body;
    let request: Request = build_request(&s).map_err(|e| SendError::invalid(e.message))?;
    if let Some(credential) = &session.credential {
        if let Some(e) = session_ended(credential, ext::now()) {
            // An ending login session is dropped: the user logs in again.
            h.dispatch(SessionAction::Lock);
            return Err(e);
        }
    }
    let env = Env::current(session.timeout_secs);
    let result = send(&env, &c, &request, session.credential.as_ref()).await;
    match &result {
        Ok(r) => {
            if matches!(session.credential, Some(Credential::ApiKey(_))) {
                if let Some(Ok(e)) = api_key_expiration(&r.headers, ext::now()) {
                    h.dispatch(SessionAction::Expiry(Some(e)));
                }
            }
        }
        Err(e) if e.kind == connection::SendErrorKind::Cors => {
            h.dispatch(SessionAction::CorsBlocked(c.origin()))
        }
        Err(e) if e.kind == connection::SendErrorKind::PermissionMissing => {
            h.dispatch(SessionAction::Granted(Some(false)))
        }
        _ => {}
    }
    result
}

/// What an operation ends with: a message and details, or the explained error.
pub type Outcome = Result<(String, Vec<String>), SendError>;
/// An operation's work, started anew on each click.
pub type OpFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Outcome>>>;
pub type MakeOp = std::rc::Rc<dyn Fn() -> OpFuture>;

/// Runs `op`: every Send is off until it ends; its result replaces the last.
pub async fn run(
    h: UseReducerHandle<Session>,
    op: Op,
    work: impl std::future::Future<Output = Outcome>,
) {
    h.dispatch(SessionAction::Busy(Some(op)));
    h.dispatch(SessionAction::Status(
        op,
        OpStatus::Progress("Sending…".into()),
    ));
    let status = match work.await {
        Ok((message, details)) => OpStatus::Done { message, details },
        Err(e) => OpStatus::Failed(Box::new(e)),
    };
    h.dispatch(SessionAction::Status(op, status));
    h.dispatch(SessionAction::Busy(None));
}

fn progress(h: &UseReducerHandle<Session>, op: Op, text: impl Into<String>) {
    h.dispatch(SessionAction::Status(op, OpStatus::Progress(text.into())));
}

/// Connect: check the profile, log in if asked, then list the deployments.
pub async fn connect(
    h: UseReducerHandle<Session>,
    draft: Draft,
    api_key: String,
    password: String,
) -> Outcome {
    let c = coordinator(&draft).map_err(|e| SendError::invalid(e.message))?;
    let session = (*h).clone();
    let credential = match session.auth {
        AuthMethod::ApiKey => {
            Credential::ApiKey(check_api_key(&api_key).map_err(|e| SendError::invalid(e.message))?)
        }
        AuthMethod::Login => {
            if draft.platform != Platform::Ece {
                return Err(SendError::invalid(
                    "Elastic Cloud accepts API keys only: create one in the Cloud console (Organization › API keys).",
                ));
            }
            if session.username.trim().is_empty() || password.is_empty() {
                return Err(SendError::invalid("Enter the user name and the password."));
            }
            progress(&h, Op::Connect, "Logging in…");
            h.dispatch(SessionAction::Lock);
            let r = exchange(
                &h,
                &draft,
                Operation::Login,
                Some(login_body(&session.username, &password)),
            )
            .await
            .map_err(connection::login_failed)?;
            let token = parse_token_response(&r.body)
                .map_err(|e| SendError::bad_answer("the login", &e))?;
            Credential::Bearer {
                token: token.token.clone(),
                expires_at: token.expires_at,
            }
        }
    };
    h.dispatch(SessionAction::Connected(credential));
    progress(&h, Op::Connect, "Listing the deployments…");
    let r = exchange(&h, &draft, Operation::DeploymentsList, None).await;
    let r = match r {
        Ok(r) => r,
        Err(e) => {
            // Not connected (refused, blocked or unreachable): no credential is
            // kept in memory and nothing says "Connected"; what was typed stays.
            h.dispatch(SessionAction::Lock);
            return Err(e);
        }
    };
    let list = parse_deployments_list(&r.body)
        .map_err(|e| SendError::bad_answer("the deployments list", &e))?;
    let n = list.len();
    h.dispatch(SessionAction::Deployments(list));
    Ok((
        format!(
            "Connected to {}: {n} deployment{} listed. Pick one below.",
            c.origin(),
            if n == 1 { "" } else { "s" }
        ),
        vec![],
    ))
}

/// Lists the deployments again.
pub async fn list_deployments(h: UseReducerHandle<Session>, draft: Draft) -> Outcome {
    let r = exchange(&h, &draft, Operation::DeploymentsList, None).await?;
    let list = parse_deployments_list(&r.body)
        .map_err(|e| SendError::bad_answer("the deployments list", &e))?;
    let n = list.len();
    h.dispatch(SessionAction::Deployments(list));
    Ok((format!("{n} deployments listed."), vec![]))
}

async fn current_keys(
    h: &UseReducerHandle<Session>,
    draft: &Draft,
) -> Result<Vec<String>, SendError> {
    let r = exchange(h, draft, Operation::KeystoreGet, None).await?;
    let keys = parse_keystore_contents(&r.body)
        .map_err(|e| SendError::bad_answer("the keystore listing", &e))?;
    let names: Vec<String> = keys.into_iter().map(|k| k.name).collect();
    h.dispatch(SessionAction::Keys(names.clone()));
    Ok(names)
}

pub const VALUES_NEVER_RETURNED: &str =
    "The API returns key names only: keystore values are never sent back, so they cannot be shown or checked here.";

/// Lists the keystore's key names.
pub async fn list_keys(h: UseReducerHandle<Session>, draft: Draft) -> Outcome {
    let names = current_keys(&h, &draft).await?;
    let message = if names.is_empty() {
        "The keystore holds no keys.".to_string()
    } else {
        format!(
            "The keystore holds {} key{}.",
            names.len(),
            if names.len() == 1 { "" } else { "s" }
        )
    };
    let mut details = names;
    details.push(VALUES_NEVER_RETURNED.to_string());
    Ok((message, details))
}

/// Reads the current keys and prepares the PATCH for confirmation.
pub async fn prepare(
    h: UseReducerHandle<Session>,
    draft: Draft,
    op: Op,
    bodies: Vec<String>,
) -> Outcome {
    let last = bodies.last().cloned().unwrap_or_default();
    progress(&h, op, "Reading the current keys to show what changes…");
    let current = current_keys(&h, &draft).await?;
    let diff = if op == Op::Resync {
        // Remove then re-add: the names are replaced.
        let mut d = keystore_diff(&current, &last).map_err(|e| SendError::invalid(e.message))?;
        d.replaced.append(&mut d.added);
        ecekit_core::sort::sort_by(&mut d.replaced, Ord::cmp);
        d
    } else {
        keystore_diff(&current, &last).map_err(|e| SendError::invalid(e.message))?
    };
    let message = format!("Review the change, then confirm: {}", diff.summary());
    h.dispatch(SessionAction::Pending(Some(Pending { op, bodies, diff })));
    Ok((message, vec![]))
}

/// Sends the confirmed PATCH(es), then reads the keystore back.
pub async fn confirm(h: UseReducerHandle<Session>, draft: Draft, pending: Pending) -> Outcome {
    h.dispatch(SessionAction::Pending(None));
    let total = pending.bodies.len();
    for (i, body) in pending.bodies.iter().enumerate() {
        if total > 1 {
            progress(
                &h,
                pending.op,
                format!(
                    "Step {} of {total}: {}…",
                    i + 1,
                    if i == 0 {
                        "removing the keys"
                    } else {
                        "adding them back"
                    }
                ),
            );
        }
        exchange(&h, &draft, Operation::KeystoreSet, Some(body.clone()))
            .await
            .map_err(|mut e| {
                if total > 1 {
                    e.title = format!("Step {} of {total} failed: {}", i + 1, e.title);
                }
                e
            })?;
    }
    progress(&h, pending.op, "Reading the keystore back…");
    let after = current_keys(&h, &draft).await?;
    let rb = readback(&pending.diff, &after);
    let head = if rb.ok() {
        format!("Done: {}", pending.diff.summary())
    } else {
        "Sent, but the read-back does not match.".to_string()
    };
    let advice = keystore::reload_advice(
        pending
            .diff
            .added
            .iter()
            .chain(&pending.diff.replaced)
            .map(String::as_str),
    )
    .note();
    Ok((head, vec![rb.message(), advice]))
}

/// `POST _nodes/reload_secure_settings` through the proxy.
pub async fn reload(h: UseReducerHandle<Session>, draft: Draft) -> Outcome {
    let r = exchange(&h, &draft, Operation::ReloadSecureSettings, None).await?;
    let report = parse_reload_response(&r.body)
        .map_err(|e| SendError::bad_answer("reload_secure_settings", &e))?;
    let mut details: Vec<String> = report
        .nodes
        .iter()
        .map(|n| match &n.exception {
            None => format!(
                "{}: reloaded",
                if n.name.is_empty() { &n.id } else { &n.name }
            ),
            Some(x) => format!("{}: {} ({})", n.name, x.reason, x.kind),
        })
        .collect();
    if report.ok() {
        Ok((
            format!("Secure settings reloaded on {} nodes.", report.nodes.len()),
            details,
        ))
    } else {
        details.push("Fix the failing settings (see the reasons) and reload again.".into());
        Ok((
            format!("{} node(s) failed to reload.", report.failed_nodes().len()),
            details,
        ))
    }
}

/// `PUT _snapshot/<name>` then `POST _snapshot/<name>/_verify`.
pub async fn repository(h: UseReducerHandle<Session>, draft: Draft) -> Outcome {
    let spec = repository_spec(&draft);
    progress(&h, Op::Repository, format!("Registering {}…", spec.name));
    exchange(
        &h,
        &draft,
        Operation::RepositoryPut,
        Some(repository::body(&spec)),
    )
    .await?;
    progress(&h, Op::Repository, format!("Verifying {}…", spec.name));
    let r = exchange(&h, &draft, Operation::RepositoryVerify, None)
        .await
        .map_err(|mut e| {
            e.title = format!("Registered, but verification failed: {}", e.title);
            e
        })?;
    let nodes = parse_verify_response(&r.body).map_err(|e| SendError::bad_answer("_verify", &e))?;
    let details = nodes
        .iter()
        .map(|n| {
            format!(
                "{} ({})",
                if n.name.is_empty() { &n.id } else { &n.name },
                n.id
            )
        })
        .collect();
    Ok((verify_summary(&spec.name, &nodes), details))
}

/// The ECE platform repository body: the draft's bucket, region and base
/// path, and the S3 keys of the draft's client from the keystore rows.
pub fn platform_repository_body(draft: &Draft, secrets: &Secrets) -> Result<String, String> {
    let key = |suffix: &str| -> &str {
        let name = format!("s3.client.{}.{suffix}", draft.client.trim());
        draft
            .keystore
            .iter()
            .find(|r| r.name.trim() == name && !r.remove)
            .and_then(|r| secrets.get(r.id))
            .unwrap_or_default()
    };
    let (access_key, secret_key) = (key("access_key"), key("secret_key"));
    connection::platform_repository_body(&connection::PlatformRepository {
        name: &draft.repository,
        bucket: &draft.bucket,
        region: &draft.region,
        base_path: &draft.base_path,
        access_key,
        secret_key,
    })
}

/// Registers the ECE platform-level repository (coordinator API, no proxy).
pub async fn platform_repository(
    h: UseReducerHandle<Session>,
    draft: Draft,
    body: String,
) -> Outcome {
    let name = draft.repository.trim().to_string();
    progress(
        &h,
        Op::PlatformRepository,
        format!("Registering the platform repository {name}…"),
    );
    exchange(&h, &draft, Operation::PlatformRepositoryPut, Some(body)).await?;
    Ok((
        format!("Registered {name} as an ECE platform snapshot repository: pick it in Platform > Repositories or in a deployment's snapshot settings."),
        Vec::new(),
    ))
}

fn vault_status(h: &UseReducerHandle<Session>, status: OpStatus) {
    h.dispatch(SessionAction::Status(Op::Vault, status));
}

fn vault_done(h: &UseReducerHandle<Session>, message: String) {
    vault_status(
        h,
        OpStatus::Done {
            message,
            details: vec![],
        },
    );
}

/// Remember: seals the session's API key for `c` with `passphrase` and saves
/// the sealed record, which it returns (`None`: refused or failed, said in
/// the vault status).
pub async fn remember(
    h: UseReducerHandle<Session>,
    c: Coordinator,
    passphrase: String,
) -> Option<SealedKey> {
    let Some(Credential::ApiKey(key)) = h.credential.clone() else {
        vault_status(
            &h,
            OpStatus::Refused(
                "Connect with an API key first: only an API key can be remembered.".into(),
            ),
        );
        return None;
    };
    if let Some(problem) = passphrase_problem(&passphrase) {
        vault_status(&h, OpStatus::Refused(problem));
        return None;
    }
    vault_status(
        &h,
        OpStatus::Progress("Encrypting (600,000 PBKDF2 rounds)…".into()),
    );
    let sealed = match ext::seal(&passphrase, &c.base_url, &key).await {
        Ok(record) => ext::save_sealed(&record).await.map(|_| record),
        Err(e) => Err(e.to_string()),
    };
    match sealed {
        Ok(record) => {
            vault_done(&h, format!("The key for {} is saved, encrypted with your passphrase (PBKDF2-SHA256, AES-GCM-256). The passphrase is not stored.", c.origin()));
            Some(record)
        }
        Err(why) => {
            vault_status(&h, OpStatus::Refused(why));
            None
        }
    }
}

/// Unlock: opens the saved record with `passphrase` and connects with its
/// key (an empty or ECE profile takes the record's coordinator). False when
/// the passphrase is wrong or the record unreadable (said in the status).
pub async fn unlock(
    h: UseReducerHandle<Session>,
    draft: DraftHandle,
    record: SealedKey,
    passphrase: String,
) -> bool {
    vault_status(&h, OpStatus::Progress("Unlocking…".into()));
    match ext::unlock(&passphrase, &record).await {
        Ok(key) => {
            if draft.coordinator.trim().is_empty() || draft.platform == Platform::Ece {
                draft.dispatch(Action::SetPlatform(Platform::Ece));
                draft.dispatch(Action::Set(Field::Coordinator, record.coordinator.clone()));
            }
            h.dispatch(SessionAction::Connected(Credential::ApiKey(key)));
            vault_done(
                &h,
                format!(
                    "Unlocked: the key for {} is in memory until you lock or close the browser.",
                    record.coordinator
                ),
            );
            true
        }
        Err(e) => {
            vault_status(&h, OpStatus::Refused(e.to_string()));
            false
        }
    }
}

/// Forget: removes the saved record from this browser.
pub async fn forget(h: UseReducerHandle<Session>) {
    ext::forget_sealed().await;
    vault_done(&h, "The saved key was removed from this browser.".into());
}

/// Lock: drops the credential from memory.
pub fn lock(h: &UseReducerHandle<Session>) {
    h.dispatch(SessionAction::Lock);
    vault_done(h, "Locked: the key is no longer in memory.".into());
}

/// Waits for the browser's answer to a host-permission request for `origin`
/// and records it.
pub async fn permission_answer(
    h: UseReducerHandle<Session>,
    origin: String,
    request: js_sys::Promise,
) {
    let granted = wasm_bindgen_futures::JsFuture::from(request)
        .await
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    h.dispatch(SessionAction::Granted(Some(granted)));
    h.dispatch(SessionAction::Status(
        Op::Grant,
        if granted {
            OpStatus::Done {
                message: format!("Access to {origin} granted."),
                details: vec![],
            }
        } else {
            OpStatus::Refused(format!(
                "Access to {origin} was not granted: nothing can be sent to it."
            ))
        },
    ));
}

/// Reads the deployment (and coordinator) of the active tab's Cloud UI page.
pub async fn from_tab() -> Result<connection::TabDeployment, String> {
    let url = ext::active_tab_url().await?.ok_or(
        "ecekit cannot read the active tab's address: open the side panel from the Cloud UI tab with the toolbar button (that grants access to the tab), then try again.",
    )?;
    connection::deployment_from_tab_url(&url).ok_or_else(|| {
        "The active tab is not a deployment page of the Cloud UI (…/deployments/<32-character id>).".to_string()
    })
}
