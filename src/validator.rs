//! The page's side of the validator worker (crates/ecekit-validator and
//! www/validator-worker.js): the worker starts when Validate first asks for
//! it and stays for the page's life. Only the answer to the latest request
//! is delivered; an older one is dropped.

use ecekit_core::validate::Report;
use ecekit_core::{DocumentKind, Platform};
use js_sys::{Object, Reflect};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use yew::Callback;

#[wasm_bindgen]
extern "C" {
    /// Defined by the page's boot script (it knows where the worker's script
    /// and wasm are): creates the worker and gives it its wasm.
    #[wasm_bindgen(catch, js_namespace = globalThis, js_name = ecekitStartValidator)]
    fn start_worker() -> Result<web_sys::Worker, JsValue>;
}

/// A checked text: the report and how long the validator took, in ms.
pub struct Checked {
    pub report: Report,
    pub millis: f64,
}

/// What comes back for request `id`.
pub struct Answer {
    pub id: u32,
    pub outcome: Result<Checked, String>,
}

struct Client {
    worker: web_sys::Worker,
    // Kept alive as long as the worker: the worker calls them.
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::ErrorEvent)>,
}

thread_local! {
    static CLIENT: RefCell<Option<Client>> = const { RefCell::new(None) };
    /// The latest request and who wants its answer.
    static WAITING: RefCell<Option<(u32, Callback<Answer>)>> = const { RefCell::new(None) };
}

fn deliver(id: Option<u32>, outcome: Result<Checked, String>) {
    let waiting = WAITING.with(|w| w.borrow().clone());
    if let Some((latest, callback)) = waiting {
        if id.is_none_or(|id| id == latest) {
            callback.emit(Answer {
                id: latest,
                outcome,
            });
        }
    }
}

fn field(data: &JsValue, key: &str) -> JsValue {
    Reflect::get(data, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn on_message(event: web_sys::MessageEvent) {
    let data = event.data();
    let id = field(&data, "id").as_f64().map(|id| id as u32);
    let outcome = match field(&data, "report").as_string() {
        Some(json) => Report::from_json(&json)
            .map(|report| Checked {
                report,
                millis: field(&data, "millis").as_f64().unwrap_or_default(),
            })
            .map_err(|e| format!("The validator's answer could not be read ({e}). Reload the page.")),
        None => Err(format!(
            "The validator failed: {}. Reload the page; if it fails again, check the text with `ecekit validate`.",
            field(&data, "error").as_string().unwrap_or_default()
        )),
    };
    deliver(id, outcome);
}

fn on_error(event: web_sys::ErrorEvent) {
    // The worker's script did not load or threw outside a request: drop it,
    // so the next request starts a new one.
    event.prevent_default();
    CLIENT.with(|c| c.borrow_mut().take());
    deliver(
        None,
        Err(format!(
            "The validator did not start: {}. Reload the page to try again.",
            event.message()
        )),
    );
}

fn start() -> Result<Client, String> {
    let worker = start_worker().map_err(|e| {
        let reason =
            crate::browser::error_message(&e).unwrap_or_else(|| "this page cannot run it".into());
        format!("The validator did not start: {reason}. Use the static page, dist/ecekit.html or the extension, or `ecekit validate`.")
    })?;
    let on_message = Closure::<dyn FnMut(_)>::new(on_message);
    let on_error = Closure::<dyn FnMut(_)>::new(on_error);
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Ok(Client {
        worker,
        _on_message: on_message,
        _on_error: on_error,
    })
}

/// Starts the worker now if it is not running, so its wasm loads while the
/// user pastes. A failure is reported by the next [`check`].
pub fn warm_up() {
    CLIENT.with(|c| {
        let mut client = c.borrow_mut();
        if client.is_none() {
            *client = start().ok();
        }
    });
}

/// Drops the answer to the latest request (the text it was for is gone).
pub fn forget() {
    WAITING.with(|w| w.borrow_mut().take());
}

/// Asks the worker to check `text`; `on_answer` gets the answer unless a
/// newer request came first.
pub fn check(
    id: u32,
    text: &str,
    kind: Option<DocumentKind>,
    platform: Option<Platform>,
    on_answer: Callback<Answer>,
) {
    WAITING.with(|w| *w.borrow_mut() = Some((id, on_answer)));
    let posted = CLIENT.with(|c| {
        let mut client = c.borrow_mut();
        if client.is_none() {
            *client = Some(start()?);
        }
        let message = Object::new();
        for (key, value) in [
            ("id", JsValue::from(id)),
            ("text", JsValue::from_str(text)),
            (
                "kind",
                JsValue::from_str(kind.map_or("", DocumentKind::as_str)),
            ),
            (
                "platform",
                JsValue::from_str(platform.map_or("", Platform::as_str)),
            ),
        ] {
            let _ = Reflect::set(&message, &JsValue::from_str(key), &value);
        }
        let worker = &client.as_ref().expect("started above").worker;
        worker
            .post_message(&message)
            .map_err(|_| "The text could not be handed to the validator.".to_string())
    });
    if let Err(message) = posted {
        deliver(Some(id), Err(message));
    }
}
