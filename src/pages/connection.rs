//! The Connection area: a profile (coordinator, API key or login), the key
//! kept in memory for the session or sealed with a passphrase, the host
//! permission, a deployment picker, and the operations, each showing its
//! request before it is sent. The work is in `crate::connection::ops` and the
//! engine; this file only lays it out.

use crate::app::AppContext;
use crate::components::rich::with_code;
use crate::connection::ext;
use crate::connection::ops::{self, VALUES_NEVER_RETURNED};
use crate::connection::session::{Op, OpStatus, Pending, Session, SessionAction};
use crate::outputs;
use crate::route::Area;
use crate::state::{Action, Field, Secrets, Storage};
use crate::vault::SealedKey;
use ecekit_core::api::connection::{AuthMethod, Coordinator, Reach, SendError, ShownRequest};
use ecekit_core::api::Operation;
use ecekit_core::keystore;
use ecekit_core::Platform;
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

fn input_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

fn checked(e: &Event) -> bool {
    e.target_unchecked_into::<HtmlInputElement>().checked()
}

/// The shown request: method, URL, headers (credential redacted), body.
pub fn request_view(shown: &Result<ShownRequest, String>) -> Html {
    match shown {
        Ok(r) => html! {
            <details class="request" open=true>
                <summary>{ format!("Request: {} {}", r.method, r.url) }</summary>
                <pre class="request-text">{ r.text() }</pre>
            </details>
        },
        Err(why) => html! { <p class="field-help request-missing">{ with_code(why) }</p> },
    }
}

/// An operation's last result; `data-update` numbers it (tests wait for a
/// new one). ecekit's own texts show their `backticked` spans as code; what
/// the coordinator said is shown as it came.
pub fn status_view(op: Op, session: &Session) -> Html {
    let tag = format!("{op:?}");
    let update = session.update_of(op).to_string();
    match session.result(op) {
        None => html! {},
        Some(OpStatus::Progress(text)) => {
            html! { <p class="op-status progress" role="status" data-status={tag} data-update={update}>{ with_code(text) }</p> }
        }
        Some(OpStatus::Done { message, details }) => html! {
            <div class="op-status ok" role="status" data-status={tag} data-update={update}>
                <p class="op-message">{ with_code(message) }</p>
                if !details.is_empty() {
                    <ul class="op-details">{ for details.iter().map(|d| html! { <li>{ with_code(d) }</li> }) }</ul>
                }
            </div>
        },
        Some(OpStatus::Refused(text)) => {
            html! { <p class="op-status error" role="alert" data-status={tag} data-update={update}>{ with_code(text) }</p> }
        }
        Some(OpStatus::Failed(e)) => error_view(&tag, update, e),
    }
}

fn error_view(tag: &str, update: String, e: &SendError) -> Html {
    let (fields, general) = match &e.api {
        Some(api) => (api.field_messages(), api.general_messages()),
        None => (vec![], vec![]),
    };
    html! {
        <div class="op-status error" role="alert" data-status={tag.to_string()} data-update={update} data-kind={format!("{:?}", e.kind)}>
            <p class="op-message">
                <strong>{ e.title.clone() }</strong>{ " " }
                if e.api.is_some() { { e.detail.clone() } } else { { with_code(&e.detail) } }
            </p>
            if !fields.is_empty() {
                <ul class="op-fields">
                    { for fields.iter().map(|(f, msgs)| html! {
                        <li><code>{ f.clone() }</code>{ ": " }{ msgs.join(" ") }</li>
                    }) }
                </ul>
            }
            if !general.is_empty() && !fields.is_empty() {
                <ul class="op-general">{ for general.iter().map(|g| html! { <li>{ g.clone() }</li> }) }</ul>
            }
            if !e.checks.is_empty() {
                <p class="field-label">{ "What to check" }</p>
                <ul class="op-checks">{ for e.checks.iter().map(|c| html! { <li>{ with_code(c) }</li> }) }</ul>
            }
        </div>
    }
}

/// The summary of a pending keystore change (names only).
pub fn diff_view(p: &Pending) -> Html {
    let list = |title: &str, names: &[String], class: &str| -> Html {
        if names.is_empty() {
            html! {}
        } else {
            html! {
                <li class={class.to_string()}>
                    <strong>{ format!("{title} ({}): ", names.len()) }</strong>
                    { names.join(", ") }
                </li>
            }
        }
    };
    html! {
        <ul class="diff">
            { list("Added", &p.diff.added, "diff-added") }
            { list("Replaced", &p.diff.replaced, "diff-replaced") }
            { list("Removed", &p.diff.removed, "diff-removed") }
            { list("Not there (nothing to remove)", &p.diff.absent, "diff-absent") }
            { list("Kept as they are", &p.diff.kept, "diff-kept") }
        </ul>
    }
}

#[function_component(ConnectionPage)]
pub fn page() -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let session_handle = use_context::<UseReducerHandle<Session>>().expect("the session");
    let draft = (*ctx.draft).clone();
    let session: Rc<Session> = Rc::new((*session_handle).clone());
    let api_key = use_state(String::new);
    let password = use_state(String::new);
    let passphrase = use_state(String::new);
    let remove_names = use_state(String::new);
    let saved = use_state(|| None::<SealedKey>);
    let in_extension = ext::in_extension();
    let coordinator: Result<Coordinator, String> = ops::coordinator(&draft).map_err(|e| e.message);
    // An empty field is not yet an error: its help says what to enter.
    let coordinator_problem = coordinator
        .as_ref()
        .err()
        .filter(|_| !draft.coordinator.trim().is_empty());

    // The saved (sealed) key record, read once.
    {
        let saved = saved.clone();
        use_effect_with((), move |_| {
            spawn_local(async move { saved.set(ext::load_sealed().await) });
        });
    }
    // Whether the extension may reach the coordinator (checked on change).
    {
        let h = session_handle.clone();
        let pattern = coordinator.as_ref().ok().map(|c| c.permission_pattern());
        use_effect_with(pattern, move |pattern| {
            if let (true, Some(p)) = (in_extension, pattern.clone()) {
                spawn_local(async move {
                    h.dispatch(SessionAction::Granted(Some(
                        ext::permission_granted(&p).await,
                    )))
                });
            }
        });
    }

    let busy = session.busy.is_some();
    let reach = coordinator.as_ref().ok().map(|c| {
        Reach::of(
            in_extension,
            ext::page_origin().as_deref(),
            c,
            session.cors_blocked.as_deref() == Some(c.origin().as_str()),
        )
    });
    let can_send = reach.is_none_or(|r| r.can_send());
    let send_disabled = busy || !can_send;
    let connected = session.credential.is_some();

    let set = |field: Field| {
        let d = ctx.draft.clone();
        Callback::from(move |e: InputEvent| d.dispatch(Action::Set(field, input_value(&e))))
    };
    let launch = |op: Op, make: ops::MakeOp| {
        let h = session_handle.clone();
        Callback::from(move |_: MouseEvent| {
            if h.busy.is_some() {
                return;
            }
            let (h, fut) = (h.clone(), make());
            spawn_local(ops::run(h, op, fut));
        })
    };

    // ------------------------------------------------------------ profile
    let on_platform = {
        let d = ctx.draft.clone();
        Callback::from(move |e: Event| {
            let p = if select_value(&e) == "ess" {
                Platform::Ess
            } else {
                Platform::Ece
            };
            d.dispatch(Action::SetPlatform(p));
        })
    };
    let on_auth = {
        let h = session_handle.clone();
        Callback::from(move |e: Event| {
            h.dispatch(SessionAction::SetAuth(if select_value(&e) == "login" {
                AuthMethod::Login
            } else {
                AuthMethod::ApiKey
            }))
        })
    };
    let on_key = {
        let k = api_key.clone();
        Callback::from(move |e: InputEvent| k.set(input_value(&e)))
    };
    let on_password = {
        let k = password.clone();
        Callback::from(move |e: InputEvent| k.set(input_value(&e)))
    };
    let on_username = {
        let h = session_handle.clone();
        Callback::from(move |e: InputEvent| h.dispatch(SessionAction::SetUsername(input_value(&e))))
    };
    let on_timeout = {
        let h = session_handle.clone();
        Callback::from(move |e: InputEvent| {
            if let Ok(n) = input_value(&e).trim().parse::<u32>() {
                h.dispatch(SessionAction::SetTimeout(n));
            }
        })
    };
    let on_connect = {
        let (draft, key, pw, h) = (
            draft.clone(),
            api_key.clone(),
            password.clone(),
            session_handle.clone(),
        );
        launch(
            Op::Connect,
            Rc::new(move || {
                Box::pin(ops::connect(
                    h.clone(),
                    draft.clone(),
                    (*key).clone(),
                    (*pw).clone(),
                ))
            }),
        )
    };
    let on_lock = {
        let h = session_handle.clone();
        Callback::from(move |_: MouseEvent| ops::lock(&h))
    };
    let on_grant = {
        let h = session_handle.clone();
        let pattern = coordinator
            .as_ref()
            .ok()
            .map(|c| (c.permission_pattern(), c.origin()));
        Callback::from(move |_: MouseEvent| {
            let Some((pattern, origin)) = pattern.clone() else {
                return;
            };
            // Called from the click, before any await: the browser asks the user.
            let Some(promise) = ext::request_permission(&pattern) else {
                return;
            };
            spawn_local(ops::permission_answer(h.clone(), origin, promise));
        })
    };

    // ------------------------------------------------------------ vault
    let on_passphrase = {
        let p = passphrase.clone();
        Callback::from(move |e: InputEvent| p.set(input_value(&e)))
    };
    let on_remember = {
        let (h, p, saved, c) = (
            session_handle.clone(),
            passphrase.clone(),
            saved.clone(),
            coordinator.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let Ok(c) = c.clone() else { return };
            let (h, p, saved) = (h.clone(), p.clone(), saved.clone());
            spawn_local(async move {
                if let Some(record) = ops::remember(h, c, (*p).clone()).await {
                    saved.set(Some(record));
                    p.set(String::new());
                }
            });
        })
    };
    let on_unlock = {
        let (h, p, saved, d) = (
            session_handle.clone(),
            passphrase.clone(),
            saved.clone(),
            ctx.draft.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let Some(record) = (*saved).clone() else {
                return;
            };
            let (h, p, d) = (h.clone(), p.clone(), d.clone());
            spawn_local(async move {
                if ops::unlock(h, d, record, (*p).clone()).await {
                    p.set(String::new());
                }
            });
        })
    };
    let on_forget = {
        let (h, saved) = (session_handle.clone(), saved.clone());
        Callback::from(move |_: MouseEvent| {
            let (h, saved) = (h.clone(), saved.clone());
            spawn_local(async move {
                ops::forget(h).await;
                saved.set(None);
            });
        })
    };

    // ------------------------------------------------------------ deployment
    let on_pick = {
        let d = ctx.draft.clone();
        Callback::from(move |e: Event| {
            if let Some((id, rid)) = select_value(&e).split_once('/') {
                d.dispatch(Action::Set(Field::DeploymentId, id.to_string()));
                d.dispatch(Action::Set(Field::RefId, rid.to_string()));
            }
        })
    };
    let on_list_deployments = {
        let (draft, h) = (draft.clone(), session_handle.clone());
        launch(
            Op::Connect,
            Rc::new(move || Box::pin(ops::list_deployments(h.clone(), draft.clone()))),
        )
    };
    let on_tab = {
        let (h, d) = (session_handle.clone(), ctx.draft.clone());
        Callback::from(move |_: MouseEvent| {
            let (h, d) = (h.clone(), d.clone());
            spawn_local(async move {
                let status = match ops::from_tab().await {
                    Ok(t) => {
                        d.dispatch(Action::SetPlatform(t.platform));
                        if t.platform == Platform::Ece {
                            d.dispatch(Action::Set(Field::Coordinator, t.coordinator.clone()));
                        }
                        d.dispatch(Action::Set(Field::DeploymentId, t.deployment_id.clone()));
                        OpStatus::Done {
                            message: format!(
                                "Deployment {} on {} taken from the active tab.",
                                t.deployment_id, t.coordinator
                            ),
                            details: vec![],
                        }
                    }
                    Err(why) => OpStatus::Refused(why),
                };
                h.dispatch(SessionAction::Status(Op::Tab, status));
            });
        })
    };

    // ------------------------------------------------------------ keystore
    let changes = ops::keystore_changes(&draft, &ctx.secrets);
    let patch: Result<String, String> = changes.map(|c| keystore::patch_body(&c));
    let on_apply = {
        let (draft, h, patch) = (draft.clone(), session_handle.clone(), patch.clone());
        let h2 = h.clone();
        match patch.clone() {
            Ok(body) => launch(
                Op::Apply,
                Rc::new(move || {
                    Box::pin(ops::prepare(
                        h.clone(),
                        draft.clone(),
                        Op::Apply,
                        vec![body.clone()],
                    ))
                }),
            ),
            Err(why) => Callback::from(move |_: MouseEvent| {
                h2.dispatch(SessionAction::Status(
                    Op::Apply,
                    OpStatus::Refused(why.clone()),
                ))
            }),
        }
    };
    let removal: Vec<String> = remove_names
        .split([',', ' ', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    let removal_body =
        (!removal.is_empty()).then(|| keystore::removal_body(removal.iter().map(String::as_str)));
    let on_remove = {
        let (draft, h, body) = (draft.clone(), session_handle.clone(), removal_body.clone());
        let h2 = h.clone();
        match body {
            Some(body) => launch(
                Op::Remove,
                Rc::new(move || {
                    Box::pin(ops::prepare(
                        h.clone(),
                        draft.clone(),
                        Op::Remove,
                        vec![body.clone()],
                    ))
                }),
            ),
            None => Callback::from(move |_: MouseEvent| {
                h2.dispatch(SessionAction::Status(
                    Op::Remove,
                    OpStatus::Refused("Enter the names of the keys to remove.".into()),
                ))
            }),
        }
    };
    let resync = ops::resync_secrets(&draft, &ctx.secrets);
    let on_resync = {
        let (draft, h) = (draft.clone(), session_handle.clone());
        let h2 = h.clone();
        if resync.is_empty() {
            Callback::from(move |_: MouseEvent| {
                h2.dispatch(SessionAction::Status(Op::Resync, OpStatus::Refused("Resync needs the keys with their values: enter them in the keystore rows above.".into())))
            })
        } else {
            let plan = keystore::resync_plan(&resync);
            let bodies = vec![plan.remove_body.clone(), plan.readd_body.clone()];
            launch(
                Op::Resync,
                Rc::new(move || {
                    Box::pin(ops::prepare(
                        h.clone(),
                        draft.clone(),
                        Op::Resync,
                        bodies.clone(),
                    ))
                }),
            )
        }
    };
    let on_confirm = {
        let (draft, h) = (draft.clone(), session_handle.clone());
        Callback::from(move |_: MouseEvent| {
            if h.busy.is_some() {
                return;
            }
            if let Some(p) = h.pending.clone() {
                let (h2, op) = (h.clone(), p.op);
                spawn_local(ops::run(h2.clone(), op, ops::confirm(h2, draft.clone(), p)));
            }
        })
    };
    let on_cancel = {
        let h = session_handle.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(p) = h.pending.clone() {
                h.dispatch(SessionAction::Pending(None));
                h.dispatch(SessionAction::Status(
                    p.op,
                    OpStatus::Refused("Cancelled: nothing was sent.".into()),
                ));
            }
        })
    };
    let on_list_keys = {
        let (draft, h) = (draft.clone(), session_handle.clone());
        launch(
            Op::ListKeys,
            Rc::new(move || Box::pin(ops::list_keys(h.clone(), draft.clone()))),
        )
    };
    let on_reload = {
        let (draft, h) = (draft.clone(), session_handle.clone());
        launch(
            Op::Reload,
            Rc::new(move || Box::pin(ops::reload(h.clone(), draft.clone()))),
        )
    };
    let on_repository = {
        let (draft, h) = (draft.clone(), session_handle.clone());
        launch(
            Op::Repository,
            Rc::new(move || Box::pin(ops::repository(h.clone(), draft.clone()))),
        )
    };
    let platform_body = ops::platform_repository_body(&draft, &ctx.secrets);
    let on_platform_repository = {
        let (draft, h) = (draft.clone(), session_handle.clone());
        let body = platform_body.clone().unwrap_or_default();
        launch(
            Op::PlatformRepository,
            Rc::new(move || {
                Box::pin(ops::platform_repository(
                    h.clone(),
                    draft.clone(),
                    body.clone(),
                ))
            }),
        )
    };
    let on_add_client = {
        let d = ctx.draft.clone();
        let preset = outputs::client_preset(draft.storage, &draft.client);
        let existing: Vec<String> = draft.keystore.iter().map(|r| r.name.clone()).collect();
        Callback::from(move |_: MouseEvent| {
            for (name, as_file) in &preset {
                if !existing.contains(name) {
                    d.dispatch(Action::AddKeystoreRow {
                        name: name.clone(),
                        as_file: *as_file,
                    });
                }
            }
        })
    };
    let on_add_row = {
        let d = ctx.draft.clone();
        Callback::from(move |_: MouseEvent| {
            d.dispatch(Action::AddKeystoreRow {
                name: String::new(),
                as_file: false,
            })
        })
    };
    let on_storage = {
        let d = ctx.draft.clone();
        Callback::from(move |e: Event| {
            let v = select_value(&e);
            if let Some(s) = Storage::ALL
                .into_iter()
                .find(|s| s.repository_type() == v && *s != Storage::S3Compatible)
            {
                d.dispatch(Action::SetStorage(s));
            }
        })
    };

    // ------------------------------------------------------------ view
    let shown = |op: Operation, body: Option<String>| ops::shown(&draft, &session, op, body);
    let curl_for = |op: Operation, body: Option<String>| -> Html {
        if can_send && !(draft.platform == Platform::Ess && op.is_elasticsearch_level()) {
            return html! {};
        }
        match ops::curl(&draft, &session, op, body) {
            Some(text) => html! {
                <details class="curl" open=true>
                    <summary>{ "Run it with curl instead" }</summary>
                    <pre class="request-text">{ text }</pre>
                </details>
            },
            None => html! {},
        }
    };
    let ess = draft.platform == Platform::Ess;
    let send_button = |label: &str,
                       action: &str,
                       onclick: Callback<MouseEvent>,
                       extra_disabled: bool|
     -> Html {
        html! {
            <button type="button" class="button" data-action={action.to_string()}
                disabled={send_disabled || extra_disabled} aria-busy={busy.to_string()} {onclick}>
                { label.to_string() }
            </button>
        }
    };
    let pending_for = |op: Op| -> Html {
        match session.pending.as_ref().filter(|p| p.op == op) {
            Some(p) => html! {
                <div class="confirm" role="group" aria-label="Confirm the keystore change" data-confirm={format!("{op:?}")}>
                    <p class="field-label">{ format!("{}: {}", op.label(), p.diff.summary()) }</p>
                    { diff_view(p) }
                    if op == Op::Resync {
                        <p class="field-help">{ "Step 1 removes these keys, step 2 adds them back with the values entered above." }</p>
                    }
                    <div class="row-actions">
                        <button type="button" class="button danger" data-action="confirm" disabled={busy} onclick={on_confirm.clone()}>{ "Confirm and send" }</button>
                        <button type="button" class="button secondary" data-action="cancel" onclick={on_cancel.clone()}>{ "Cancel" }</button>
                    </div>
                </div>
            },
            None => html! {},
        }
    };

    let origin = coordinator.as_ref().map(|c| c.origin()).unwrap_or_default();
    let deployments = session.deployments.clone().unwrap_or_default();
    let picked = format!("{}/{}", draft.deployment_id, draft.ref_id);

    html! {
        <section class="connection" data-area={Area::Connection.slug()}>
            <section class="card" data-section="profile">
                <h2>{ "Coordinator" }</h2>
                <div class="grid-form">
                    <label class="field">
                        <span class="field-label">{ "Platform" }</span>
                        <select id="conn-platform" onchange={on_platform}>
                            <option value="ece" selected={!ess}>{ "Elastic Cloud Enterprise" }</option>
                            <option value="ess" selected={ess}>{ "Elastic Cloud" }</option>
                        </select>
                    </label>
                    if !ess {
                        <label class="field">
                            <span class="field-label">{ "Coordinator URL" }</span>
                            <input id="conn-coordinator" type="url" placeholder="https://ece.example.com:12443"
                                value={draft.coordinator.clone()} oninput={set(Field::Coordinator)}
                                aria-invalid={coordinator_problem.is_some().to_string()} />
                            if let Some(why) = coordinator_problem {
                                <span class="field-error">{ why.clone() }</span>
                            } else {
                                <span class="field-help">{ "For example https://ece.example.com:12443; a bare host gets https:// and port 12443." }</span>
                            }
                        </label>
                    } else {
                        <p class="field-help">{ "Requests go to https://api.elastic-cloud.com with an Elastic Cloud API key." }</p>
                    }
                    <label class="field">
                        <span class="field-label">{ "Sign in with" }</span>
                        <select id="conn-auth" onchange={on_auth}>
                            <option value="apikey" selected={session.auth == AuthMethod::ApiKey}>{ "API key" }</option>
                            if !ess {
                                <option value="login" selected={session.auth == AuthMethod::Login}>{ "User name and password" }</option>
                            }
                        </select>
                    </label>
                    if session.auth == AuthMethod::Login && !ess {
                        <label class="field">
                            <span class="field-label">{ "User name" }</span>
                            <input id="conn-username" type="text" autocomplete="username" value={session.username.clone()} oninput={on_username} />
                        </label>
                        <label class="field">
                            <span class="field-label">{ "Password" }</span>
                            <input id="conn-password" type="password" autocomplete="current-password" value={(*password).clone()} oninput={on_password} />
                            <span class="field-help">{ "Exchanged for a session token (POST /api/v1/users/auth/_login); neither is stored." }</span>
                        </label>
                    } else {
                        <label class="field">
                            <span class="field-label">{ "API key" }</span>
                            <input id="conn-api-key" type="password" autocomplete="off" spellcheck="false"
                                value={(*api_key).clone()} oninput={on_key} />
                            <span class="field-help">{ "Kept in memory for this browser session only, unless you Remember it below (encrypted)." }</span>
                        </label>
                    }
                    <label class="field">
                        <span class="field-label">{ "Time limit (seconds)" }</span>
                        <input id="conn-timeout" type="text" inputmode="numeric" value={session.timeout_secs.to_string()} oninput={on_timeout} />
                    </label>
                </div>
                if in_extension && coordinator.is_ok() && session.granted != Some(true) {
                    <div class="note warning" data-permission="missing">
                        <p>{ format!("The extension needs your permission to send requests to {origin}.") }</p>
                        <button type="button" class="button" data-action="grant" onclick={on_grant}>{ format!("Grant access to {origin}") }</button>
                    </div>
                }
                if in_extension && session.granted == Some(true) {
                    <p class="field-help" data-permission="granted">{ format!("Access to {origin} is granted.") }</p>
                }
                { status_view(Op::Grant, &session) }
                if let (Some(r), Ok(c)) = (reach, coordinator.as_ref()) {
                    if let Some(msg) = r.message(c) {
                        <p class="note warning" data-reach={format!("{r:?}")}>{ with_code(&msg) }</p>
                    }
                }
                <div class="row-actions">
                    { send_button("Connect", "connect", on_connect, coordinator.is_err()) }
                    if connected {
                        <button type="button" class="button secondary" data-action="lock" onclick={on_lock}>{ "Lock" }</button>
                        <span class="connected" data-connected="true">{ "Connected: the key is in memory." }</span>
                    }
                </div>
                { status_view(Op::Connect, &session) }
                if let Some(exp) = &session.expiry {
                    <p class={if exp.warn { "key-expiry note warning" } else { "key-expiry" }} data-expiry-warn={exp.warn.to_string()}>
                        { format!("API key: {}.", exp.message()) }
                    </p>
                }

                <h3 class="section-title">{ "Remember the key on this browser" }</h3>
                <p class="field-help">{ "Encrypted with a passphrase you choose (PBKDF2-SHA256, 600,000 rounds; AES-GCM-256), bound to this coordinator. Only the encrypted record is stored; unlock it once per session." }</p>
                <div class="grid-form">
                    <label class="field">
                        <span class="field-label">{ "Passphrase" }</span>
                        <input id="conn-passphrase" type="password" autocomplete="new-password" value={(*passphrase).clone()} oninput={on_passphrase} />
                    </label>
                </div>
                <div class="row-actions">
                    <button type="button" class="button secondary" data-action="remember" disabled={!connected} onclick={on_remember}>{ "Remember (encrypted)" }</button>
                    if let Some(rec) = &*saved {
                        <button type="button" class="button secondary" data-action="unlock" disabled={connected} onclick={on_unlock}>{ "Unlock" }</button>
                        <button type="button" class="button danger" data-action="forget" onclick={on_forget}>{ "Forget" }</button>
                        <span class="field-help" data-saved="true">{ format!("A key for {} is saved (encrypted).", rec.coordinator) }</span>
                    }
                </div>
                { status_view(Op::Vault, &session) }
            </section>

            <section class="card" data-section="deployment">
                <h2>{ "Deployment" }</h2>
                if !deployments.is_empty() {
                    <label class="field">
                        <span class="field-label">{ "Pick a deployment (Elasticsearch resource)" }</span>
                        <select id="conn-deployment" onchange={on_pick}>
                            <option value="" selected={!deployments.iter().any(|d| d.elasticsearch.iter().any(|r| format!("{}/{}", d.id, r.ref_id) == picked))}>{ "Choose…" }</option>
                            { for deployments.iter().flat_map(|d| d.elasticsearch.iter().map(move |r| (d, r))).map(|(d, r)| {
                                let value = format!("{}/{}", d.id, r.ref_id);
                                html! { <option selected={value == picked} value={value.clone()}>{ format!("{} — {} ({})", d.name, r.ref_id, &d.id[..d.id.len().min(8)]) }</option> }
                            }) }
                        </select>
                    </label>
                }
                <div class="grid-form">
                    <label class="field">
                        <span class="field-label">{ "Deployment id" }</span>
                        <input id="conn-deployment-id" type="text" value={draft.deployment_id.clone()} oninput={set(Field::DeploymentId)} />
                    </label>
                    <label class="field">
                        <span class="field-label">{ "Elasticsearch ref_id" }</span>
                        <input id="conn-ref-id" type="text" value={draft.ref_id.clone()} oninput={set(Field::RefId)} />
                    </label>
                </div>
                <div class="row-actions">
                    { send_button("List deployments", "list-deployments", on_list_deployments, !connected) }
                    if in_extension {
                        <button type="button" class="button secondary" data-action="from-tab" onclick={on_tab}>{ "Use the deployment of the active tab" }</button>
                    }
                </div>
                { status_view(Op::Tab, &session) }
            </section>

            <section class="card" data-section="keystore">
                <h2>{ "Keystore" }</h2>
                <div data-op="list-keys">
                    { request_view(&shown(Operation::KeystoreGet, None)) }
                    <p class="field-help">{ VALUES_NEVER_RETURNED }</p>
                    <div class="row-actions">{ send_button("List keys", "list-keys", on_list_keys, !connected) }</div>
                    { status_view(Op::ListKeys, &session) }
                    { curl_for(Operation::KeystoreGet, None) }
                </div>

                <h3 class="section-title">{ "Add or replace keys" }</h3>
                <p class="field-help">{ "The same rows as the Keystore area. Values stay in memory and are never shown in the request below." }</p>
                <div class="rows">
                    { for draft.keystore.iter().map(|row| {
                        let id = row.id;
                        let d = ctx.draft.clone();
                        let on_name = Callback::from(move |e: InputEvent| d.dispatch(Action::SetKeystoreName(id, input_value(&e))));
                        let secrets = ctx.secrets.clone();
                        let on_value = Callback::from(move |e: InputEvent| {
                            let mut s: Secrets = (*secrets).clone();
                            s.0.insert(id, Rc::from(input_value(&e).as_str()));
                            secrets.set(s);
                        });
                        let d = ctx.draft.clone();
                        let on_remove_row = Callback::from(move |e: Event| d.dispatch(Action::SetKeystoreRemove(id, checked(&e))));
                        let d = ctx.draft.clone();
                        let on_delete = Callback::from(move |_: MouseEvent| d.dispatch(Action::RemoveKeystoreRow(id)));
                        html! {
                            <div class="row" data-row={id.to_string()}>
                                <label class="field"><span class="field-label">{ "Setting" }</span>
                                    <input class="ks-name" type="text" value={row.name.clone()} oninput={on_name} /></label>
                                <label class="field"><span class="field-label">{ "Value" }</span>
                                    <input class="ks-value" type="password" autocomplete="off" disabled={row.remove}
                                        value={ctx.secrets.get(id).unwrap_or_default().to_string()} oninput={on_value} /></label>
                                <label class="check"><input class="ks-remove" type="checkbox" checked={row.remove} onchange={on_remove_row} />{ "Remove" }</label>
                                <button type="button" class="button small secondary" aria-label="Delete this row" onclick={on_delete}>{ "×" }</button>
                            </div>
                        }
                    }) }
                </div>
                <div class="row-actions">
                    <button type="button" class="button small secondary" data-action="add-client" onclick={on_add_client}>{ format!("Add the {} client's keys", draft.client) }</button>
                    <button type="button" class="button small secondary" data-action="add-row" onclick={on_add_row}>{ "Add a setting" }</button>
                </div>
                <div data-op="apply">
                    if let Ok(body) = &patch {
                        { request_view(&shown(Operation::KeystoreSet, Some(body.clone()))) }
                    }
                    <div class="row-actions">
                        { send_button("Review and apply", "apply", on_apply, !connected || session.pending.is_some()) }
                        { send_button("Resync (remove, then re-add)", "resync", on_resync, !connected || session.pending.is_some()) }
                    </div>
                    { pending_for(Op::Apply) }
                    { pending_for(Op::Resync) }
                    { status_view(Op::Apply, &session) }
                    { status_view(Op::Resync, &session) }
                </div>

                <h3 class="section-title">{ "Remove keys" }</h3>
                <div data-op="remove">
                    <label class="field">
                        <span class="field-label">{ "Key names (separated by commas or spaces)" }</span>
                        <input id="conn-remove-names" type="text" value={(*remove_names).clone()}
                            oninput={{ let r = remove_names.clone(); Callback::from(move |e: InputEvent| r.set(input_value(&e))) }} />
                    </label>
                    if let Some(body) = &removal_body {
                        { request_view(&shown(Operation::KeystoreSet, Some(body.clone()))) }
                    }
                    <div class="row-actions">{ send_button("Review and remove", "remove", on_remove, !connected || session.pending.is_some()) }</div>
                    { pending_for(Op::Remove) }
                    { status_view(Op::Remove, &session) }
                </div>

                <h3 class="section-title">{ "Reload secure settings" }</h3>
                <div data-op="reload">
                    { request_view(&shown(Operation::ReloadSecureSettings, None)) }
                    if !ess {
                        <div class="row-actions">{ send_button("Reload secure settings", "reload", on_reload, !connected) }</div>
                    }
                    { status_view(Op::Reload, &session) }
                    { curl_for(Operation::ReloadSecureSettings, None) }
                </div>
            </section>

            <section class="card" data-section="repository">
                <h2>{ "Snapshot repository" }</h2>
                <div class="grid-form">
                    <label class="field"><span class="field-label">{ "Type" }</span>
                        <select id="conn-storage" onchange={on_storage}>
                            { for ["s3", "gcs", "azure"].iter().map(|t| html! {
                                <option value={*t} selected={draft.storage.repository_type() == *t}>{ *t }</option>
                            }) }
                        </select>
                    </label>
                    <label class="field"><span class="field-label">{ "Repository name" }</span>
                        <input id="conn-repository" type="text" value={draft.repository.clone()} oninput={set(Field::Repository)} /></label>
                    <label class="field"><span class="field-label">{ if draft.storage == Storage::Azure { "Container" } else { "Bucket" } }</span>
                        <input id="conn-bucket" type="text" value={draft.bucket.clone()} oninput={set(Field::Bucket)} /></label>
                    <label class="field"><span class="field-label">{ "Client" }</span>
                        <input id="conn-client" type="text" value={draft.client.clone()} oninput={set(Field::Client)} /></label>
                    <label class="field"><span class="field-label">{ "Base path" }</span>
                        <input id="conn-base-path" type="text" value={draft.base_path.clone()} oninput={set(Field::BasePath)} /></label>
                </div>
                <div data-op="repository">
                    { request_view(&shown(Operation::RepositoryPut, Some(ecekit_core::repository::body(&ops::repository_spec(&draft))))) }
                    { request_view(&shown(Operation::RepositoryVerify, None)) }
                    if ess {
                        <p class="note warning">{ "Elastic Cloud has no API proxy to Elasticsearch: send these to the deployment's Elasticsearch endpoint with an Elasticsearch API key (the commands below), or use Kibana Dev Tools." }</p>
                    } else {
                        <div class="row-actions">{ send_button("Register and verify", "repository", on_repository, !connected || draft.bucket.trim().is_empty()) }</div>
                    }
                    { status_view(Op::Repository, &session) }
                    { curl_for(Operation::RepositoryPut, Some(ecekit_core::repository::body(&ops::repository_spec(&draft)))) }
                    { curl_for(Operation::RepositoryVerify, None) }
                </div>
                if !ess && draft.storage == Storage::S3 {
                    <h3 class="section-title">{ "ECE platform repository" }</h3>
                    <div data-op="platform-repository">
                        <p class="field-help">{ "A repository for the whole installation (Platform > Repositories), which deployments can then use. Unlike a deployment's repository, ECE keeps its credentials in the repository itself: they come from the client's access_key and secret_key rows above and are not shown here." }</p>
                        <label class="field"><span class="field-label">{ "Region" }</span>
                            <input id="conn-region" type="text" placeholder="us-east-1" value={draft.region.clone()} oninput={set(Field::Region)} /></label>
                        { match &platform_body {
                            Ok(body) => request_view(&shown(Operation::PlatformRepositoryPut, Some(body.clone()))),
                            Err(why) => html! { <p class="field-help" data-platform-missing="true">{ with_code(why) }</p> },
                        } }
                        <div class="row-actions">{ send_button("Register as platform repository", "platform-repository", on_platform_repository, !connected || platform_body.is_err()) }</div>
                        { status_view(Op::PlatformRepository, &session) }
                        { curl_for(Operation::PlatformRepositoryPut, platform_body.clone().ok()) }
                    </div>
                }
            </section>
        </section>
    }
}
