//! Component tests for the builders and the findings view, in headless
//! Chromium: typed input goes through the real DOM events and the rendered
//! payloads and findings are read back.
#![cfg(target_arch = "wasm32")]

use ecekit_core::validate::validate;
use ecekit_core::{Location, ValidateOptions};
use ecekit_web::app::App;
use ecekit_web::components::findings::{FindingsList, FindingsListProps};
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use yew::Callback;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(80)).await;
}

async fn app_at(hash: &str) -> web_sys::Element {
    let window = web_sys::window().unwrap();
    window.local_storage().unwrap().unwrap().clear().unwrap();
    window.location().set_hash(hash).unwrap();
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root(root.clone()).render();
    settle().await;
    root
}

fn element(root: &web_sys::Element, selector: &str) -> web_sys::Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
}

/// Types `value` into an input or text area the way a user's keystroke does.
async fn type_into(root: &web_sys::Element, selector: &str, value: &str) {
    let el = element(root, selector);
    if let Some(input) = el.dyn_ref::<web_sys::HtmlInputElement>() {
        input.set_value(value);
    } else {
        el.dyn_ref::<web_sys::HtmlTextAreaElement>()
            .unwrap()
            .set_value(value);
    }
    fire(&el, "input");
    settle().await;
}

/// Dispatches a bubbling event of `kind` on `el`.
fn fire(el: &web_sys::Element, kind: &str) {
    let event = document().create_event("Event").unwrap();
    event.init_event_with_bubbles(kind, true);
    el.dispatch_event(&event).unwrap();
}

async fn click(root: &web_sys::Element, selector: &str) {
    element(root, selector)
        .dyn_into::<web_sys::HtmlElement>()
        .unwrap()
        .click();
    settle().await;
}

#[wasm_bindgen_test]
async fn keystore_builder_writes_the_patch_body_from_the_rows() {
    let root = app_at("#/keystore").await;
    click(&root, ".row-actions button.secondary").await; // "Add the s3 client settings"
    type_into(&root, "#secret-1", "AKIAZ7Q3M5N2P4R6T8V1").await;
    let missing = element(&root, "main").text_content().unwrap();
    assert!(
        missing.contains("Enter the value of s3.client.default.secret_key"),
        "{missing}"
    );
    type_into(&root, "#secret-2", "a\"b$c\\d").await;
    let body = element(&root, "pre[data-output=\"JSON\"]")
        .text_content()
        .unwrap();
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        json["secrets"]["s3.client.default.secret_key"]["value"],
        "a\"b$c\\d"
    );
    assert_eq!(
        json["secrets"]["s3.client.default.access_key"]["as_file"],
        false
    );
    // Nothing secret reached storage.
    let stored = web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .get_item("ecekit.draft.v1")
        .unwrap()
        .unwrap_or_default();
    assert!(stored.contains("s3.client.default.secret_key") && !stored.contains("AKIAZ7Q3"));
    root.remove();
}

#[wasm_bindgen_test]
async fn repository_builder_types_catalog_settings_and_flags_unknown_ones() {
    let root = app_at("#/repository").await;
    type_into(&root, "#field-bucket", "acme-snapshots").await;
    let body = element(&root, "pre[data-output=\"JSON\"]")
        .text_content()
        .unwrap();
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["type"], "s3");
    assert_eq!(json["settings"]["bucket"], "acme-snapshots");
    // An unknown key added by hand is flagged with the nearest known name.
    click(&root, "details .button.small.secondary").await; // "Add a setting"
                                                           // Checked as it is typed (input events), not only when the field is left.
    type_into(&root, "input[aria-label=\"Setting name\"]", "chunk_sise").await;
    type_into(&root, "input[aria-label=\"Setting value\"]", "1gb").await;
    let findings = element(&root, "ul.findings").text_content().unwrap();
    assert!(findings.contains("chunk_size"), "{findings}");
    root.remove();
}

/// The findings list rendered on its own into a new element of the page.
async fn findings_view(props: FindingsListProps) -> web_sys::Element {
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<FindingsList>::with_root_and_props(root.clone(), props).render();
    settle().await;
    root
}

#[wasm_bindgen_test]
async fn findings_view_lists_each_finding_with_its_place_and_reports_clicks() {
    let text = "{\n  \"secrets\": {\n    \"s3.client.default.access_key\": {\"value\": \"x\"}\n    \"b\": {}\n  }\n}\n";
    let findings = Rc::new(validate(text, None, &ValidateOptions::default()).findings);
    assert!(!findings.is_empty());
    let clicked: Rc<RefCell<Vec<Location>>> = Rc::default();
    let sink = clicked.clone();
    let root = findings_view(FindingsListProps {
        findings: findings.clone(),
        on_select: Callback::from(move |l: Location| sink.borrow_mut().push(l)),
        on_fix: None,
        limit: usize::MAX,
        on_show_all: Callback::noop(),
    })
    .await;
    let items = root.query_selector_all("li.finding").unwrap();
    assert_eq!(items.length() as usize, findings.len());
    let first = items
        .item(0)
        .unwrap()
        .dyn_into::<web_sys::Element>()
        .unwrap();
    assert_eq!(first.get_attribute("data-code").unwrap(), findings[0].code);
    assert_eq!(
        first.get_attribute("data-line").unwrap(),
        findings[0].location.line.to_string()
    );
    let place = format!(
        "{}:{}",
        findings[0].location.line, findings[0].location.column
    );
    assert!(first.text_content().unwrap().contains(&place));
    click(&root, "li.finding .finding-go").await;
    assert_eq!(clicked.borrow().as_slice(), &[findings[0].location.clone()]);
    root.remove();
}

#[wasm_bindgen_test]
async fn findings_view_lists_up_to_its_limit_and_asks_for_the_rest() {
    let text = "{\"secrets\": {\"s3.client.a.secret_key\": {\"value\": \"x\"}, \"s3.client.b.secret_key\": {\"value\": \"y\"}, \"c\": 1}}";
    let findings = Rc::new(validate(text, None, &ValidateOptions::default()).findings);
    assert!(findings.len() >= 3, "{findings:?}");
    let asked = Rc::new(RefCell::new(0));
    let sink = asked.clone();
    let root = findings_view(FindingsListProps {
        findings: findings.clone(),
        on_select: Callback::noop(),
        on_fix: None,
        limit: 2,
        on_show_all: Callback::from(move |()| *sink.borrow_mut() += 1),
    })
    .await;
    assert_eq!(root.query_selector_all("li.finding").unwrap().length(), 2);
    let more = root.query_selector(".findings-more").unwrap().unwrap();
    let expected = format!(
        "The first 2 of {n} findings are listed. Show all {n}",
        n = findings.len()
    );
    assert_eq!(more.text_content().unwrap(), expected);
    click(&root, ".findings-more button").await;
    assert_eq!(*asked.borrow(), 1);
    root.remove();
}

#[wasm_bindgen_test]
async fn findings_view_shows_backticked_spans_as_code_and_labels_them_plainly() {
    let text = "{\"secrets\": {\"s3.client.CLIENT_NAME.access_key\": {\"value\": \"AKIAZ7Q3M5N2P4R6T8V1\"}}}";
    let findings = Rc::new(validate(text, None, &ValidateOptions::default()).findings);
    let (index, finding) = findings
        .iter()
        .enumerate()
        .find(|(_, f)| f.message.contains("`CLIENT_NAME`"))
        .unwrap_or_else(|| panic!("no finding names `CLIENT_NAME`: {findings:?}"));
    let root = findings_view(FindingsListProps {
        findings: findings.clone(),
        on_select: Callback::noop(),
        on_fix: None,
        limit: usize::MAX,
        on_show_all: Callback::noop(),
    })
    .await;
    let item = root
        .query_selector_all("li.finding")
        .unwrap()
        .item(index as u32)
        .unwrap()
        .dyn_into::<web_sys::Element>()
        .unwrap();
    let what = element(&item, ".what");
    assert_eq!(
        element(&what, "code").text_content().unwrap(),
        "CLIENT_NAME"
    );
    assert_eq!(
        what.text_content().unwrap(),
        finding.message.replace('`', ""),
        "the words are the message's, without its backticks"
    );
    let label = element(&item, ".finding-go")
        .get_attribute("aria-label")
        .unwrap();
    assert!(
        label.contains("CLIENT_NAME") && !label.contains('`'),
        "{label}"
    );
    root.remove();
}
