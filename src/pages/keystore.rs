//! Keystore: a table of secrets (setting name with completion, masked value
//! with reveal, string or file, remove), the PATCH body and its commands, the
//! resync plan, and the reload-or-restart advice.

use crate::app::AppContext;
use crate::browser;
use crate::components::fields::{PlatformPicker, StoragePicker};
use crate::components::generated::render_generated;
use crate::components::rich::with_code;
use crate::components::secret_input::SecretInput;
use crate::outputs;
use crate::state::{Action, KeystoreRow};
use gloo::timers::callback::Timeout;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The "Add a setting" button: where focus goes when the last row is deleted.
const ADD_ROW_ID: &str = "ks-add-row";

#[function_component(KeystorePage)]
pub fn keystore_page() -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let draft = ctx.draft.clone();
    let resync = use_state(|| None::<u32>);

    let names = outputs::secure_setting_names(draft.storage, &draft.client);
    let add_preset = {
        let ctx = ctx.clone();
        let rows = outputs::client_preset(draft.storage, &draft.client);
        Callback::from(move |_| ctx.dispatch(Action::EnsureKeystoreRows(rows.clone())))
    };
    let add_row = {
        let ctx = ctx.clone();
        Callback::from(move |_| {
            ctx.dispatch(Action::AddKeystoreRow {
                name: String::new(),
                as_file: false,
            })
        })
    };

    let body = outputs::keystore(&draft, &ctx.secrets);
    let resync_row = resync.and_then(|id| draft.keystore.iter().find(|r| r.id == id).cloned());

    html! {
        <>
            <section class="card">
                <PlatformPicker />
                <StoragePicker />
                <p class="note">{ "Secret values stay in this tab's memory only: they are never saved, never put in a share link, and cleared when you reload." }</p>
                <datalist id="secure-setting-names">
                    { for names.iter().map(|n| html! { <option value={n.clone()} /> }) }
                </datalist>
                <div class="rows" role="list" aria-label="Keystore settings">
                    { for draft.keystore.iter().map(|row| html! {
                        <SecretRow key={row.id} row={row.clone()}
                            on_resync={{
                                let resync = resync.clone();
                                let id = row.id;
                                Callback::from(move |_| resync.set(Some(id)))
                            }} />
                    }) }
                </div>
                <div class="row-actions">
                    <button type="button" class="button secondary" onclick={add_preset}>
                        { format!("Add the {} client settings", draft.storage.repository_type()) }
                    </button>
                    <button type="button" class="button secondary" id={ADD_ROW_ID} onclick={add_row}>{ "Add a setting" }</button>
                </div>
            </section>
            <h2 class="section-title">{ "PATCH body" }</h2>
            { render_generated(&body) }
            if let Some(row) = resync_row {
                <section class="card" aria-labelledby="resync-heading" data-resync={row.name.clone()}>
                    <h2 id="resync-heading">{ format!("Resync {}", row.name) }</h2>
                    <p class="muted">{ "A key out of sync on some nodes is fixed by removing it, then adding it again: send these two bodies in order, the second only once the first succeeded." }</p>
                    { for outputs::keystore_resync(&draft, &ctx.secrets, &row).iter().map(|step| html! {
                        <div class="resync-step">
                            <h3>{ step.title.clone() }</h3>
                            { render_generated(step) }
                        </div>
                    }) }
                </section>
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct SecretRowProps {
    row: KeystoreRow,
    on_resync: Callback<()>,
}

fn checked(e: &Event) -> Option<bool> {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .map(|i| i.checked())
}

#[function_component(SecretRow)]
fn secret_row(props: &SecretRowProps) -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let row = &props.row;
    let id = row.id;
    let on_name = {
        let ctx = ctx.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            {
                ctx.dispatch(Action::SetKeystoreName(id, i.value()));
            }
        })
    };
    let on_as_file = {
        let ctx = ctx.clone();
        Callback::from(move |e: Event| {
            if let Some(on) = checked(&e) {
                ctx.dispatch(Action::SetKeystoreAsFile(id, on));
            }
        })
    };
    let on_remove = {
        let ctx = ctx.clone();
        Callback::from(move |e: Event| {
            if let Some(on) = checked(&e) {
                ctx.dispatch(Action::SetKeystoreRemove(id, on));
            }
        })
    };
    let on_delete = {
        let ctx = ctx.clone();
        Callback::from(move |_| {
            // The Delete button goes away with its row: focus moves to the
            // next row's name, or to "Add a setting" after the last row.
            let rows = &ctx.draft.keystore;
            let next = rows
                .iter()
                .position(|r| r.id == id)
                .and_then(|i| rows.get(i + 1))
                .map_or_else(|| ADD_ROW_ID.to_string(), |r| format!("ks-name-{}", r.id));
            ctx.dispatch(Action::RemoveKeystoreRow(id));
            Timeout::new(0, move || browser::focus_by_id(&next)).forget();
        })
    };
    let name_id = format!("ks-name-{id}");
    let name_error_id = format!("{name_id}-error");
    let name_error = outputs::keystore_name_error(&row.name);
    let resync = props.on_resync.reform(|_: MouseEvent| ());
    let label = if row.name.is_empty() {
        "this row".to_string()
    } else {
        row.name.clone()
    };

    html! {
        <div class="row secret-row" role="listitem" data-row={id.to_string()}>
            <div class="field">
                <label class="field-label" for={name_id.clone()}>{ "Setting name" }</label>
                <input id={name_id} type="text" list="secure-setting-names" spellcheck="false" autocomplete="off"
                    value={row.name.clone()} oninput={on_name} placeholder="s3.client.default.access_key"
                    aria-invalid={if name_error.is_some() { "true" } else { "false" }}
                    aria-describedby={name_error.is_some().then(|| name_error_id.clone())} />
                if let Some(error) = &name_error {
                    <p class="field-error" id={name_error_id}>{ with_code(error) }</p>
                }
            </div>
            if row.remove {
                <p class="muted">{ "Removed: sent as {} (no value)." }</p>
            } else {
                <SecretInput id={id} as_file={row.as_file}
                    label={html! { { if row.as_file { "File contents" } else { "Value" } } }} />
            }
            <div class="row-actions">
                <label class="check"><input type="checkbox" checked={row.as_file} onchange={on_as_file} />{ "File" }</label>
                <label class="check"><input type="checkbox" checked={row.remove} onchange={on_remove} />{ "Remove" }</label>
                <button type="button" class="button small secondary" onclick={resync}
                    aria-label={format!("Resync {label}")} title="Remove, then re-add this key">{ "Resync" }</button>
                <button type="button" class="button small danger" onclick={on_delete}
                    aria-label={format!("Delete {label}")}>{ "Delete" }</button>
            </div>
        </div>
    }
}
