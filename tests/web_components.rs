//! Component tests: the Yew app rendered into a real DOM in headless Chromium
//! (wasm-bindgen-test). Run by `make test` through scripts/test.sh.
#![cfg(target_arch = "wasm32")]

use ecekit_web::app::App;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

async fn render_app() -> web_sys::Element {
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root(root.clone()).render();
    yew::platform::time::sleep(Duration::from_millis(50)).await;
    root
}

fn text_of(root: &web_sys::Element, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn shell_lists_every_area_in_its_navigation() {
    let root = render_app().await;
    let links = root.query_selector_all("nav.nav a[data-area]").unwrap();
    let areas: Vec<String> = (0..links.length())
        .map(|i| {
            links
                .item(i)
                .unwrap()
                .dyn_into::<web_sys::Element>()
                .unwrap()
                .get_attribute("data-area")
                .unwrap()
        })
        .collect();
    assert_eq!(
        areas,
        [
            "guided",
            "keystore",
            "policy",
            "repository",
            "validate",
            "connection"
        ]
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn following_a_link_shows_that_area_and_marks_it_current() {
    let root = render_app().await;
    web_sys::window()
        .unwrap()
        .location()
        .set_hash("#/repository")
        .unwrap();
    yew::platform::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(text_of(&root, "main h1"), "Repository");
    assert_eq!(
        text_of(&root, "nav a[aria-current=page]").trim(),
        "Repository"
    );
    root.remove();
}
