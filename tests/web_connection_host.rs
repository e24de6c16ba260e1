//! The app's side of the Connection module (src/connection/host.rs) in
//! headless Chromium, against a stand-in module: a page that cannot load it
//! says so; once loaded it is mounted once, gets the draft and secrets and
//! each change of them, its own changes become the app's draft and secrets,
//! Reset reaches it, and it stays (hidden) while another area shows.
#![cfg(target_arch = "wasm32")]

use ecekit_web::app::App;
use std::time::Duration;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Records what the app hands it in `globalThis.standIn`.
const STAND_IN: &str = r#"
globalThis.standIn = { loads: 0, mounts: 0, updates: [], resets: 0 };
globalThis.ecekitLoadConnection = async () => {
  standIn.loads++;
  return {
    mount(root, draft, secrets, onDraft, onSecrets) {
      Object.assign(standIn, { mounts: standIn.mounts + 1, root, draft: JSON.parse(draft),
        secrets: Object.fromEntries(secrets), onDraft, onSecrets });
      root.textContent = "stand-in page";
    },
    update(draft, secrets, applied) {
      standIn.updates.push({ draft: JSON.parse(draft), secrets: Object.fromEntries(secrets), applied });
    },
    reset() { standIn.resets++; },
  };
};
"#;

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn eval(js: &str) -> JsValue {
    js_sys::eval(js).unwrap_or_else(|e| panic!("{js}: {e:?}"))
}

async fn until(js: &str) {
    for _ in 0..100 {
        if eval(js).is_truthy() {
            return;
        }
        yew::platform::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("never true: {js}");
}

/// Whether the element the stand-in was mounted in is hidden.
fn host_hidden() -> Option<bool> {
    eval("standIn.root.closest('.connection-host').hidden").as_bool()
}

async fn go(hash: &str) {
    web_sys::window()
        .unwrap()
        .location()
        .set_hash(hash)
        .unwrap();
    yew::platform::time::sleep(Duration::from_millis(100)).await;
}

/// The app in a new element, first shown at `hash`.
async fn render_app_at(hash: &str) -> web_sys::Element {
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    go(hash).await;
    yew::Renderer::<App>::with_root(root.clone()).render();
    yew::platform::time::sleep(Duration::from_millis(50)).await;
    root
}

#[wasm_bindgen_test]
async fn the_connection_module_is_mounted_once_and_kept_in_step_with_the_app() {
    web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .clear()
        .unwrap();
    let root = render_app_at("#/policy").await;

    // No loader on this page: the area says why.
    go("#/connection").await;
    until("document.querySelector('.connection-host [role=alert]') !== null").await;
    let alert = eval("document.querySelector('.connection-host [role=alert]').textContent");
    let alert = alert.as_string().unwrap();
    assert!(
        alert.starts_with("The Connection area did not load:"),
        "{alert}"
    );
    root.remove();

    // A page that has the module.
    eval(STAND_IN);
    let root = render_app_at("#/policy").await;
    assert_eq!(
        eval("standIn.loads").as_f64(),
        Some(0.0),
        "not loaded before the area opens"
    );

    go("#/connection").await;
    until("standIn.mounts === 1").await;
    assert_eq!(host_hidden(), Some(false));
    assert_eq!(
        eval("standIn.draft.repository").as_string().as_deref(),
        Some("my-snapshots")
    );

    // The module's changes become the app's draft (saved) and secrets.
    // Each comes back with its change number, in the same update as the value.
    eval("standIn.onDraft(JSON.stringify({ ...standIn.draft, bucket: 'from-the-module' }), 1)");
    until("standIn.updates.some((u) => u.draft.bucket === 'from-the-module' && u.applied === 1)")
        .await;
    assert_eq!(
        eval(
            "standIn.updates.some((u) => u.draft.bucket === 'from-the-module' && u.applied !== 1)"
        )
        .as_bool(),
        Some(false)
    );
    until("JSON.parse(localStorage.getItem('ecekit.draft.v1')).bucket === 'from-the-module'").await;
    eval("standIn.onSecrets(new Map([[7, 'a value']]), 2)");
    until("standIn.updates.some((u) => u.secrets[7] === 'a value' && u.applied === 2)").await;
    // Not a draft: the draft stays, and the change is still counted as applied.
    eval("standIn.onDraft('not json', 3)");
    until("standIn.updates.at(-1).applied === 3 && standIn.updates.at(-1).draft.bucket === 'from-the-module'").await;

    // Another area: the module stays, hidden, and follows the draft.
    go("#/repository").await;
    assert_eq!(host_hidden(), Some(true));
    assert_eq!(
        eval("standIn.root.textContent").as_string().as_deref(),
        Some("stand-in page")
    );
    let bucket: web_sys::HtmlInputElement =
        wasm_bindgen::JsCast::unchecked_into(document().get_element_by_id("field-bucket").unwrap());
    assert_eq!(bucket.value(), "from-the-module");

    // Reset: the module hears it, and gets the cleared draft and secrets.
    eval("[...document.querySelectorAll('button')].find((b) => b.textContent === 'Reset').click()");
    until("standIn.resets === 1").await;
    until("(() => { const u = standIn.updates.at(-1); return u.draft.bucket === '' && Object.keys(u.secrets).length === 0; })()").await;

    go("#/connection").await;
    assert_eq!(eval("standIn.loads").as_f64(), Some(1.0), "loaded once");
    assert_eq!(eval("standIn.mounts").as_f64(), Some(1.0), "mounted once");
    root.remove();
}
