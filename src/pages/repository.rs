//! Repository: the body for the chosen type, its form generated from the
//! settings catalog (type, default, allowed values, one-line help); unknown
//! keys can be added and are flagged.

use crate::app::AppContext;
use crate::browser;
use crate::components::fields::{PlatformPicker, StoragePicker, TextField};
use crate::components::generated::render_generated;
use crate::components::rich::{setting_name, with_code};
use crate::outputs;
use crate::state::{Action, Field, Storage};
use gloo::timers::callback::Timeout;
use wasm_bindgen::JsCast;
use yew::prelude::*;

fn target_value(e: &Event) -> Option<String> {
    let target = e.target()?;
    if let Some(i) = target.dyn_ref::<web_sys::HtmlInputElement>() {
        return Some(i.value());
    }
    target
        .dyn_ref::<web_sys::HtmlSelectElement>()
        .map(|s| s.value())
}

/// The "Add a setting" button: where focus goes when the last added row is deleted.
const ADD_SETTING_ID: &str = "repo-add-setting";

/// The name input of the added setting at `index` of the draft's settings.
fn extra_name_id(index: usize) -> String {
    format!("repo-extra-name-{index}")
}

/// The "Other settings" row an element belongs to.
fn row_of(target: Option<web_sys::EventTarget>) -> Option<String> {
    target?
        .dyn_into::<web_sys::Element>()
        .ok()?
        .closest("[data-setting-row]")
        .ok()??
        .get_attribute("data-setting-row")
}

#[function_component(RepositoryPage)]
pub fn repository_page() -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    // The "Other settings" row with the focus: it stays there while its key is typed.
    let editing = use_state(|| None::<usize>);
    let draft = ctx.draft.clone();
    let specs = outputs::repository_setting_specs(&draft);
    let generated = outputs::repository(&draft);
    let errors = outputs::input_errors(&draft);
    let repo_type = outputs::repository_type(&draft).to_string();
    let value_of = |key: &str| {
        draft
            .repository_settings
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let set = {
        let ctx = ctx.clone();
        move |key: String| {
            let ctx = ctx.clone();
            Callback::from(move |e: Event| {
                if let Some(value) = target_value(&e) {
                    ctx.dispatch(Action::SetNamedRepositorySetting(
                        key.clone(),
                        value.trim().to_string(),
                    ));
                }
            })
        }
    };
    let on_type = {
        let ctx = ctx.clone();
        Callback::from(move |e: Event| {
            if let Some(ty) = target_value(&e) {
                ctx.dispatch(Action::SetRepositoryType(ty));
            }
        })
    };
    let extra = outputs::other_setting_rows(&draft, &specs, *editing);

    html! {
        <>
            <PlatformPicker />
            <StoragePicker />
            <div class="grid-form">
                <div class="field">
                    <label class="field-label" for="repo-type">{ "Repository type" }</label>
                    <select id="repo-type" aria-describedby="repo-type-help" onchange={on_type}>
                        { for outputs::repository_type_choices().into_iter().map(|(ty, label)| html! {
                            <option value={ty} selected={ty == repo_type}>{ label }</option>
                        }) }
                    </select>
                    <p class="field-help" id="repo-type-help">{ "Follows the storage above; or choose fs (a shared file system), url (read-only) or source (source-only snapshots)." }</p>
                </div>
                <TextField field={Field::Repository} label="Repository name" placeholder="my-snapshots"
                    help="The name in PUT _snapshot/<name>. No spaces, commas, # or \\ / * ? \" < > |."
                    error={errors.get(Field::Repository)} />
                if outputs::bucket_key(&draft).is_some() {
                    <TextField field={Field::Bucket} label={if draft.storage == Storage::Azure { "Container" } else { "Bucket" }}
                        placeholder="snaps.example.com" error={errors.get(Field::Bucket)} />
                }
                if outputs::uses_client(&draft) {
                    <TextField field={Field::Client} label="Client" placeholder="default"
                        help="Names the keystore settings: <type>.client.<client>.…" error={errors.get(Field::Client)} />
                }
            </div>
            <details class="card" open=true>
                <summary><strong>{ "Settings" }</strong>{ format!(" of a {repo_type} repository — leave a field empty to keep Elasticsearch's default") }</summary>
                <div class="grid-form settings-form">
                    { for specs.iter().map(|spec| {
                        let id = format!("repo-setting-{}", spec.name.replace('.', "-"));
                        let help_id = format!("{id}-help");
                        let value = value_of(&spec.name);
                        let control = if spec.allowed.is_empty() {
                            let set = set(spec.name.clone());
                            html! { <input id={id.clone()} type="text" value={value} placeholder={spec.default.clone()}
                                aria-describedby={help_id.clone()}
                                oninput={Callback::from(move |e: InputEvent| set.emit(e.into()))}
                                spellcheck="false" autocomplete="off" /> }
                        } else {
                            html! {
                                <select id={id.clone()} aria-describedby={help_id.clone()} onchange={set(spec.name.clone())}>
                                    <option value="" selected={value.is_empty()}>{ format!("default ({})", spec.default) }</option>
                                    { for spec.allowed.iter().map(|a| html! { <option value={a.clone()} selected={*a == value}>{ a }</option> }) }
                                </select>
                            }
                        };
                        html! {
                            <div class="field">
                                <label class="field-label" for={id}>{ setting_name(&spec.name) }<span class="muted">{ " · " }{ with_code(&spec.kind) }</span></label>
                                { control }
                                <p class="field-help" id={help_id}>{ with_code(&spec.help) }</p>
                            </div>
                        }
                    }) }
                </div>
                <h3 class="section-title">{ "Other settings" }</h3>
                { for extra.iter().map(|&i| {
                    let (key, value) = draft.repository_settings[i].clone();
                    let (ctx2, ctx3, ctx4) = (ctx.clone(), ctx.clone(), ctx.clone());
                    let value_for_key = value.clone();
                    let key_for_value = key.clone();
                    let onfocusin = {
                        let editing = editing.clone();
                        Callback::from(move |_: FocusEvent| editing.set(Some(i)))
                    };
                    let onfocusout = {
                        let editing = editing.clone();
                        Callback::from(move |e: FocusEvent| {
                            // Moving between the row's own inputs keeps it here.
                            if row_of(e.related_target()) != Some(i.to_string()) {
                                editing.set(None);
                            }
                        })
                    };
                    // The Delete button goes away with its row: focus moves to the
                    // next row's name (one index lower once this row is gone), or
                    // to "Add a setting" after the last row.
                    let focus_next = extra
                        .iter()
                        .find(|&&j| j > i)
                        .map_or_else(|| ADD_SETTING_ID.to_string(), |j| extra_name_id(j - 1));
                    let on_delete = Callback::from(move |_| {
                        ctx4.dispatch(Action::RemoveRepositorySetting(i));
                        let next = focus_next.clone();
                        Timeout::new(0, move || browser::focus_by_id(&next)).forget();
                    });
                    let delete_label = if key.trim().is_empty() {
                        format!("Delete the setting in row {}", i + 1)
                    } else {
                        format!("Delete the setting {key}")
                    };
                    html! {
                        <div class="row" key={i} data-setting-row={i.to_string()} {onfocusin} {onfocusout}>
                            <input type="text" id={extra_name_id(i)} aria-label="Setting name" value={key} placeholder="setting_name"
                                spellcheck="false" autocomplete="off"
                                oninput={Callback::from(move |e: InputEvent| if let Some(k) = target_value(&e) { ctx2.dispatch(Action::SetRepositorySetting(i, k, value_for_key.clone())) })} />
                            <input type="text" aria-label="Setting value" value={value} placeholder="value"
                                spellcheck="false" autocomplete="off"
                                oninput={Callback::from(move |e: InputEvent| if let Some(v) = target_value(&e) { ctx3.dispatch(Action::SetRepositorySetting(i, key_for_value.clone(), v)) })} />
                            <button type="button" class="button small danger" aria-label={delete_label} onclick={on_delete}>{ "Delete" }</button>
                        </div>
                    }
                }) }
                <button type="button" class="button small secondary" id={ADD_SETTING_ID}
                    onclick={{ let ctx = ctx.clone(); Callback::from(move |_| ctx.dispatch(Action::AddRepositorySetting)) }}>
                    { "Add a setting" }
                </button>
            </details>
            { render_generated(&generated) }
        </>
    }
}
