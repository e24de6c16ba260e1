//! A generated document as every area shows it: the engine's advice, its
//! findings, then the output panel; or what is still missing.

use crate::components::findings::FindingsList;
use crate::components::output_panel::OutputPanel;
use crate::outputs::Generated;
use yew::prelude::*;

pub fn render_generated(generated: &Generated) -> Html {
    html! {
        <>
            if let Some(advice) = &generated.advice {
                <p class="note">{ advice }</p>
            }
            if !generated.findings.is_empty() {
                <FindingsList findings={generated.findings.clone()} />
            }
            if generated.outputs.is_empty() {
                <p class="muted" role="status">{ generated.missing.clone().unwrap_or_else(|| "Fill in the form to see the payload.".into()) }</p>
            } else {
                <OutputPanel outputs={generated.outputs.clone()} title={generated.title.clone()} />
            }
        </>
    }
}
