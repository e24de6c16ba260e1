//! The app shell: header, navigation between the areas, and the current page.

use crate::components::nav::Nav;
use crate::pages;
use crate::route::Area;
use gloo::events::EventListener;
use yew::prelude::*;

fn current_area() -> Area {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    Area::from_hash(&hash)
}

#[function_component(App)]
pub fn app() -> Html {
    let area = use_state(current_area);
    {
        let area = area.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|window| {
                EventListener::new(&window, "hashchange", move |_| area.set(current_area()))
            });
            move || drop(listener)
        });
    }
    let page = match *area {
        Area::Guided => html! { <pages::guided::GuidedPage /> },
        Area::Keystore => html! { <pages::keystore::KeystorePage /> },
        Area::Policy => html! { <pages::policy::PolicyPage /> },
        Area::Repository => html! { <pages::repository::RepositoryPage /> },
        Area::Validate => html! { <pages::validate::ValidatePage /> },
        Area::Connection => html! { <pages::connection::ConnectionPage /> },
    };
    html! {
        <div class="shell">
            <a class="skip-link" href="#main">{ "Skip to content" }</a>
            <header class="topbar">
                <a class="brand" href={Area::Guided.href()} aria-label="ecekit home">
                    <span class="brand-mark" aria-hidden="true">{ "e" }</span>
                    <span class="brand-name">{ "ecekit" }</span>
                </a>
                <span class="tagline">{ "Keystore, IAM policy and snapshot repository, right the first time." }</span>
            </header>
            <Nav current={*area} />
            <main id="main" class="content" tabindex="-1">
                <header class="page-header">
                    <h1>{ area.title() }</h1>
                    <p class="summary">{ area.summary() }</p>
                </header>
                { page }
            </main>
        </div>
    }
}
