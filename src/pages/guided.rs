use crate::route::Area;
use yew::prelude::*;

/// The steps of "connect this deployment to this bucket", in order.
const STEPS: [(&str, &str, Area); 5] = [
    (
        "Access policy",
        "Give the storage credentials access to this bucket and nothing else.",
        Area::Policy,
    ),
    (
        "Keystore",
        "Store the client's secrets in the deployment keystore, never in repository settings.",
        Area::Keystore,
    ),
    (
        "Reload or restart",
        "Make the nodes pick up the new secure settings (POST _nodes/reload_secure_settings).",
        Area::Keystore,
    ),
    (
        "Register the repository",
        "PUT _snapshot/<name> through the ECE proxy or on the Elasticsearch endpoint.",
        Area::Repository,
    ),
    (
        "Verify",
        "POST _snapshot/<name>/_verify: every node must reach the bucket.",
        Area::Repository,
    ),
];

#[function_component(GuidedPage)]
pub fn guided_page() -> Html {
    html! {
        <section aria-labelledby="steps-heading" class="card">
            <h2 id="steps-heading">{ "The five steps" }</h2>
            <ol class="steps">
                { for STEPS.iter().map(|(title, why, area)| html! {
                    <li>
                        <a href={area.href()}>{ *title }</a>
                        <span class="muted">{ " — " }{ *why }</span>
                    </li>
                }) }
            </ol>
        </section>
    }
}
