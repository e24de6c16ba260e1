//! Validate: paste or drop any document or curl command; the kind is
//! detected; findings appear in a list and inline; a click moves the cursor
//! to the spot; machine fixes can be applied.

use crate::components::editor::{select_range, Editor};
use crate::components::findings::{summary, FindingsList, SHOWN_AT_FIRST};
use crate::validator::{self, Answer};
use ecekit_core::validate::Report;
use ecekit_core::{DocumentKind, Finding, Location, Platform};
use gloo::timers::callback::Timeout;
use std::rc::Rc;
use yew::prelude::*;

/// Quiet time after the last keystroke before validating: typing never waits
/// for validation, and a burst of keystrokes costs one run.
const DEBOUNCE_MS: u32 = 150;

const KINDS: [(Option<DocumentKind>, &str); 5] = [
    (None, "Detect"),
    (Some(DocumentKind::Keystore), "Keystore body"),
    (Some(DocumentKind::Policy), "Policy"),
    (Some(DocumentKind::Repository), "Repository body"),
    (Some(DocumentKind::Curl), "curl command"),
];

const PLATFORMS: [(Option<Platform>, &str); 4] = [
    (None, "Any"),
    (Some(Platform::Ece), "ECE"),
    (Some(Platform::Ess), "Elastic Cloud"),
    (Some(Platform::SelfManaged), "Self-managed"),
];

#[derive(Clone, PartialEq)]
struct Analysis {
    text: Rc<str>,
    /// The kind the text was checked as, and whether it was detected.
    kind: DocumentKind,
    detected: bool,
    findings: Rc<Vec<Finding>>,
    millis: f64,
    generation: u32,
}

/// `millis` with two decimals, like `format!("{:.2}", millis)` but with integer
/// formatting: float formatting costs about 14 KB of wasm.
fn two_decimals(millis: f64) -> String {
    // `as u64` saturates: a negative or NaN duration shows as 0.00.
    let hundredths = (millis * 100.0 + 0.5) as u64;
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

fn kind_name(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Keystore => "keystore body",
        DocumentKind::Policy => "access policy",
        DocumentKind::Repository => "repository body",
        DocumentKind::Curl => "curl command",
    }
}

#[function_component(ValidatePage)]
pub fn validate_page() -> Html {
    let textarea = use_node_ref();
    let text = use_mut_ref(String::new);
    let kind = use_state(|| None::<DocumentKind>);
    let platform = use_state(|| None::<Platform>);
    let analysis = use_state(|| None::<Analysis>);
    let pending = use_mut_ref(|| None::<Timeout>);
    let generation = use_mut_ref(|| 0u32);
    // Past SHOWN_AT_FIRST findings, the rest are listed and marked on request.
    let show_all = use_state(|| false);
    // Why the validator cannot answer, when it cannot.
    let failure = use_state(|| None::<String>);

    // The validator's wasm loads in its worker while the user pastes.
    use_effect_with((), |_| validator::warm_up());

    // Hands the current text to the validator (after the debounce, and at
    // once when the kind, the platform or a fix changes things). The answer
    // arrives later, off the keystroke path; an answer to an older text is
    // dropped.
    let run = {
        let (text, analysis, generation, failure) = (
            text.clone(),
            analysis.clone(),
            generation.clone(),
            failure.clone(),
        );
        Rc::new(move |k: Option<DocumentKind>, p: Option<Platform>| {
            let current: Rc<str> = Rc::from(text.borrow().as_str());
            if current.trim().is_empty() {
                // An answer still on its way is for text that is gone.
                validator::forget();
                analysis.set(None);
                failure.set(None);
                return;
            }
            let next = {
                let mut g = generation.borrow_mut();
                *g += 1;
                *g
            };
            let (analysis, failure, sent) = (analysis.clone(), failure.clone(), current.clone());
            let on_answer = Callback::from(move |answer: Answer| match answer.outcome {
                Ok(checked) => {
                    failure.set(None);
                    let Report {
                        kind,
                        detected,
                        findings,
                    } = checked.report;
                    analysis.set(Some(Analysis {
                        text: sent.clone(),
                        kind,
                        detected,
                        findings: Rc::new(findings),
                        millis: checked.millis,
                        generation: answer.id,
                    }));
                }
                Err(message) => failure.set(Some(message)),
            });
            validator::check(next, &current, k, p, on_answer);
        })
    };

    let on_input = {
        let (text, pending, run, kind, platform) = (
            text.clone(),
            pending.clone(),
            run.clone(),
            kind.clone(),
            platform.clone(),
        );
        Callback::from(move |value: String| {
            *text.borrow_mut() = value;
            let (run, k, p) = (run.clone(), *kind, *platform);
            // Replacing the timeout cancels the previous one.
            *pending.borrow_mut() = Some(Timeout::new(DEBOUNCE_MS, move || run(k, p)));
        })
    };
    let on_drop_text = {
        let (textarea, on_input) = (textarea.clone(), on_input.clone());
        Callback::from(move |dropped: String| {
            if let Some(area) = textarea.cast::<web_sys::HtmlTextAreaElement>() {
                area.set_value(&dropped);
            }
            on_input.emit(dropped);
        })
    };
    let on_select = {
        let textarea = textarea.clone();
        Callback::from(move |l: Location| select_range(&textarea, l.start, l.end, l.line))
    };
    let on_fix = {
        let (textarea, text, run, kind, platform) = (
            textarea.clone(),
            text.clone(),
            run.clone(),
            kind.clone(),
            platform.clone(),
        );
        Callback::from(move |finding: Finding| {
            let Some(edit) = finding.fix else { return };
            let Some(updated) = edit.apply(&text.borrow()) else {
                return;
            };
            if let Some(area) = textarea.cast::<web_sys::HtmlTextAreaElement>() {
                area.set_value(&updated);
            }
            // The Apply fix button goes away with its finding: focus moves to
            // the editor, the cursor just after the replaced text.
            let cursor = edit.start + edit.replacement.len();
            let line = updated[..cursor].matches('\n').count() + 1;
            *text.borrow_mut() = updated;
            run(*kind, *platform);
            select_range(&textarea, cursor, cursor, line);
        })
    };

    let on_kind = {
        let (kind, run, platform) = (kind.clone(), run.clone(), platform.clone());
        move |k: Option<DocumentKind>| {
            let (kind, run, platform) = (kind.clone(), run.clone(), platform.clone());
            Callback::from(move |_| {
                kind.set(k);
                run(k, *platform);
            })
        }
    };
    let on_platform = {
        let (kind, run, platform) = (kind.clone(), run.clone(), platform.clone());
        move |p: Option<Platform>| {
            let (kind, run, platform) = (kind.clone(), run.clone(), platform.clone());
            Callback::from(move |_| {
                platform.set(p);
                run(*kind, p);
            })
        }
    };

    let empty: Rc<Vec<Finding>> = use_memo((), |_| Vec::new());
    let (findings, analysed, status) = match &*analysis {
        Some(a) => {
            let detected = if a.detected { "Detected" } else { "Checked as" };
            (
                a.findings.clone(),
                Some(a.text.clone()),
                format!(
                    "{detected}: {}. {}",
                    kind_name(a.kind),
                    summary(&a.findings)
                ),
            )
        }
        None => (
            empty.clone(),
            None,
            "Paste a document to check it.".to_string(),
        ),
    };
    let status = match &*failure {
        Some(message) => message.clone(),
        None => status,
    };
    let limit = if *show_all {
        usize::MAX
    } else {
        SHOWN_AT_FIRST
    };
    // The editor marks the listed findings only: the same cost cap.
    let generation_now = analysis.as_ref().map_or(0, |a| a.generation);
    let marked = {
        let all = findings.clone();
        let cut = use_memo((generation_now, limit), move |(_, limit)| {
            (all.len() > *limit).then(|| Rc::new(all[..*limit].to_vec()))
        });
        (*cut).clone().unwrap_or_else(|| findings.clone())
    };
    let on_show_all = {
        let show_all = show_all.clone();
        Callback::from(move |()| show_all.set(true))
    };
    let (generation_attr, millis_attr) = match &*analysis {
        Some(a) => (a.generation.to_string(), two_decimals(a.millis)),
        None => ("0".into(), String::new()),
    };

    html! {
        <>
            <div class="row-actions" role="group" aria-label="Options">
                <fieldset class="inline">
                    <legend>{ "Kind" }</legend>
                    <div class="choices">
                        { for KINDS.iter().map(|(k, label)| html! {
                            <label class="choice">
                                <input type="radio" name="validate-kind" checked={*kind == *k} onchange={on_kind(*k)} />
                                { *label }
                            </label>
                        }) }
                    </div>
                </fieldset>
                <fieldset class="inline">
                    <legend>{ "Sent to" }</legend>
                    <div class="choices">
                        { for PLATFORMS.iter().map(|(p, label)| html! {
                            <label class="choice">
                                <input type="radio" name="validate-platform" checked={*platform == *p} onchange={on_platform(*p)} />
                                { *label }
                            </label>
                        }) }
                    </div>
                </fieldset>
            </div>
            <Editor textarea={textarea} label="Document or curl command"
                placeholder="Paste a keystore body, an IAM policy, a repository body or a whole curl command, or drop a file here."
                analysed={analysed} findings={marked}
                on_input={on_input} on_drop_text={on_drop_text} />
            <p class="field-help">{ "What you paste stays in this tab: it is never saved, sent or put in a link." }</p>
            <p class="findings-summary" role="status" aria-live="polite"
               data-findings-summary="" data-generation={generation_attr} data-millis={millis_attr}>{ status }</p>
            // Nothing to check yet: the status says so, and no "No problems found." under it.
            if analysis.is_some() {
                <FindingsList findings={findings} on_select={on_select} on_fix={Some(on_fix)}
                    limit={limit} on_show_all={on_show_all} />
            }
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::two_decimals;

    #[test]
    fn two_decimals_matches_the_float_formatting() {
        for millis in [
            0.0, 0.004, 0.006, 1.0, 1.25, 3.999, 12.345_6, 250.5, 99_999.99,
        ] {
            assert_eq!(two_decimals(millis), format!("{millis:.2}"), "{millis}");
        }
    }
}
