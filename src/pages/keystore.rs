use crate::route::Area;
use yew::prelude::*;

#[function_component(KeystorePage)]
pub fn page() -> Html {
    html! {
        <section class="card" data-area={Area::Keystore.slug()}>
            <p class="muted">{ Area::Keystore.summary() }</p>
        </section>
    }
}
