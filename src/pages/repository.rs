use crate::route::Area;
use yew::prelude::*;

#[function_component(RepositoryPage)]
pub fn page() -> Html {
    html! {
        <section class="card" data-area={Area::Repository.slug()}>
            <p class="muted">{ Area::Repository.summary() }</p>
        </section>
    }
}
