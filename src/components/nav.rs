//! The navigation between areas: a sidebar on a desktop, a scrolling tab
//! strip in a narrow side panel (CSS decides which).

use crate::route::Area;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct NavProps {
    pub current: Area,
}

/// Scrolls the strip (only the strip, never the page) so the active link is
/// in view with a little of its neighbours: in a narrow panel the later areas
/// start out of view. A no-op when nothing overflows (the sidebar).
fn reveal_active(nav: &web_sys::HtmlElement) {
    let Some(link) = nav
        .query_selector(".nav-link.active")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return;
    };
    // offsetLeft is relative to the nav (positioned in style.css) and does not
    // move with its scroll.
    const MARGIN: i32 = 24;
    let (left, right) = (link.offset_left(), link.offset_left() + link.offset_width());
    let (scroll, view) = (nav.scroll_left(), nav.client_width());
    if left - MARGIN < scroll {
        nav.set_scroll_left((left - MARGIN).max(0));
    } else if right + MARGIN > scroll + view {
        nav.set_scroll_left(right + MARGIN - view);
    }
}

#[function_component(Nav)]
pub fn nav(props: &NavProps) -> Html {
    let nav_ref = use_node_ref();
    {
        let nav_ref = nav_ref.clone();
        use_effect_with(props.current, move |_| {
            if let Some(nav) = nav_ref.cast::<web_sys::HtmlElement>() {
                reveal_active(&nav);
            }
        });
    }
    html! {
        <nav class="nav" aria-label="Areas" ref={nav_ref}>
            <ul>
                { for Area::ALL.iter().map(|&area| {
                    let current = area == props.current;
                    html! {
                        <li>
                            <a href={area.href()}
                               class={if current { "nav-link active" } else { "nav-link" }}
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
