//! A generated document as every area shows it: the engine's advice, its
//! findings, then the output panel; or what is still missing.

use crate::components::findings::FindingsList;
use crate::components::output_panel::OutputPanel;
use crate::components::rich::with_code;
use crate::outputs::Generated;
use yew::prelude::*;

pub fn render_generated(generated: &Generated) -> Html {
    html! {
        <>
            if let Some(advice) = &generated.advice {
                <p class="note">{ with_code(advice) }</p>
            }
            if !generated.findings.is_empty() {
                <FindingsList findings={generated.findings.clone()} />
            }
            if generated.outputs.is_empty() {
                <p class={if generated.invalid { "field-error" } else { "muted" }} role="status" data-invalid={generated.invalid.then_some("true")}>
                    { with_code(generated.missing.as_deref().unwrap_or("Fill in the form to see the payload.")) }
                </p>
            } else {
                <OutputPanel outputs={generated.outputs.clone()} title={generated.title.clone()} />
            }
        </>
    }
}
