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
    fn update(this: &ConnectionModule, draft: &str, secrets: &Map);

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

/// The values one side sent to the other and has not seen come back. The
/// app hands its draft to the module after each of its renders, so a value
/// the module sent can come back after the module sent a newer one: that
/// echo must not undo the newer value.
pub struct Unechoed<T>(Vec<Rc<T>>);

impl<T: PartialEq> Default for Unechoed<T> {
    fn default() -> Self {
        Unechoed(Vec::new())
    }
}

impl<T: PartialEq> Unechoed<T> {
    pub fn sent(&mut self, value: Rc<T>) {
        self.0.push(value);
    }

    /// Whether `value`, just come from the other side, is its latest word:
    /// not the echo of a value sent before a newer one. A value this side
    /// never sent (a reset, a share link) always is.
    pub fn is_current(&mut self, value: &T) -> bool {
        match self.0.iter().position(|sent| **sent == *value) {
            Some(echoed) => {
                self.0.drain(..=echoed);
                self.0.is_empty()
            }
            None => {
                self.0.clear();
                true
            }
        }
    }
}

fn reason(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
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
    _on_draft: Closure<dyn FnMut(String)>,
    _on_secrets: Closure<dyn FnMut(Map)>,
}

#[derive(Properties, PartialEq)]
pub struct ConnectionHostProps {
    /// Whether the Connection area is the one shown.
    pub visible: bool,
    /// The app's reset count: each new one locks the module's session.
    pub resets: u32,
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
        let (state, links, root, refresh, ctx) = (
            state.clone(),
            links.clone(),
            root.clone(),
            refresh.clone(),
            ctx.clone(),
        );
        wasm_bindgen_futures::spawn_local(async move {
            let outcome = load().await.and_then(|module| {
                let element = root
                    .cast::<web_sys::Element>()
                    .ok_or("the page has no place for it")?;
                let draft = ctx.draft.clone();
                let on_draft = Closure::<dyn FnMut(String)>::new(move |json: String| {
                    if let Some(next) = Draft::from_json(&json) {
                        draft.dispatch(Action::Replace(Box::new(next)));
                    }
                });
                let secrets = ctx.secrets.clone();
                let on_secrets = Closure::<dyn FnMut(Map)>::new(move |map: Map| {
                    secrets.set(secrets_from_js(&map))
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
            (ctx.draft.clone(), ctx.secrets.clone(), ready),
            move |(draft, secrets, _)| {
                if let Load::Ready(module) = &*state.borrow() {
                    module.update(&draft.to_json(), &secrets_to_js(secrets));
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
    use super::Unechoed;
    use std::rc::Rc;

    #[test]
    fn an_older_echo_does_not_undo_a_newer_value() {
        let mut sent = Unechoed::default();
        sent.sent(Rc::new(1));
        sent.sent(Rc::new(2));
        assert!(
            !sent.is_current(&1),
            "1 was replaced by 2, which is still on its way"
        );
        assert!(sent.is_current(&2));
        assert!(sent.is_current(&2), "nothing on its way: the value stands");
    }

    #[test]
    fn a_skipped_echo_and_a_value_never_sent_are_current() {
        let mut sent = Unechoed::default();
        sent.sent(Rc::new(1));
        sent.sent(Rc::new(2));
        assert!(sent.is_current(&2), "the other side rendered once for both");
        sent.sent(Rc::new(3));
        assert!(sent.is_current(&0), "a reset on the other side wins");
        assert!(sent.is_current(&3), "and nothing is left waiting");
    }
}
