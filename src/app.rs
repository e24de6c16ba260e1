//! The app shell: header, navigation between the areas, the current page,
//! and the one place the draft is kept (a reducer) and persisted (an effect).

use crate::browser;
use crate::components::nav::Nav;
use crate::connection::host::ConnectionHost;
use crate::pages;
use crate::route::Area;
use crate::state::{Action, Draft, Secrets, STORAGE_KEY};
use gloo::events::EventListener;
use std::ops::Deref;
use std::rc::Rc;
use yew::prelude::*;

/// What every page reads and changes: the non-secret draft and, apart from
/// it, the secret values that only ever live in memory.
#[derive(Clone, PartialEq)]
pub struct AppContext {
    pub draft: DraftHandle,
    pub secrets: SecretsHandle,
}

impl AppContext {
    pub fn dispatch(&self, action: Action) {
        self.draft.dispatch(action);
    }
}

/// A value the app shares with its pages, and where a page sends what it
/// wants changed: the app's own state, or from the Connection module, across
/// to the app.
#[derive(Clone)]
pub struct Shared<T, Change> {
    value: Rc<T>,
    send: Callback<Change>,
}

/// The draft as a page sees it: `dispatch` an action.
pub type DraftHandle = Shared<Draft, Action>;
/// The in-memory secrets as a page sees them: `set` a new value.
pub type SecretsHandle = Shared<Secrets, Secrets>;

impl<T, Change> Shared<T, Change> {
    pub fn new(value: Rc<T>, send: Callback<Change>) -> Self {
        Shared { value, send }
    }
}

impl DraftHandle {
    pub fn dispatch(&self, action: Action) {
        self.send.emit(action);
    }
}

impl SecretsHandle {
    pub fn set(&self, secrets: Secrets) {
        self.send.emit(secrets);
    }
}

impl<T, Change> Deref for Shared<T, Change> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// Every handle of one app sends to the same place: equal values are equal handles.
impl<T: PartialEq, Change> PartialEq for Shared<T, Change> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

fn current_area() -> Area {
    Area::from_hash(&browser::location_hash())
}

/// A share link's draft wins over the stored one; the stored one over the defaults.
fn initial_draft() -> Draft {
    Draft::from_fragment(&browser::location_hash())
        .or_else(|| browser::storage::get(STORAGE_KEY).and_then(|s| Draft::from_json(&s)))
        .unwrap_or_default()
}

/// Loads the draft of a share link in the URL (opened, or pasted into this
/// tab's address bar) and leaves the URL at its area.
fn take_share_link(draft: &UseReducerHandle<Draft>) {
    let hash = browser::location_hash();
    if let Some(shared) = Draft::from_fragment(&hash) {
        if **draft != shared {
            draft.dispatch(Action::Replace(Box::new(shared)));
        }
        browser::replace_hash(&Area::from_hash(&hash).href());
    }
}

#[function_component(App)]
pub fn app() -> Html {
    let area = use_state(current_area);
    let draft = use_reducer(initial_draft);
    let secrets = use_state(Secrets::default);
    // Counts the resets, for the Connection module to lock its session.
    let resets = use_state(|| 0u32);
    // The Connection module's last change applied here: kept with the draft
    // and secrets, so each render hands the module all three together.
    let module_applied = use_state(|| 0u32);
    let share_status = use_state(String::new);
    {
        let (area, draft) = (area.clone(), draft.clone());
        use_effect_with((), move |_| {
            // A share link's draft is taken once and dropped from the URL: the
            // user's later edits are saved, and a reload must not undo them.
            take_share_link(&draft);
            let listener = web_sys::window().map(|window| {
                EventListener::new(&window, "hashchange", move |_| {
                    take_share_link(&draft);
                    area.set(current_area());
                })
            });
            move || drop(listener)
        });
    }
    // The one persistence effect: the draft (never a secret) to local storage.
    use_effect_with(draft.clone(), |draft| {
        browser::storage::set(STORAGE_KEY, &draft.to_json());
    });

    // What Reset cleared, in memory only, until Undo or the next edit.
    let undo = use_state(|| None::<(Draft, Secrets)>);
    let on_reset = {
        let (draft, secrets, resets, undo, status) = (
            draft.clone(),
            secrets.clone(),
            resets.clone(),
            undo.clone(),
            share_status.clone(),
        );
        Callback::from(move |_| {
            undo.set(Some(((*draft).clone(), (*secrets).clone())));
            draft.dispatch(Action::Reset);
            secrets.set(Secrets::default());
            resets.set(*resets + 1);
            browser::storage::remove(STORAGE_KEY);
            status.set("The draft and every secret were cleared.".into());
        })
    };
    let on_undo = {
        let (draft, secrets, undo, status) = (
            draft.clone(),
            secrets.clone(),
            undo.clone(),
            share_status.clone(),
        );
        Callback::from(move |_| {
            if let Some((previous, previous_secrets)) = (*undo).clone() {
                draft.dispatch(Action::Replace(Box::new(previous)));
                secrets.set(previous_secrets);
                undo.set(None);
                status.set("The draft and its secrets are back.".into());
            }
        })
    };
    // Undo is offered only while nothing was typed since the reset.
    let can_undo = undo.is_some() && *draft == Draft::default();
    let on_share = {
        let (draft, area, status) = (draft.clone(), *area, share_status.clone());
        Callback::from(move |_| {
            let link = format!(
                "{}{}?{}",
                browser::location_without_hash(),
                area.href(),
                draft.to_share_param()
            );
            let status = status.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let copied = browser::copy_text(&link).await;
                status.set(if copied {
                    "Share link copied (it holds no secret).".into()
                } else {
                    format!("Share link: {link}")
                });
            });
        })
    };

    let context = AppContext {
        draft: DraftHandle::new(Rc::new((*draft).clone()), {
            let draft = draft.clone();
            Callback::from(move |action| draft.dispatch(action))
        }),
        secrets: SecretsHandle::new(Rc::new((*secrets).clone()), {
            let secrets = secrets.clone();
            Callback::from(move |value| secrets.set(value))
        }),
    };
    let page = match *area {
        Area::Guided => html! { <pages::guided::GuidedPage /> },
        Area::Keystore => html! { <pages::keystore::KeystorePage /> },
        Area::Policy => html! { <pages::policy::PolicyPage /> },
        Area::Repository => html! { <pages::repository::RepositoryPage /> },
        Area::Validate => html! { <pages::validate::ValidatePage /> },
        // Its own module: ConnectionHost below shows it.
        Area::Connection => html! {},
    };
    html! {
        <ContextProvider<AppContext> {context}>
            <div class="shell">
                <a class="skip-link" href="#main">{ "Skip to content" }</a>
                <header class="topbar">
                    <a class="brand" href={Area::Guided.href()} aria-label="ecekit home">
                        <span class="brand-mark" aria-hidden="true">{ "e" }</span>
                        <span class="brand-name">{ "ecekit" }</span>
                    </a>
                    <span class="tagline">{ "Keystore, IAM policy and snapshot repository, right the first time." }</span>
                    <span class="topbar-actions">
                        <button type="button" class="button small secondary" onclick={on_share}
                            title="Copy a link that restores this form (secrets are never included)">{ "Share" }</button>
                        <button type="button" class="button small secondary" onclick={on_reset}
                            title="Clear the saved draft and every secret">{ "Reset" }</button>
                    </span>
                </header>
                <Nav current={*area} />
                <main id="main" class="content" tabindex="-1">
                    <header class="page-header">
                        <h1>{ area.title() }</h1>
                        <p class="summary">{ area.summary() }</p>
                    </header>
                    <div class="share-line">
                        <p class="share-status" role="status" aria-live="polite">{ (*share_status).clone() }</p>
                        if can_undo {
                            <button type="button" class="button small secondary" data-action="undo-reset" onclick={on_undo}>{ "Undo reset" }</button>
                        }
                    </div>
                    { page }
                    // Kept once loaded, hidden in the other areas: the
                    // session it holds lasts as long as the page.
                    <ConnectionHost visible={*area == Area::Connection} resets={*resets}
                        applied={*module_applied} on_applied={{
                            let module_applied = module_applied.clone();
                            Callback::from(move |change| module_applied.set(change))
                        }} />
                </main>
            </div>
        </ContextProvider<AppContext>>
    }
}
