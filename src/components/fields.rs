//! Form fields bound to the draft: a text field per `Field`, and the
//! platform and storage pickers every area shares.

use crate::app::AppContext;
use crate::components::rich::with_code;
use crate::state::{Action, Field, Storage};
use ecekit_core::Platform;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TextFieldProps {
    pub field: Field,
    pub label: AttrValue,
    #[prop_or_default]
    pub help: AttrValue,
    #[prop_or_default]
    pub placeholder: AttrValue,
    /// A problem with the value, shown under the field and announced.
    #[prop_or_default]
    pub error: Option<String>,
}

fn input_value(e: &InputEvent) -> Option<String> {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .map(|i| i.value())
}

#[function_component(TextField)]
pub fn text_field(props: &TextFieldProps) -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let id = format!("field-{:?}", props.field).to_ascii_lowercase();
    let help_id = format!("{id}-help");
    let error_id = format!("{id}-error");
    let field = props.field;
    let oninput = {
        let ctx = ctx.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(value) = input_value(&e) {
                ctx.dispatch(Action::Set(field, value));
            }
        })
    };
    let described = [
        (!props.help.is_empty()).then(|| help_id.clone()),
        props.error.as_ref().map(|_| error_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    html! {
        <div class="field">
            <label class="field-label" for={id.clone()}>{ props.label.clone() }</label>
            <input id={id} type="text" spellcheck="false" autocomplete="off"
                value={ctx.draft.field(field).to_string()}
                placeholder={props.placeholder.clone()}
                aria-invalid={if props.error.is_some() { "true" } else { "false" }}
                aria-describedby={(!described.is_empty()).then_some(described)}
                {oninput} />
            if !props.help.is_empty() {
                <p class="field-help" id={help_id}>{ with_code(&props.help) }</p>
            }
            if let Some(error) = &props.error {
                <p class="field-error" id={error_id}>{ with_code(error) }</p>
            }
        </div>
    }
}

pub fn platform_label(platform: Platform) -> &'static str {
    match platform {
        Platform::Ece => "Elastic Cloud Enterprise",
        Platform::Ess => "Elastic Cloud",
        Platform::SelfManaged => "Self-managed",
    }
}

#[function_component(PlatformPicker)]
pub fn platform_picker() -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    html! {
        <fieldset>
            <legend>{ "Platform" }</legend>
            <div class="choices">
                { for [Platform::Ece, Platform::Ess, Platform::SelfManaged].into_iter().map(|p| {
                    let ctx2 = ctx.clone();
                    html! {
                        <label class="choice">
                            <input type="radio" name="platform" value={format!("{p:?}")}
                                checked={ctx.draft.platform == p}
                                onchange={Callback::from(move |_| ctx2.dispatch(Action::SetPlatform(p)))} />
                            { platform_label(p) }
                        </label>
                    }
                }) }
            </div>
        </fieldset>
    }
}

#[function_component(StoragePicker)]
pub fn storage_picker() -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    html! {
        <fieldset>
            <legend>{ "Storage" }</legend>
            <div class="choices">
                { for Storage::ALL.into_iter().map(|s| {
                    let ctx2 = ctx.clone();
                    html! {
                        <label class="choice">
                            <input type="radio" name="storage" value={s.repository_type()}
                                checked={ctx.draft.storage == s}
                                onchange={Callback::from(move |_| ctx2.dispatch(Action::SetStorage(s)))} />
                            { s.label() }
                        </label>
                    }
                }) }
            </div>
        </fieldset>
    }
}
