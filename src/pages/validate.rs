use crate::route::Area;
use yew::prelude::*;

#[function_component(ValidatePage)]
pub fn page() -> Html {
    html! {
        <section class="card" data-area={Area::Validate.slug()}>
            <p class="muted">{ Area::Validate.summary() }</p>
        </section>
    }
}
