//! The one input for a secret value: masked with a Reveal toggle, a text
//! line or a file (pasted, picked or dropped). The value goes to the
//! in-memory `Secrets` only, never to the draft.

use crate::app::{AppContext, SecretsHandle};
use crate::state::Secrets;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SecretInputProps {
    /// The keystore row the value belongs to.
    pub id: u32,
    pub label: Html,
    /// A file value (e.g. GCS credentials): a text area and a file picker.
    #[prop_or_default]
    pub as_file: bool,
    #[prop_or_default]
    pub help: AttrValue,
}

fn set_secret(secrets: &SecretsHandle, id: u32, value: String) {
    let mut next: Secrets = (**secrets).clone();
    next.0.insert(id, Rc::from(value));
    secrets.set(next);
}

fn read_file_into(secrets: SecretsHandle, id: u32, file: web_sys::File) {
    wasm_bindgen_futures::spawn_local(async move {
        if let Ok(text) = gloo::file::futures::read_as_text(&gloo::file::File::from(file)).await {
            set_secret(&secrets, id, text);
        }
    });
}

#[function_component(SecretInput)]
pub fn secret_input(props: &SecretInputProps) -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let revealed = use_state(|| false);
    let id = props.id;
    let oninput = {
        let secrets = ctx.secrets.clone();
        Callback::from(move |e: InputEvent| {
            let Some(target) = e.target() else { return };
            let value = if let Some(i) = target.dyn_ref::<web_sys::HtmlInputElement>() {
                i.value()
            } else if let Some(t) = target.dyn_ref::<web_sys::HtmlTextAreaElement>() {
                t.value()
            } else {
                return;
            };
            set_secret(&secrets, id, value);
        })
    };
    let onfile = {
        let secrets = ctx.secrets.clone();
        Callback::from(move |e: Event| {
            if let Some(file) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .and_then(|i| i.files())
                .and_then(|f| f.get(0))
            {
                read_file_into(secrets.clone(), id, file);
            }
        })
    };
    let picker = use_node_ref();
    let ondrop = {
        let (secrets, picker) = (ctx.secrets.clone(), picker.clone());
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(file) = e
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0))
            {
                // The picker must not go on naming a file the value no longer holds.
                if let Some(input) = picker.cast::<web_sys::HtmlInputElement>() {
                    input.set_value("");
                }
                read_file_into(secrets.clone(), id, file);
            }
        })
    };
    let ondragover = Callback::from(|e: DragEvent| e.prevent_default());
    let toggle = {
        let revealed = revealed.clone();
        Callback::from(move |_| revealed.set(!*revealed))
    };
    let input_id = format!("secret-{id}");
    let help_id = format!("secret-{id}-help");
    let value = ctx.secrets.get(id).unwrap_or_default().to_string();
    let shown = *revealed;
    // The setting this value belongs to names the buttons: every Reveal on a
    // page has its own accessible name.
    let setting = {
        let rows = &ctx.draft.keystore;
        match rows.iter().position(|r| r.id == id) {
            Some(i) if !rows[i].name.trim().is_empty() => rows[i].name.trim().to_string(),
            Some(i) => format!("row {}", i + 1),
            None => format!("setting {id}"),
        }
    };
    html! {
        <div class="field secret-input">
            <label class="field-label" for={input_id.clone()}>{ props.label.clone() }</label>
            <div class="secret-control">
                if props.as_file {
                    <textarea id={input_id} class={if shown { "secret-file" } else { "secret-file masked" }}
                        rows="4" spellcheck="false" autocomplete="off" value={value} {oninput} {ondrop} {ondragover}
                        aria-describedby={help_id.clone()}
                        placeholder="Paste the JSON, drop the file here, or pick it" />
                } else {
                    <input id={input_id} type={if shown { "text" } else { "password" }} autocomplete="off"
                        spellcheck="false" value={value} {oninput} aria-describedby={help_id.clone()} />
                }
                <button type="button" class="button small secondary" aria-pressed={shown.to_string()} onclick={toggle}
                    aria-label={format!("{} the value of {setting}", if shown { "Hide" } else { "Reveal" })}>
                    { if shown { "Hide" } else { "Reveal" } }
                </button>
            </div>
            if props.as_file {
                <input type="file" ref={picker} accept=".json,application/json,text/plain" aria-label={format!("Pick the file for {setting}")} onchange={onfile} />
            }
            <p class="field-help" id={help_id}>{ if props.help.is_empty() { "Kept in memory only; cleared on reload.".into() } else { props.help.clone() } }</p>
        </div>
    }
}
