//! Text as the engine and the catalog write it: `backticked` spans are
//! code. Split here, shown as `<code>` by `components::rich`.

/// A piece of a text: plain, or a backticked code span (without its backticks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span<'a> {
    Text(&'a str),
    Code(&'a str),
}

/// `text` split into plain and code spans. A backtick without a closing one
/// stays in the text as it is; an empty pair (two backticks) too.
pub fn code_spans(text: &str) -> Vec<Span<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut plain_start = 0;
    let mut offset = 0;
    while let Some(open) = rest.find('`') {
        let after = &rest[open + 1..];
        let Some(len) = after.find('`') else { break };
        if len == 0 {
            // "``": literal; go on after it.
            offset += open + 2;
            rest = &after[1..];
            continue;
        }
        let start = offset + open;
        if start > plain_start {
            out.push(Span::Text(&text[plain_start..start]));
        }
        out.push(Span::Code(&after[..len]));
        offset = start + len + 2;
        plain_start = offset;
        rest = &text[offset..];
    }
    if plain_start < text.len() {
        out.push(Span::Text(&text[plain_start..]));
    }
    out
}

/// `text` as it reads without the backticks of its code spans: for an
/// `aria-label`, which cannot hold `<code>`.
pub fn without_backticks(text: &str) -> String {
    code_spans(text)
        .into_iter()
        .map(|span| match span {
            Span::Text(t) | Span::Code(t) => t,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Span::{Code, Text};

    #[test]
    fn backticked_spans_are_code() {
        assert_eq!(
            code_spans("a byte size such as `5mb`"),
            [Text("a byte size such as "), Code("5mb")]
        );
        assert_eq!(
            code_spans("`POST _nodes/reload_secure_settings` reloads; `a` and `b`."),
            [
                Code("POST _nodes/reload_secure_settings"),
                Text(" reloads; "),
                Code("a"),
                Text(" and "),
                Code("b"),
                Text(".")
            ]
        );
    }

    #[test]
    fn unpaired_or_empty_backticks_stay_text() {
        assert_eq!(code_spans(""), []);
        assert_eq!(code_spans("plain"), [Text("plain")]);
        assert_eq!(code_spans("it's `open"), [Text("it's `open")]);
        assert_eq!(code_spans("`a` then `b"), [Code("a"), Text(" then `b")]);
        assert_eq!(code_spans("x `` y `z`"), [Text("x `` y "), Code("z")]);
        assert_eq!(code_spans("`<b>é</b>`"), [Code("<b>é</b>")]);
    }

    #[test]
    fn without_backticks_keeps_the_words_and_unpaired_backticks() {
        assert_eq!(
            without_backticks("the client `CLIENT_NAME` of `s3.client.x`."),
            "the client CLIENT_NAME of s3.client.x."
        );
        assert_eq!(without_backticks("it's `open"), "it's `open");
        assert_eq!(without_backticks(""), "");
    }
}
