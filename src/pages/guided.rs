//! Guided setup: "connect this deployment to this bucket". The inputs, then
//! the steps in order — access policy, keystore, reload or restart, register
//! the repository, verify — each with why it exists, its payload and command.

use crate::app::AppContext;
use crate::components::fields::{platform_label, PlatformPicker, StoragePicker, TextField};
use crate::components::generated::render_generated;
use crate::components::rich::with_code;
use crate::components::secret_input::SecretInput;
use crate::outputs;
use crate::state::{Action, Field, Storage};
use ecekit_core::Platform;
use yew::prelude::*;

#[function_component(GuidedPage)]
pub fn guided_page() -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let draft = ctx.draft.clone();

    // The provider's client settings are the keystore rows of this flow; they
    // follow the storage and client name as they are typed (renamed, with
    // their values), instead of leaving a row per keystroke behind.
    let shown_preset = use_mut_ref(|| None::<Vec<(String, bool)>>);
    {
        let ctx = ctx.clone();
        use_effect_with(
            (draft.storage, draft.client.clone()),
            move |(storage, client)| {
                let to = outputs::client_preset(*storage, client);
                let action = match shown_preset.borrow_mut().replace(to.clone()) {
                    Some(from) => Action::RetargetKeystoreRows {
                        from,
                        to,
                        filled: ctx.secrets.filled_ids(),
                    },
                    None => Action::EnsureKeystoreRows(to),
                };
                ctx.dispatch(action);
            },
        );
    }

    let steps = outputs::guided_steps(&draft, &ctx.secrets);
    let errors = outputs::input_errors(&draft);
    let secret_rows: Vec<_> = outputs::client_preset(draft.storage, &draft.client)
        .into_iter()
        .filter_map(|(name, _)| draft.keystore.iter().find(|r| r.name == name).cloned())
        .collect();

    html! {
        <>
            <section class="card" aria-labelledby="inputs-heading">
                <h2 id="inputs-heading">{ "This deployment, this bucket" }</h2>
                <PlatformPicker />
                <StoragePicker />
                <div class="grid-form">
                    <TextField field={Field::Bucket} label={if draft.storage == Storage::Azure { "Container" } else { "Bucket" }} placeholder="snaps.example.com"
                        error={errors.get(Field::Bucket)} />
                    <TextField field={Field::Client} label="Client name" placeholder="default"
                        help="Names the keystore settings and the repository's client." error={errors.get(Field::Client)} />
                    <TextField field={Field::Repository} label="Repository name" placeholder="my-snapshots"
                        error={errors.get(Field::Repository)} />
                    if draft.platform != Platform::Ece {
                        <TextField field={Field::BasePath} label="Base path (optional)" placeholder="cluster-1"
                            help="Keeps this cluster's snapshots under a prefix." error={errors.get(Field::BasePath)} />
                    }
                    if draft.storage == Storage::S3Compatible {
                        <TextField field={Field::S3Endpoint} label="S3-compatible endpoint" placeholder="http://minio.local:9000"
                            help="Set as s3.client.<client>.endpoint in elasticsearch.yml (user settings on ECE)." />
                    }
                    if draft.platform == Platform::Ece {
                        <TextField field={Field::Coordinator} label="Coordinator URL" placeholder="https://ece.example.com:12443" />
                        <TextField field={Field::DeploymentId} label="Deployment ID" placeholder="32 hex characters" />
                        <TextField field={Field::RefId} label="Elasticsearch ref_id" placeholder="main-elasticsearch" />
                    } else if draft.platform == Platform::Ess {
                        <TextField field={Field::DeploymentId} label="Deployment ID" placeholder="32 hex characters" />
                        <TextField field={Field::RefId} label="Elasticsearch ref_id" placeholder="main-elasticsearch" />
                        <TextField field={Field::Endpoint} label="Elasticsearch endpoint" placeholder="https://my-deployment.es.eu-west-1.aws.found.io"
                            help="Elastic Cloud has no API proxy: the repository is registered on this endpoint." />
                    } else {
                        <TextField field={Field::Endpoint} label="Elasticsearch endpoint" placeholder="https://localhost:9200" />
                    }
                </div>
                if draft.platform == Platform::Ece {
                    <p class="field-help">{ "ECE sets base_path for each deployment itself: leave it out of the repository." }</p>
                }
                <h3 class="section-title">{ "Credentials" }</h3>
                <p class="note">{ "Secret values stay in this tab's memory only: they are never saved, never put in a share link, and cleared when you reload." }</p>
                <div class="grid-form">
                    { for secret_rows.iter().map(|row| html! {
                        <SecretInput key={row.id} id={row.id} as_file={row.as_file}
                            label={html! { <code>{ &row.name }</code> }}
                            help={if row.as_file { "GCS reads its key as a file: the JSON object goes in with as_file: true, exactly as downloaded. Kept in memory only." } else { "Kept in memory only; cleared on reload." }} />
                    }) }
                </div>
            </section>
            <ol class="steps-flow" aria-label={format!("Steps for {}", platform_label(draft.platform))}>
                { for steps.iter().map(|step| html! {
                    <li class="card step" data-step={step.id}>
                        <h2>{ step.title }</h2>
                        <p class="muted why">{ with_code(&step.why) }</p>
                        { render_generated(&step.generated) }
                    </li>
                }) }
            </ol>
        </>
    }
}
