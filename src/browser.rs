//! The few browser services the app uses, behind small functions so that
//! components stay declarative: clipboard, download, focus, storage, URL.

use std::cell::Cell;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

thread_local! {
    static NEXT_ID: Cell<u32> = const { Cell::new(0) };
}

/// A document-unique id with `prefix`, for aria-controls / labels.
pub fn unique_id(prefix: &str) -> String {
    NEXT_ID.with(|n| {
        let id = n.get();
        n.set(id + 1);
        format!("{prefix}-{id}")
    })
}

/// The message of a thrown JS `Error`, for saying why a browser call failed.
pub fn error_message(error: &wasm_bindgen::JsValue) -> Option<String> {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
}

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

/// Copies `text` to the clipboard; the async Clipboard API first, then the
/// selection fallback (file:// pages and older browsers).
pub async fn copy_text(text: &str) -> bool {
    if let Some(window) = web_sys::window() {
        let clipboard = window.navigator().clipboard();
        if JsFuture::from(clipboard.write_text(text)).await.is_ok() {
            return true;
        }
    }
    copy_with_selection(text).unwrap_or(false)
}

fn copy_with_selection(text: &str) -> Option<bool> {
    let document = document()?;
    let area: web_sys::HtmlTextAreaElement =
        document.create_element("textarea").ok()?.dyn_into().ok()?;
    area.set_value(text);
    area.set_attribute("readonly", "").ok()?;
    area.set_attribute("style", "position:fixed;left:-9999px;top:0")
        .ok()?;
    document.body()?.append_child(&area).ok()?;
    area.select();
    let html: web_sys::HtmlDocument = document.clone().dyn_into().ok()?;
    let ok = html.exec_command("copy").unwrap_or(false);
    area.remove();
    Some(ok)
}

/// Offers `text` as a download named `filename`.
pub fn download(filename: &str, text: &str) {
    let _ = (|| -> Option<()> {
        let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("text/plain;charset=utf-8");
        let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
        let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
        let anchor: web_sys::HtmlAnchorElement =
            document()?.create_element("a").ok()?.dyn_into().ok()?;
        anchor.set_href(&url);
        anchor.set_download(filename);
        anchor.click();
        web_sys::Url::revoke_object_url(&url).ok()
    })();
}

pub fn focus_by_id(id: &str) {
    if let Some(element) = document()
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

/// The current URL fragment, e.g. `#/keystore`.
pub fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// The page URL without its fragment, for share links.
pub fn location_without_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .map(|href| href.split('#').next().unwrap_or_default().to_string())
        .unwrap_or_default()
}

/// Replaces the URL fragment without a navigation or a history entry.
pub fn replace_hash(hash: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let url = format!("{}{hash}", location_without_hash());
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// Local storage, for the non-secret draft only. Failures (private mode,
/// file:// in some browsers) are ignored: the app works without it.
pub mod storage {
    fn local() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok()?
    }

    pub fn get(key: &str) -> Option<String> {
        local()?.get_item(key).ok()?
    }

    pub fn set(key: &str, value: &str) {
        if let Some(storage) = local() {
            let _ = storage.set_item(key, value);
        }
    }

    pub fn remove(key: &str) {
        if let Some(storage) = local() {
            let _ = storage.remove_item(key);
        }
    }
}
