//! Text with its `backticked` spans shown as code: nodes built from
//! `text::code_spans`, never HTML parsed from the text; and setting names
//! that may wrap after their dots and underscores.

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

/// A setting name such as `throttled_delete_retry.maximum_number_of_retries`,
/// allowed to wrap after each `.` and `_` (not in the middle of a word).
pub fn setting_name(name: &str) -> Html {
    html! {
        { for name.split_inclusive(['.', '_']).map(|part| html! { <>{ part.to_string() }<wbr /></> }) }
    }
}
