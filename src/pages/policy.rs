use crate::route::Area;
use yew::prelude::*;

#[function_component(PolicyPage)]
pub fn page() -> Html {
    html! {
        <section class="card" data-area={Area::Policy.slug()}>
            <p class="muted">{ Area::Policy.summary() }</p>
        </section>
    }
}
