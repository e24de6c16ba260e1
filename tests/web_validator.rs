//! The page's side of the validator worker (src/validator.rs) in headless
//! Chromium, against a stand-in worker: the answer is read back into a
//! report, only the latest request's answer is delivered (none once
//! forgotten), and a page that cannot start the worker says so.
#![cfg(target_arch = "wasm32")]

use ecekit_core::DocumentKind;
use ecekit_web::validator::{check, forget, Answer};
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen_test::*;
use yew::Callback;

wasm_bindgen_test_configure!(run_in_browser);

/// A worker that answers like www/validator-worker.js, with one finding
/// whose message echoes the text; the text "slow" is answered late.
const STAND_IN: &str = r#"
globalThis.ecekitStartValidator = () => {
  const source = `self.onmessage = (event) => {
    const m = event.data;
    if (m.init !== undefined) return;
    const report = JSON.stringify({ kind: m.kind || "keystore", detected: !m.kind, findings: [{
      severity: "warning", code: "STAND_IN", message: "saw " + m.text, help: "",
      location: { line: 1, column: 2, start: 1, end: 3, pointer: "/secrets" } }] });
    setTimeout(() => self.postMessage({ id: m.id, report, millis: 1.25 }), m.text === "slow" ? 300 : 0);
  };`;
  const worker = new Worker(URL.createObjectURL(new Blob([source], { type: "text/javascript" })));
  worker.postMessage({ init: "unused" });
  return worker;
};
"#;

type Seen = Rc<RefCell<Vec<(u32, Result<String, String>)>>>;

fn recorder(seen: &Seen) -> Callback<Answer> {
    let seen = seen.clone();
    Callback::from(move |answer: Answer| {
        let outcome = answer.outcome.map(|checked| {
            let f = &checked.report.findings[0];
            format!(
                "{} {} {} {} {}",
                checked.report.kind.as_str(),
                checked.report.detected,
                f.code,
                f.message,
                checked.millis
            )
        });
        seen.borrow_mut().push((answer.id, outcome));
    })
}

async fn until(seen: &Seen, count: usize) {
    for _ in 0..100 {
        if seen.borrow().len() >= count {
            return;
        }
        yew::platform::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("no answer: {:?}", seen.borrow());
}

#[wasm_bindgen_test]
async fn the_worker_answers_the_latest_request_only() {
    // No starter on this page yet: the request is answered with why.
    let seen: Seen = Rc::default();
    check(1, "{}", None, None, recorder(&seen));
    until(&seen, 1).await;
    let (id, outcome) = seen.borrow()[0].clone();
    assert_eq!(id, 1);
    let message = outcome.unwrap_err();
    assert!(
        message.starts_with("The validator did not start:"),
        "{message}"
    );

    js_sys::eval(STAND_IN).unwrap();
    let seen: Seen = Rc::default();
    check(2, "{\"a\": 1}", None, None, recorder(&seen));
    until(&seen, 1).await;
    assert_eq!(
        seen.borrow()[0],
        (
            2,
            Ok("keystore true STAND_IN saw {\"a\": 1} 1.25".to_string())
        )
    );

    // A slow answer to an older text is dropped once a newer one is asked.
    let seen: Seen = Rc::default();
    check(3, "slow", None, None, recorder(&seen));
    check(4, "fast", Some(DocumentKind::Policy), None, recorder(&seen));
    until(&seen, 1).await;
    yew::platform::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        *seen.borrow(),
        vec![(4, Ok("policy false STAND_IN saw fast 1.25".to_string()))]
    );

    // Forgotten (the box was emptied): the answer on its way is dropped.
    let seen: Seen = Rc::default();
    check(5, "slow", None, None, recorder(&seen));
    forget();
    yew::platform::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(*seen.borrow(), vec![]);
}
