//! The Connection area is its own wasm module (this crate built with the
//! `connection-module` feature: see [`super::module`]), so the page's first
//! load does not carry it. This is the app's side: the first time the area
//! opens it asks the page's boot script for the module, mounts it, and from
//! then on hands it every new draft and secrets value and takes its changes.
//!
//! The draft crosses as its storage JSON, the secrets as a JS `Map` of row
//! id to value: memory only, never storage (`Secrets` has no serde on purpose).

use crate::app::AppContext;
use crate::state::{Action, Draft, Secrets};
use js_sys::{Function, Map, Promise};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The loaded module's exports (its `mount`, `update` and `reset`).
    #[derive(Clone)]
    pub type ConnectionModule;

    #[wasm_bindgen(method, catch)]
    fn mount(
        this: &ConnectionModule,
        root: &web_sys::Element,
        draft: &str,
        secrets: &Map,
        on_draft: &Function,
        on_secrets: &Function,
    ) -> Result<(), JsValue>;

    #[wasm_bindgen(method)]
    fn update(this: &ConnectionModule, draft: &str, secrets: &Map, applied: u32);

    #[wasm_bindgen(method)]
    fn reset(this: &ConnectionModule);

    /// Defined by the page's boot script (it knows where the module is):
    /// loads and starts it, and resolves to its exports.
    #[wasm_bindgen(catch, js_namespace = globalThis, js_name = ecekitLoadConnection)]
    fn load_module() -> Result<Promise, JsValue>;
}

pub fn secrets_to_js(secrets: &Secrets) -> Map {
    let map = Map::new();
    for (id, value) in &secrets.0 {
        map.set(&JsValue::from(*id), &JsValue::from_str(value));
    }
    map
}

pub fn secrets_from_js(map: &Map) -> Secrets {
    let mut secrets = Secrets::default();
    map.for_each(&mut |value, id| {
        if let (Some(id), Some(value)) = (id.as_f64(), value.as_string()) {
            secrets.0.insert(id as u32, Rc::from(value));
        }
    });
    secrets
}

/// The module's numbering of the changes it sends the app. The app says,
/// with each value it hands over, the number of the last change it had
/// applied when it rendered that value. A value from before the module's
/// latest change must not undo it (the module's copy stays as it is until
/// the app catches up); from then on, the app's value is the one that holds,
/// with a reset or a share link in it.
#[derive(Default)]
pub struct ChangeCount {
    sent: u32,
}

impl ChangeCount {
    /// The number of a change about to be sent.
    pub fn number_next(&mut self) -> u32 {
        self.sent += 1;
        self.sent
    }

    /// Whether a value the app rendered after applying change `applied`
    /// holds every change sent.
    pub fn caught_up(&self, applied: u32) -> bool {
        applied >= self.sent
    }
}

fn reason(error: &JsValue) -> String {
    crate::browser::error_message(error)
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "this page cannot load it".into())
}

async fn load() -> Result<ConnectionModule, String> {
    let promise = load_module().map_err(|e| reason(&e))?;
    let exports = JsFuture::from(promise).await.map_err(|e| reason(&e))?;
    Ok(exports.unchecked_into())
}

/// The callbacks the module calls with its changes. They live as long as
/// the page, as the module does.
struct Links {
    _on_draft: Closure<dyn FnMut(String, u32)>,
    _on_secrets: Closure<dyn FnMut(Map, u32)>,
}

#[derive(Properties, PartialEq)]
pub struct ConnectionHostProps {
    /// Whether the Connection area is the one shown.
    pub visible: bool,
    /// The app's reset count: each new one locks the module's session.
    pub resets: u32,
    /// The number of the module's last change the app applied (see
    /// [`ChangeCount`]), from the same render as the draft and secrets.
    pub applied: u32,
    pub on_applied: Callback<u32>,
}

enum Load {
    NotAsked,
    Loading,
    Ready(ConnectionModule),
    Failed(String),
}

#[function_component(ConnectionHost)]
pub fn connection_host(props: &ConnectionHostProps) -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let root = use_node_ref();
    let state = use_mut_ref(|| Load::NotAsked);
    let links = use_mut_ref(|| None::<Links>);
    let refresh = use_force_update();

    if props.visible && matches!(*state.borrow(), Load::NotAsked) {
        *state.borrow_mut() = Load::Loading;
        let (state, links, root, refresh, ctx, on_applied) = (
            state.clone(),
            links.clone(),
            root.clone(),
            refresh.clone(),
            ctx.clone(),
            props.on_applied.clone(),
        );
        wasm_bindgen_futures::spawn_local(async move {
            let outcome = load().await.and_then(|module| {
                let element = root
                    .cast::<web_sys::Element>()
                    .ok_or("the page has no place for it")?;
                let (draft, applied) = (ctx.draft.clone(), on_applied.clone());
                let on_draft =
                    Closure::<dyn FnMut(String, u32)>::new(move |json: String, change| {
                        if let Some(next) = Draft::from_json(&json) {
                            draft.dispatch(Action::Replace(Box::new(next)));
                        }
                        applied.emit(change);
                    });
                let secrets = ctx.secrets.clone();
                let on_secrets = Closure::<dyn FnMut(Map, u32)>::new(move |map: Map, change| {
                    secrets.set(secrets_from_js(&map));
                    on_applied.emit(change);
                });
                module
                    .mount(
                        &element,
                        &ctx.draft.to_json(),
                        &secrets_to_js(&ctx.secrets),
                        on_draft.as_ref().unchecked_ref(),
                        on_secrets.as_ref().unchecked_ref(),
                    )
                    .map_err(|e| reason(&e))?;
                *links.borrow_mut() = Some(Links {
                    _on_draft: on_draft,
                    _on_secrets: on_secrets,
                });
                Ok(module)
            });
            *state.borrow_mut() = match outcome {
                Ok(module) => Load::Ready(module),
                Err(why) => Load::Failed(format!(
                    "The Connection area did not load: {why}. Reload the page to try again."
                )),
            };
            refresh.force_update();
        });
    }

    // Every new draft or secrets value goes to the module once it runs.
    {
        let state = state.clone();
        let ready = matches!(*state.borrow(), Load::Ready(_));
        use_effect_with(
            (ctx.draft.clone(), ctx.secrets.clone(), props.applied, ready),
            move |(draft, secrets, applied, _)| {
                if let Load::Ready(module) = &*state.borrow() {
                    module.update(&draft.to_json(), &secrets_to_js(secrets), *applied);
                }
            },
        );
    }
    {
        let state = state.clone();
        use_effect_with(props.resets, move |_| {
            if let Load::Ready(module) = &*state.borrow() {
                module.reset();
            }
        });
    }

    let status = match &*state.borrow() {
        Load::Loading => {
            html! { <p class="loading" role="status">{ "Loading the Connection area…" }</p> }
        }
        Load::Failed(why) => html! { <p class="note error" role="alert">{ why.clone() }</p> },
        Load::NotAsked | Load::Ready(_) => html! {},
    };
    html! {
        <div class="connection-host" hidden={!props.visible}>
            { status }
            <div ref={root}></div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::ChangeCount;

    #[test]
    fn a_value_from_before_the_latest_change_is_not_caught_up() {
        let mut count = ChangeCount::default();
        assert!(count.caught_up(0), "nothing sent: the app's value holds");
        let first = count.number_next();
        let second = count.number_next();
        assert!(!count.caught_up(0));
        assert!(!count.caught_up(first), "rendered before the second change");
        assert!(count.caught_up(second));
    }
}
