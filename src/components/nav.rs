//! The navigation between areas: a sidebar on a desktop, a scrolling tab
//! strip in a narrow side panel (CSS decides which).

use crate::route::Area;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct NavProps {
    pub current: Area,
}

#[function_component(Nav)]
pub fn nav(props: &NavProps) -> Html {
    html! {
        <nav class="nav" aria-label="Areas">
            <ul>
                { for Area::ALL.iter().map(|&area| {
                    let current = area == props.current;
                    html! {
                        <li>
                            <a href={area.href()}
                               class={classes!("nav-link", current.then_some("active"))}
                               aria-current={current.then_some("page")}
                               data-area={area.slug()}>
                                { area.title() }
                            </a>
                        </li>
                    }
                }) }
            </ul>
        </nav>
    }
}
