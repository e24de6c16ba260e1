//! The output panel shown wherever a payload is: one tab per output format,
//! a Copy button with visible confirmation, and Download as a file.
//!
//! The confirmation is the button's own label ("Copied" for two seconds, in
//! space reserved for it) and a live region for screen readers; a refused
//! clipboard shows its message over the text, so nothing below moves.

use crate::browser;
use crate::components::rich::with_code;
use gloo::timers::callback::Timeout;
use std::rc::Rc;
use yew::prelude::*;

/// One rendered output: a tab of the panel.
#[derive(Clone, PartialEq)]
pub struct Output {
    /// Short tab label, e.g. "curl (bash)".
    pub label: &'static str,
    pub text: Rc<str>,
    /// Suggested file name for Download.
    pub filename: String,
    /// A line shown above the text (what to do with it, caveats).
    pub note: Option<String>,
}

#[derive(Properties, PartialEq)]
pub struct OutputPanelProps {
    pub outputs: Rc<Vec<Output>>,
    /// Accessible name of the panel, e.g. "Keystore PATCH body".
    pub title: AttrValue,
}

#[function_component(OutputPanel)]
pub fn output_panel(props: &OutputPanelProps) -> Html {
    let selected = use_state(|| 0usize);
    // What the live region says, and whether the last copy failed.
    let status = use_state(|| (String::new(), false));
    let status_timer = use_mut_ref(|| None::<Timeout>);
    let id = use_memo((), |_| browser::unique_id("out"));
    if props.outputs.is_empty() {
        return html! {};
    }
    let index = (*selected).min(props.outputs.len() - 1);
    let current = props.outputs[index].clone();

    let on_copy = {
        let text = current.text.clone();
        let (status, status_timer) = (status.clone(), status_timer.clone());
        Callback::from(move |_| {
            let text = text.clone();
            let (status, status_timer) = (status.clone(), status_timer.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let copied = browser::copy_text(&text).await;
                let message = if copied {
                    "Copied to the clipboard."
                } else {
                    "Copy failed: select the text and copy it by hand."
                };
                status.set((message.to_string(), !copied));
                let status = status.clone();
                let shown_ms = if copied { 2000 } else { 6000 };
                // Replacing the timer cancels the previous one: a second copy
                // keeps its confirmation for the full time.
                *status_timer.borrow_mut() = Some(Timeout::new(shown_ms, move || {
                    status.set((String::new(), false))
                }));
            });
        })
    };
    let on_download = {
        let current = current.clone();
        Callback::from(move |_| browser::download(&current.filename, &current.text))
    };
    let on_key = {
        let selected = selected.clone();
        let count = props.outputs.len();
        let id = id.clone();
        Callback::from(move |e: KeyboardEvent| {
            let next = match e.key().as_str() {
                "ArrowRight" => (index + 1) % count,
                "ArrowLeft" => (index + count - 1) % count,
                "Home" => 0,
                "End" => count - 1,
                _ => return,
            };
            e.prevent_default();
            selected.set(next);
            browser::focus_by_id(&format!("{}-tab-{next}", id.as_str()));
        })
    };

    let (message, failed) = (*status).clone();
    let copied = !message.is_empty() && !failed;
    let what = format!("{} ({})", props.title, current.label);

    html! {
        <section class="output" aria-label={props.title.clone()}>
            <div class="output-bar">
                <div class="tabs" role="tablist" aria-label={format!("{} formats", props.title)} onkeydown={on_key}>
                    { for props.outputs.iter().enumerate().map(|(i, output)| {
                        let selected = selected.clone();
                        let active = i == index;
                        html! {
                            <button type="button" role="tab" class="tab"
                                id={format!("{}-tab-{i}", id.as_str())}
                                aria-selected={if active { "true" } else { "false" }}
                                aria-controls={format!("{}-panel", id.as_str())}
                                tabindex={if active { "0" } else { "-1" }}
                                onclick={Callback::from(move |_| selected.set(i))}>
                                { output.label }
                            </button>
                        }
                    }) }
                </div>
                <div class="output-actions">
                    <button type="button" class="button small copy" onclick={on_copy}
                        aria-label={format!("Copy {what}")} data-copied={copied.to_string()}>
                        // Both labels take the same cell: the button keeps its width.
                        <span class="label-swap">
                            <span class={(!copied).then_some("shown")}>{ "Copy" }</span>
                            <span class={copied.then_some("shown")}>{ "Copied" }</span>
                        </span>
                    </button>
                    <button type="button" class="button small secondary" onclick={on_download}
                        aria-label={format!("Download {what}")}
                        title={format!("Download {}", current.filename)}>{ "Download" }</button>
                    <p class={if failed { "copy-status failed" } else { "copy-status" }} role="status" aria-live="polite">{ message }</p>
                </div>
            </div>
            <div id={format!("{}-panel", id.as_str())} role="tabpanel"
                 aria-labelledby={format!("{}-tab-{index}", id.as_str())}>
                if let Some(note) = &current.note {
                    <p class="output-note">{ with_code(note) }</p>
                }
                <pre class="code" tabindex="0" data-output={current.label}><code>{ &*current.text }</code></pre>
            </div>
        </section>
    }
}
