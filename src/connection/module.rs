//! The Connection module's side (this crate built with the
//! `connection-module` feature): the page's app calls [`mount`] once, then
//! [`update`] with each new draft and secrets value, and [`reset`] when the
//! user resets. The Connection page runs here on a copy of the draft: its
//! actions are applied to the copy at once (the reducer is pure) and the
//! new draft is handed back to the app, which stays the one that stores it
//! (numbered: see `ChangeCount`).
//! The session (credential, deployments, results) lives here only.

use super::host::{secrets_from_js, secrets_to_js, ChangeCount};
use super::session::{Session, SessionAction};
use crate::app::{AppContext, DraftHandle, SecretsHandle};
use crate::pages::connection::ConnectionPage;
use crate::state::{Action, Draft, Secrets};
use js_sys::{Function, Map};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

struct Link {
    draft: Rc<Draft>,
    secrets: Rc<Secrets>,
    on_draft: Function,
    on_secrets: Function,
    changes: ChangeCount,
    /// Set by each render of [`ConnectionApp`].
    refresh: Option<UseForceUpdateHandle>,
    session: Option<UseReducerHandle<Session>>,
}

thread_local! {
    static LINK: RefCell<Option<Link>> = const { RefCell::new(None) };
}

fn refresh() {
    let handle = LINK.with(|l| l.borrow().as_ref().and_then(|l| l.refresh.clone()));
    if let Some(handle) = handle {
        handle.force_update();
    }
}

/// Renders the Connection page into `root`. `on_draft` gets each new draft
/// (its JSON), `on_secrets` each new secrets `Map`, each with its change number.
///
/// Yew numbers each app root and portal from 1 in each wasm module, and
/// finds the app an event belongs to by the number on the closest numbered
/// element. The page's app is root 1 and an ancestor of `root`: an app of
/// this module rendered at `root` would be number 1 as well, and the page's
/// app would run its own listeners for this module's events. So this
/// module's app has its root (1) in a detached element and shows the page
/// at `root` through a portal (2). The page's app has no portal, so no 2.
#[wasm_bindgen]
pub fn mount(
    root: web_sys::Element,
    draft: &str,
    secrets: Map,
    on_draft: Function,
    on_secrets: Function,
) {
    LINK.with(|l| {
        *l.borrow_mut() = Some(Link {
            draft: Rc::new(Draft::from_json(draft).unwrap_or_default()),
            secrets: Rc::new(secrets_from_js(&secrets)),
            on_draft,
            on_secrets,
            changes: ChangeCount::default(),
            refresh: None,
            session: None,
        })
    });
    let Some(detached) = gloo::utils::document().create_element("div").ok() else {
        return;
    };
    yew::Renderer::<ConnectionApp>::with_root_and_props(
        detached,
        ConnectionAppProps { host: root },
    )
    .render();
}

/// The app's draft and secrets, as it rendered them after applying this
/// module's change number `applied`.
#[wasm_bindgen]
pub fn update(draft: &str, secrets: Map, applied: u32) {
    let changed = LINK.with(|l| {
        let mut link = l.borrow_mut();
        let Some(link) = link.as_mut() else {
            return false;
        };
        if !link.changes.caught_up(applied) {
            return false;
        }
        let draft = Draft::from_json(draft).unwrap_or_default();
        let secrets = secrets_from_js(&secrets);
        let changed = *link.draft != draft || *link.secrets != secrets;
        link.draft = Rc::new(draft);
        link.secrets = Rc::new(secrets);
        changed
    });
    if changed {
        refresh();
    }
}

/// The user reset the app: the session forgets its credential.
#[wasm_bindgen]
pub fn reset() {
    let session = LINK.with(|l| l.borrow().as_ref().and_then(|l| l.session.clone()));
    if let Some(session) = session {
        session.dispatch(SessionAction::Lock);
    }
}

fn dispatch(action: Action) {
    let sent = LINK.with(|l| {
        let mut link = l.borrow_mut();
        let link = link.as_mut()?;
        link.draft = yew::Reducible::reduce(link.draft.clone(), action);
        let change = link.changes.number_next();
        Some((link.on_draft.clone(), link.draft.to_json(), change))
    });
    // Called with no borrow held: the app may answer with `update` at once.
    if let Some((on_draft, json, change)) = sent {
        let _ = on_draft.call2(&JsValue::NULL, &JsValue::from_str(&json), &change.into());
        refresh();
    }
}

fn set_secrets(secrets: Secrets) {
    let sent = LINK.with(|l| {
        let mut link = l.borrow_mut();
        let link = link.as_mut()?;
        let map = secrets_to_js(&secrets);
        link.secrets = Rc::new(secrets);
        let change = link.changes.number_next();
        Some((link.on_secrets.clone(), map, change))
    });
    if let Some((on_secrets, map, change)) = sent {
        let _ = on_secrets.call2(&JsValue::NULL, &map, &change.into());
        refresh();
    }
}

#[derive(Properties, PartialEq)]
struct ConnectionAppProps {
    host: web_sys::Element,
}

#[function_component(ConnectionApp)]
fn connection_app(props: &ConnectionAppProps) -> Html {
    let refresh = use_force_update();
    let session = use_reducer(Session::default);
    let (draft, secrets) = LINK.with(|l| {
        let mut link = l.borrow_mut();
        let link = link.as_mut().expect("mounted");
        link.refresh = Some(refresh);
        link.session = Some(session.clone());
        (link.draft.clone(), link.secrets.clone())
    });
    let context = AppContext {
        draft: DraftHandle::new(draft, Callback::from(dispatch)),
        secrets: SecretsHandle::new(secrets, Callback::from(set_secrets)),
    };
    let page = html! {
        <ContextProvider<AppContext> {context}>
            <ContextProvider<UseReducerHandle<Session>> context={session}>
                <ConnectionPage />
            </ContextProvider<UseReducerHandle<Session>>>
        </ContextProvider<AppContext>>
    };
    create_portal(page, props.host.clone())
}
