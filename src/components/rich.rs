//! Text with its `backticked` spans shown as code: nodes built from
//! `text::code_spans`, never HTML parsed from the text.

use crate::text::{code_spans, Span};
use yew::prelude::*;

pub fn with_code(text: &str) -> Html {
    html! {
        { for code_spans(text).into_iter().map(|span| match span {
            Span::Text(t) => html! { { t.to_string() } },
            Span::Code(c) => html! { <code>{ c.to_string() }</code> },
        }) }
    }
}
