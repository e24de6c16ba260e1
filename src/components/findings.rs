//! The list of findings: severity, position, what, why and how to fix.
//! Clicking one reports its location (the editor moves the cursor there).

use crate::components::rich::with_code;
use crate::text::without_backticks;
use ecekit_core::{Finding, Location, Severity};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FindingsListProps {
    pub findings: Rc<Vec<Finding>>,
    #[prop_or_default]
    pub on_select: Callback<Location>,
    /// Offer each finding's machine fix as a button.
    #[prop_or_default]
    pub on_fix: Option<Callback<Finding>>,
    /// How many findings are listed; a "Show all" button asks for the rest.
    #[prop_or(usize::MAX)]
    pub limit: usize,
    #[prop_or_default]
    pub on_show_all: Callback<()>,
}

pub fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
        Severity::Suggestion => "Suggestion",
    }
}

/// "2 errors, 1 warning" — also what the live region announces.
pub fn summary(findings: &[Finding]) -> String {
    let count = |s| findings.iter().filter(|f| f.severity == s).count();
    let (e, w, s) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Suggestion),
    );
    if e + w + s == 0 {
        return "No problems found.".into();
    }
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut parts = Vec::new();
    if e > 0 {
        parts.push(plural(e, "error"));
    }
    if w > 0 {
        parts.push(plural(w, "warning"));
    }
    if s > 0 {
        parts.push(plural(s, "suggestion"));
    }
    parts.join(", ")
}

/// Findings listed (and marked in the editor) before "Show all": a 1 MB
/// body can have thousands, and rendering them all held up typing for a
/// third of a second. The summary above the list always counts them all.
pub const SHOWN_AT_FIRST: usize = 200;

#[function_component(FindingsList)]
pub fn findings_list(props: &FindingsListProps) -> Html {
    if props.findings.is_empty() {
        return html! { <p class="findings-empty">{ "No problems found." }</p> };
    }
    let total = props.findings.len();
    let shown = total.min(props.limit);
    let on_show_all = props.on_show_all.reform(|_: MouseEvent| ());
    html! {
        <>
        <ul class="findings" aria-label="Findings">
            { for props.findings[..shown].iter().map(|finding| {
                let location = finding.location.clone();
                let on_select = props.on_select.clone();
                let severity = finding.severity.as_str();
                let fix = props.on_fix.as_ref().filter(|_| finding.fix.is_some()).map(|on_fix| {
                    let on_fix = on_fix.clone();
                    let finding = finding.clone();
                    html! {
                        <button type="button" class="button small secondary fix"
                            onclick={Callback::from(move |_| on_fix.emit(finding.clone()))}>
                            { "Apply fix" }
                        </button>
                    }
                });
                html! {
                    <li class={format!("finding {severity}")} data-code={finding.code} data-line={location.line.to_string()}>
                        <button type="button" class="finding-go"
                            onclick={Callback::from(move |_| on_select.emit(location.clone()))}
                            aria-label={format!("{} at line {}, column {}: {}", severity_label(finding.severity), finding.location.line, finding.location.column, without_backticks(&finding.message))}>
                            <span class={format!("badge {severity}")}>{ severity_label(finding.severity) }</span>
                            <span class="where">{ format!("{}:{}", finding.location.line, finding.location.column) }</span>
                            <code class="code-id">{ finding.code }</code>
                        </button>
                        <p class="what">{ with_code(&finding.message) }</p>
                        if !finding.help.is_empty() {
                            <p class="how"><strong>{ "Fix: " }</strong>{ with_code(&finding.help) }</p>
                        }
                        if !finding.location.pointer.is_empty() {
                            <p class="pointer">{ "at " }<code>{ &finding.location.pointer }</code></p>
                        }
                        { for fix }
                    </li>
                }
            }) }
        </ul>
        if shown < total {
            <p class="findings-more">
                { format!("The first {shown} of {total} findings are listed. ") }
                <button type="button" class="button small secondary" onclick={on_show_all}>
                    { format!("Show all {total}") }
                </button>
            </p>
        }
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(severity: Severity) -> Finding {
        Finding::new(severity, "X", "m", "h", Location::default())
    }

    #[test]
    fn summary_counts_each_severity() {
        assert_eq!(summary(&[]), "No problems found.");
        let list = [
            finding(Severity::Error),
            finding(Severity::Error),
            finding(Severity::Warning),
        ];
        assert_eq!(summary(&list), "2 errors, 1 warning");
        assert_eq!(summary(&[finding(Severity::Suggestion)]), "1 suggestion");
    }
}
