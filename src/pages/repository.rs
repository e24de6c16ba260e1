//! Repository: the body for the chosen type, its form generated from the
//! settings catalog (type, default, allowed values, one-line help); unknown
//! keys can be added and are flagged.

use crate::app::AppContext;
use crate::components::fields::{PlatformPicker, StoragePicker, TextField};
use crate::components::generated::render_generated;
use crate::outputs;
use crate::state::{Action, Field};
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

#[function_component(RepositoryPage)]
pub fn repository_page() -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let draft = ctx.draft.clone();
    let specs = outputs::repository_setting_specs(&draft);
    let generated = outputs::repository(&draft);
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
    let known: Vec<&str> = specs.iter().map(|s| s.name.as_str()).collect();
    let extra: Vec<(usize, (String, String))> = draft
        .repository_settings
        .iter()
        .cloned()
        .enumerate()
        .filter(|(_, (k, _))| !known.contains(&k.as_str()))
        .collect();

    html! {
        <>
            <PlatformPicker />
            <StoragePicker />
            <div class="grid-form">
                <TextField field={Field::Repository} label="Repository name" placeholder="my-snapshots"
                    help="The name in PUT _snapshot/<name>. No spaces, commas, # or \\ / * ? \" < > |." />
                <TextField field={Field::Bucket} label="Bucket" placeholder="snaps.example.com" />
                <TextField field={Field::Client} label="Client" placeholder="default"
                    help="Names the keystore settings: <type>.client.<client>.…" />
            </div>
            <details class="card" open=true>
                <summary><strong>{ "Settings" }</strong>{ " — leave a field empty to keep Elasticsearch's default" }</summary>
                <div class="grid-form settings-form">
                    { for specs.iter().map(|spec| {
                        let id = format!("repo-setting-{}", spec.name.replace('.', "-"));
                        let value = value_of(&spec.name);
                        let control = if spec.allowed.is_empty() {
                            html! { <input id={id.clone()} type="text" value={value} placeholder={spec.default.clone()}
                                onchange={set(spec.name.clone())} spellcheck="false" autocomplete="off" /> }
                        } else {
                            html! {
                                <select id={id.clone()} onchange={set(spec.name.clone())}>
                                    <option value="" selected={value.is_empty()}>{ format!("default ({})", spec.default) }</option>
                                    { for spec.allowed.iter().map(|a| html! { <option value={a.clone()} selected={*a == value}>{ a }</option> }) }
                                </select>
                            }
                        };
                        html! {
                            <div class="field">
                                <label class="field-label" for={id}>{ &spec.name }<span class="muted">{ format!(" · {}", spec.kind) }</span></label>
                                { control }
                                <p class="field-help">{ &spec.help }</p>
                            </div>
                        }
                    }) }
                </div>
                <h3 class="section-title">{ "Other settings" }</h3>
                { for extra.iter().map(|(i, (key, value))| {
                    let (i, ctx2, ctx3, ctx4) = (*i, ctx.clone(), ctx.clone(), ctx.clone());
                    let value_for_key = value.clone();
                    let key_for_value = key.clone();
                    html! {
                        <div class="row">
                            <input type="text" aria-label="Setting name" value={key.clone()} placeholder="setting_name"
                                onchange={Callback::from(move |e: Event| if let Some(k) = target_value(&e) { ctx2.dispatch(Action::SetRepositorySetting(i, k, value_for_key.clone())) })} />
                            <input type="text" aria-label="Setting value" value={value.clone()} placeholder="value"
                                onchange={Callback::from(move |e: Event| if let Some(v) = target_value(&e) { ctx3.dispatch(Action::SetRepositorySetting(i, key_for_value.clone(), v)) })} />
                            <button type="button" class="button small danger" onclick={Callback::from(move |_| ctx4.dispatch(Action::RemoveRepositorySetting(i)))}>{ "Delete" }</button>
                        </div>
                    }
                }) }
                <button type="button" class="button small secondary"
                    onclick={{ let ctx = ctx.clone(); Callback::from(move |_| ctx.dispatch(Action::AddRepositorySetting)) }}>
                    { "Add a setting" }
                </button>
            </details>
            { render_generated(&generated) }
        </>
    }
}
