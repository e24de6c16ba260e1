//! The browser-extension APIs the Connection area needs, reached through
//! `globalThis.browser ?? globalThis.chrome` (absent on the plain page), and
//! where the sealed API key record is kept: `chrome.storage.local` in the
//! extension, `localStorage` on the page. Only the `SealedKey` record (salt,
//! IV, ciphertext, coordinator) is ever stored; never a key in clear.

use crate::vault::SealedKey;
use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The storage key of the sealed API key record.
pub const SEALED_KEY: &str = "ecekit.sealed-key.v1";

fn get(target: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(target, &JsValue::from_str(key))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

/// The extension API namespace, when running as an extension page.
fn api() -> Option<JsValue> {
    if !in_extension() {
        return None;
    }
    let global: JsValue = js_sys::global().into();
    get(&global, "browser").or_else(|| get(&global, "chrome"))
}

/// True on an extension page (chrome-extension:// or moz-extension://).
pub fn in_extension() -> bool {
    web_sys::window()
        .and_then(|w| w.location().protocol().ok())
        .is_some_and(|p| p == "chrome-extension:" || p == "moz-extension:")
}

/// The page's origin (plain page), for same-origin and CORS decisions.
pub fn page_origin() -> Option<String> {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .filter(|o| o != "null")
}

/// Calls `namespace.method(arg)` and awaits the promise it returns.
async fn call(namespace: &str, method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let promise = start(namespace, method, args)?;
    JsFuture::from(promise).await
}

/// Calls `namespace.method(arg)` now (e.g. inside a click handler) and
/// returns its promise.
fn start(namespace: &str, method: &str, args: &[JsValue]) -> Result<Promise, JsValue> {
    let ns = api()
        .and_then(|a| get(&a, namespace))
        .ok_or_else(|| JsValue::from_str("no extension API"))?;
    let f: Function = get(&ns, method)
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| JsValue::from_str("no such method"))?;
    let result = f.apply(&ns, &args.iter().collect::<Array>())?;
    result
        .dyn_into::<Promise>()
        .map_err(|_| JsValue::from_str("not a promise"))
}

fn origins(pattern: &str) -> JsValue {
    let o = Object::new();
    let _ = Reflect::set(
        &o,
        &"origins".into(),
        &Array::of1(&JsValue::from_str(pattern)),
    );
    o.into()
}

/// `permissions.contains({origins: [pattern]})`; false when it cannot tell.
pub async fn permission_granted(pattern: &str) -> bool {
    call("permissions", "contains", &[origins(pattern)])
        .await
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// Starts `permissions.request({origins: [pattern]})`. Must run inside the
/// click handler (before any await); resolves to whether it was granted.
pub fn request_permission(pattern: &str) -> Option<Promise> {
    start("permissions", "request", &[origins(pattern)]).ok()
}

/// The URL of the active tab (needs `activeTab`: the user opened the side
/// panel from that tab).
pub async fn active_tab_url() -> Result<Option<String>, String> {
    let query = Object::new();
    let _ = Reflect::set(&query, &"active".into(), &JsValue::TRUE);
    let _ = Reflect::set(&query, &"currentWindow".into(), &JsValue::TRUE);
    let tabs = call("tabs", "query", &[query.into()])
        .await
        .map_err(|_| "The browser did not list the tabs.".to_string())?;
    let first = Array::from(&tabs).get(0);
    Ok(get(&first, "url").and_then(|u| u.as_string()))
}

/// The stored sealed record, if any.
pub async fn load_sealed() -> Option<SealedKey> {
    let text = if api().is_some() {
        local_call("get", &[JsValue::from_str(SEALED_KEY)])
            .await
            .ok()
            .and_then(|v| get(&v, SEALED_KEY))
            .and_then(|v| v.as_string())
    } else {
        crate::browser::storage::get(SEALED_KEY)
    }?;
    SealedKey::from_json(&text)
}

/// Stores the sealed record (it holds no clear text).
pub async fn save_sealed(record: &SealedKey) -> Result<(), String> {
    let text = serde_json::to_string(record).expect("a SealedKey is strings and numbers");
    if api().is_some() {
        let items = Object::new();
        let _ = Reflect::set(&items, &SEALED_KEY.into(), &JsValue::from_str(&text));
        local_call("set", &[items.into()])
            .await
            .map(|_| ())
            .map_err(|_| "The extension storage refused the record.".to_string())
    } else {
        crate::browser::storage::set(SEALED_KEY, &text);
        Ok(())
    }
}

/// Removes the sealed record.
pub async fn forget_sealed() {
    if api().is_some() {
        let _ = local_call("remove", &[JsValue::from_str(SEALED_KEY)]).await;
    } else {
        crate::browser::storage::remove(SEALED_KEY);
    }
}

/// `storage.local.<method>(args)`.
async fn local_call(method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let local = api()
        .and_then(|a| get(&a, "storage"))
        .and_then(|s| get(&s, "local"))
        .ok_or_else(|| JsValue::from_str("no storage.local"))?;
    let f: Function = get(&local, method)
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| JsValue::from_str("no such method"))?;
    let p: Promise = f
        .apply(&local, &args.iter().collect::<Array>())?
        .dyn_into()
        .map_err(|_| JsValue::from_str("not a promise"))?;
    JsFuture::from(p).await
}

/// Seconds since the epoch.
pub fn now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// `vault::seal` in the browser; natively (tests) Web Crypto is absent.
pub async fn seal(
    passphrase: &str,
    coordinator: &str,
    api_key: &str,
) -> Result<SealedKey, crate::vault::VaultError> {
    #[cfg(target_arch = "wasm32")]
    return crate::vault::seal(passphrase, coordinator, api_key).await;
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (passphrase, coordinator, api_key);
        Err(crate::vault::VaultError::Crypto("not in a browser".into()))
    }
}

/// `vault::unlock` in the browser; natively (tests) Web Crypto is absent.
pub async fn unlock(
    passphrase: &str,
    record: &SealedKey,
) -> Result<String, crate::vault::VaultError> {
    #[cfg(target_arch = "wasm32")]
    return crate::vault::unlock(passphrase, record).await;
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (passphrase, record);
        Err(crate::vault::VaultError::Crypto("not in a browser".into()))
    }
}
