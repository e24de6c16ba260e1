use crate::route::Area;
use yew::prelude::*;

#[function_component(ConnectionPage)]
pub fn page() -> Html {
    html! {
        <section class="card" data-area={Area::Connection.slug()}>
            <p class="muted">{ Area::Connection.summary() }</p>
        </section>
    }
}
