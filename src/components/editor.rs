//! A plain-text editor with findings shown inline: gutter marks at their
//! lines and highlighted spans under the text.
//!
//! The textarea is uncontrolled (the DOM owns its value), so typing never
//! round-trips a large document through the virtual DOM. The highlight layer
//! is a `<pre>` behind the transparent textarea with identical metrics; it is
//! drawn only for the text the findings were computed on.

use ecekit_core::{Finding, Severity};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Must match `--editor-line` in style.css: gutter marks are placed by line.
pub const LINE_HEIGHT_PX: usize = 20;

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub textarea: NodeRef,
    pub label: AttrValue,
    #[prop_or_default]
    pub placeholder: AttrValue,
    /// The initial text; later changes come from the user.
    #[prop_or_default]
    pub initial: AttrValue,
    /// The text the findings belong to; None while they are being recomputed.
    pub analysed: Option<Rc<str>>,
    pub findings: Rc<Vec<Finding>>,
    pub on_input: Callback<String>,
    #[prop_or_default]
    pub on_drop_text: Option<Callback<String>>,
}

/// A run of the text and the severity it is highlighted with, if any.
#[derive(Debug, PartialEq, Eq)]
pub struct Segment {
    pub start: usize,
    pub end: usize,
    pub severity: Option<Severity>,
}

/// Splits `text` into plain and highlighted runs. Overlapping ranges keep the
/// earlier one; an empty range (e.g. a missing comma) marks the character
/// before it, so the spot is visible.
pub fn segments(text: &str, findings: &[Finding]) -> Vec<Segment> {
    let mut ranges: Vec<(usize, usize, Severity)> = findings
        .iter()
        .filter_map(|f| {
            let (mut start, mut end) = (
                f.location.start.min(text.len()),
                f.location.end.min(text.len()),
            );
            if start == end {
                if start == 0 {
                    end = next_boundary(text, 0);
                } else {
                    start = prev_boundary(text, start);
                }
            }
            (start < end && text.is_char_boundary(start) && text.is_char_boundary(end))
                .then_some((start, end, f.severity))
        })
        .collect();
    ecekit_core::sort::sort_by(&mut ranges, |a, b| (a.0, a.2).cmp(&(b.0, b.2)));
    let mut out = Vec::new();
    let mut at = 0;
    for (start, end, severity) in ranges {
        if start < at {
            continue;
        }
        if start > at {
            out.push(Segment {
                start: at,
                end: start,
                severity: None,
            });
        }
        out.push(Segment {
            start,
            end,
            severity: Some(severity),
        });
        at = end;
    }
    if at < text.len() {
        out.push(Segment {
            start: at,
            end: text.len(),
            severity: None,
        });
    }
    out
}

fn prev_boundary(text: &str, mut i: usize) -> usize {
    i -= 1;
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn next_boundary(text: &str, mut i: usize) -> usize {
    if i >= text.len() {
        return text.len();
    }
    i += 1;
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Puts the cursor on byte range `start..end` of the textarea's text and
/// scrolls it into view (textarea offsets are UTF-16 units).
pub fn select_range(textarea: &NodeRef, start: usize, end: usize, line: usize) {
    let Some(area) = textarea.cast::<web_sys::HtmlTextAreaElement>() else {
        return;
    };
    let text = area.value();
    let to_utf16 = |byte: usize| -> u32 {
        let byte = byte.min(text.len());
        let byte = (0..=byte)
            .rev()
            .find(|&b| text.is_char_boundary(b))
            .unwrap_or(0);
        text[..byte].encode_utf16().count() as u32
    };
    let _ = area.focus();
    let _ = area.set_selection_range(to_utf16(start), to_utf16(end.max(start)));
    let target = (line.saturating_sub(1) * LINE_HEIGHT_PX) as i32 - area.client_height() / 2;
    area.set_scroll_top(target.max(0));
}

#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let highlights = use_node_ref();
    let gutter = use_node_ref();
    let id = use_memo((), |_| crate::browser::unique_id("editor"));

    let on_input = {
        let cb = props.on_input.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(area) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
            {
                cb.emit(area.value());
            }
        })
    };
    let on_scroll = {
        let (highlights, gutter) = (highlights.clone(), gutter.clone());
        Callback::from(move |e: Event| {
            let Some(area) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            else {
                return;
            };
            if let Some(h) = highlights.cast::<web_sys::Element>() {
                h.set_scroll_top(area.scroll_top());
                h.set_scroll_left(area.scroll_left());
            }
            if let Some(g) = gutter.cast::<web_sys::Element>() {
                g.set_scroll_top(area.scroll_top());
            }
        })
    };
    let on_dragover = Callback::from(|e: DragEvent| e.prevent_default());
    let on_drop = props.on_drop_text.clone().map(|cb| {
        Callback::from(move |e: DragEvent| {
            let Some(file) = e
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0))
            else {
                return;
            };
            e.prevent_default();
            let cb = cb.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let file = gloo::file::File::from(file);
                if let Ok(text) = gloo::file::futures::read_as_text(&file).await {
                    cb.emit(text);
                }
            });
        })
    });

    // The overlay only has to reach the last mark: laying out the rest of a
    // large document again after every validation is what would make the
    // page stutter (a clean 1 MB document needs no overlay at all).
    let layer = props
        .analysed
        .as_ref()
        .filter(|_| !props.findings.is_empty())
        .map(|text| {
            let last = props
                .findings
                .iter()
                .map(|f| f.location.end + 1)
                .max()
                .unwrap_or(0)
                .min(text.len());
            let cut = (last..=text.len())
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(text.len());
            let text = &text[..cut];
            let parts = segments(text, &props.findings);
            html! {
                { for parts.iter().map(|s| {
                    let slice = &text[s.start..s.end];
                    match s.severity {
                        None => html! { { slice } },
                        Some(sev) => html! { <mark class={sev.as_str()}>{ slice }</mark> },
                    }
                }) }
            }
        });
    let mut lines: Vec<(usize, Severity)> = props
        .findings
        .iter()
        .map(|f| (f.location.line, f.severity))
        .collect();
    ecekit_core::sort::sort_by(&mut lines, Ord::cmp);
    lines.dedup_by_key(|l| l.0);

    html! {
        <div class="editor">
            <label class="field-label" for={id.to_string()}>{ props.label.clone() }</label>
            <div class="editor-frame">
                <div class="gutter" ref={gutter} aria-hidden="true">
                    <div class="gutter-track">
                        { for lines.iter().map(|(line, sev)| html! {
                            <span class={format!("gutter-mark {}", sev.as_str())} data-line={line.to_string()}
                                  style={format!("top:{}px", (line - 1) * LINE_HEIGHT_PX)}
                                  title={format!("line {line}")}></span>
                        }) }
                    </div>
                </div>
                <div class="editor-body">
                    <pre class="highlights" ref={highlights} aria-hidden="true">{ for layer }{ "\n" }</pre>
                    <textarea id={id.to_string()} ref={props.textarea.clone()} class="code-input"
                        spellcheck="false" autocomplete="off" autocapitalize="off" wrap="off"
                        placeholder={props.placeholder.clone()}
                        defaultvalue={props.initial.clone()}
                        oninput={on_input} onscroll={on_scroll}
                        ondragover={on_dragover} ondrop={on_drop} />
                </div>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ecekit_core::Location;

    fn at(start: usize, end: usize, severity: Severity) -> Finding {
        Finding::new(
            severity,
            "X",
            "m",
            "h",
            Location {
                start,
                end,
                line: 1,
                column: 1,
                pointer: String::new(),
            },
        )
    }

    #[test]
    fn segments_cover_the_text_in_order() {
        let text = "{\"a\": 1 \"b\": 2}";
        let s = segments(
            text,
            &[at(1, 4, Severity::Warning), at(8, 8, Severity::Error)],
        );
        let covered: String = s.iter().map(|s| &text[s.start..s.end]).collect();
        assert_eq!(covered, text);
        assert_eq!(
            s[1],
            Segment {
                start: 1,
                end: 4,
                severity: Some(Severity::Warning)
            }
        );
        // The empty range at 8 marks the character before it.
        assert!(s.contains(&Segment {
            start: 7,
            end: 8,
            severity: Some(Severity::Error)
        }));
    }

    #[test]
    fn overlaps_and_out_of_range_findings_do_not_break_segments() {
        let text = "héllo";
        let s = segments(
            text,
            &[
                at(0, 3, Severity::Error),
                at(1, 2, Severity::Warning),
                at(90, 99, Severity::Error),
            ],
        );
        let covered: String = s.iter().map(|s| &text[s.start..s.end]).collect();
        assert_eq!(covered, text);
    }
}
