//! The ecekit web app: the face shown by the static page, the single-file
//! page and the browser extension. Components only translate between the
//! engine (`ecekit-core`) and the DOM.

pub mod app;
pub mod browser;
pub mod components;
pub mod connection;
pub mod outputs;
pub mod pages;
pub mod route;
pub mod state;
pub mod text;
pub mod validator;
pub mod vault;

/// The allocator of the wasm module (see Cargo.toml): single-threaded, as the
/// module is built without atomics.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(not(feature = "connection-module"))]
use wasm_bindgen::prelude::*;

/// Entry point, run when the wasm module is initialised: renders the app into
/// `#app` when the page has one (test pages do not). The Connection module
/// has none: the app mounts it (`connection::module`).
#[cfg(not(feature = "connection-module"))]
#[wasm_bindgen(start)]
pub fn start() {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    if let Some(root) = root {
        root.set_inner_html("");
        yew::Renderer::<app::App>::with_root(root).render();
    }
}
