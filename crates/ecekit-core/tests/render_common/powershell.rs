//! A reader of PowerShell's quoting rules, enough to read the commands
//! ecekit writes back into their statements and arguments (PowerShell is not
//! installable here). From about_Quoting_Rules and PowerShell's tokenizer
//! (`CharExtensions.IsSingleQuote` / `IsDoubleQuote`, `ScanStringLiteral`,
//! `ScanStringExpandable`, `ScanHereStringLiteral`):
//!
//! - four single-quote characters (`'` and U+2018..U+201B) open and close a
//!   verbatim string; two in a row stand for the second one;
//! - three double-quote characters (`"`, U+201C..U+201E) open and close an
//!   expandable string, where two in a row stand for the second, a backtick
//!   escapes the next character and `$name`, `${...}` and `$(...)` expand;
//! - a verbatim here-string opens with `@` and a single-quote character at
//!   the end of a line and ends at a line that starts with any single-quote
//!   character followed by `@`; the line break before it is not part of the
//!   value. `\r\n`, `\r` and `\n` all end a line.

/// One piece of an argument.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    Text(String),
    /// `$name` or `${name}` (e.g. `env:ECE_API_KEY`).
    Var(String),
    /// `$( ... )`: code run inside a string.
    SubExpression(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    Comment(String),
    HereString(String),
    /// A command argument: barewords and quoted strings, adjacent.
    Word(Vec<Piece>),
    Pipe,
    /// `;`, `&`, `(`, `)`, `{`, `}`, `,`: anything that starts other code.
    Operator(char),
    Newline,
}

pub fn is_single_quote(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}')
}

pub fn is_double_quote(c: char) -> bool {
    matches!(c, '"' | '\u{201c}' | '\u{201d}' | '\u{201e}')
}

/// PowerShell's whitespace (`CharExtensions.IsWhitespace`); newlines are not.
fn is_space(c: char) -> bool {
    match c as u32 {
        0x09 | 0x0b | 0x0c | 0x20 | 0xa0 | 0x85 => true,
        n if n > 256 => c.is_whitespace() && !matches!(c, '\u{2028}' | '\u{2029}'),
        _ => false,
    }
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '?'
}

struct Reader {
    chars: Vec<char>,
    at: usize,
}

impl Reader {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.at + ahead).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek(0)?;
        self.at += 1;
        Some(c)
    }

    /// `c` just read, in a string closed by `is_quote`: `None` when `c`
    /// is no quote, `Some(None)` when it closes the string, `Some(Some(d))`
    /// when the next character `d` is a quote too (the pair stands for `d`).
    fn quote(&mut self, c: char, is_quote: fn(char) -> bool) -> Option<Option<char>> {
        if !is_quote(c) {
            return None;
        }
        let d = self.peek(0).filter(|d| is_quote(*d));
        self.at += usize::from(d.is_some());
        Some(d)
    }

    /// After an opening single quote.
    fn single_quoted(&mut self) -> Result<String, String> {
        let mut out = String::new();
        loop {
            let c = self.next().ok_or("a single-quoted string is not closed")?;
            match self.quote(c, is_single_quote) {
                Some(None) => return Ok(out),
                Some(Some(d)) => out.push(d),
                None => out.push(c),
            }
        }
    }

    /// `$` just read: a variable or sub-expression, or `None` for a literal `$`.
    fn dollar(&mut self) -> Result<Option<Piece>, String> {
        match self.peek(0) {
            Some('(') => {
                self.at += 1;
                let mut depth = 1;
                let mut code = String::new();
                while depth > 0 {
                    let c = self.next().ok_or("a $( is not closed")?;
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    if depth > 0 {
                        code.push(c);
                    }
                }
                Ok(Some(Piece::SubExpression(code)))
            }
            Some('{') => {
                self.at += 1;
                let mut name = String::new();
                loop {
                    match self.next().ok_or("a ${ is not closed")? {
                        '}' => return Ok(Some(Piece::Var(name))),
                        '`' => name.push(self.next().ok_or("a ${ is not closed")?),
                        c => name.push(c),
                    }
                }
            }
            Some(c) if is_name_char(c) || c == ':' => {
                let mut name = String::new();
                while let Some(c) = self.peek(0) {
                    let drive = c == ':' && self.peek(1).is_some_and(is_name_char);
                    if !(is_name_char(c) || drive) {
                        break;
                    }
                    name.push(c);
                    self.at += 1;
                }
                Ok(Some(Piece::Var(name)))
            }
            _ => Ok(None),
        }
    }

    /// After an opening double quote.
    fn double_quoted(&mut self) -> Result<Vec<Piece>, String> {
        let mut pieces = Vec::new();
        let mut text = String::new();
        loop {
            let c = self.next().ok_or("a double-quoted string is not closed")?;
            match self.quote(c, is_double_quote) {
                Some(None) => break,
                Some(Some(d)) => {
                    text.push(d);
                    continue;
                }
                None => {}
            }
            match c {
                '$' => match self.dollar()? {
                    Some(piece) => {
                        if !text.is_empty() {
                            pieces.push(Piece::Text(std::mem::take(&mut text)));
                        }
                        pieces.push(piece);
                    }
                    None => text.push('$'),
                },
                '`' => {
                    let e = self.next().ok_or("a backtick ends the script")?;
                    text.push(backtick(e));
                }
                c => text.push(c),
            }
        }
        if !text.is_empty() {
            pieces.push(Piece::Text(text));
        }
        Ok(pieces)
    }

    /// After `@` and a single quote.
    fn here_string(&mut self) -> Result<String, String> {
        while self.peek(0).is_some_and(is_space) {
            self.at += 1;
        }
        match self.next() {
            Some('\n') => {}
            Some('\r') => {
                if self.peek(0) == Some('\n') {
                    self.at += 1;
                }
            }
            _ => return Err("a here-string header must end its line".into()),
        }
        let mut value = String::new();
        let mut last_break: Option<usize> = None;
        loop {
            // At the start of a line: the footer?
            if self.peek(0).is_some_and(is_single_quote) && self.peek(1) == Some('@') {
                self.at += 2;
                value.truncate(last_break.unwrap_or(0));
                return Ok(value);
            }
            loop {
                let c = self.next().ok_or("a here-string is not closed")?;
                if c == '\r' || c == '\n' {
                    last_break = Some(value.len());
                    value.push(c);
                    if c == '\r' && self.peek(0) == Some('\n') {
                        self.at += 1;
                        value.push('\n');
                    }
                    break;
                }
                value.push(c);
            }
        }
    }

    /// A command argument: barewords and quoted strings until a space.
    fn word(&mut self) -> Result<Vec<Piece>, String> {
        let mut pieces = Vec::new();
        let mut text = String::new();
        let flush = |text: &mut String, pieces: &mut Vec<Piece>| {
            if !text.is_empty() {
                pieces.push(Piece::Text(std::mem::take(text)));
            }
        };
        while let Some(c) = self.peek(0) {
            if is_space(c)
                || matches!(
                    c,
                    '\r' | '\n' | '|' | ';' | '&' | '(' | ')' | '{' | '}' | ','
                )
            {
                break;
            }
            self.at += 1;
            if is_single_quote(c) {
                text.push_str(&self.single_quoted()?);
            } else if is_double_quote(c) {
                flush(&mut text, &mut pieces);
                pieces.extend(self.double_quoted()?);
            } else if c == '`' {
                match self.peek(0) {
                    Some('\r' | '\n') | None => break,
                    Some(e) => {
                        self.at += 1;
                        text.push(e);
                    }
                }
            } else if c == '$' {
                match self.dollar()? {
                    Some(piece) => {
                        flush(&mut text, &mut pieces);
                        pieces.push(piece);
                    }
                    None => text.push('$'),
                }
            } else {
                text.push(c);
            }
        }
        flush(&mut text, &mut pieces);
        Ok(pieces)
    }
}

fn backtick(e: char) -> char {
    match e {
        '0' => '\0',
        'a' => '\u{7}',
        'b' => '\u{8}',
        'e' => '\u{1b}',
        'f' => '\u{c}',
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        'v' => '\u{b}',
        c => c,
    }
}

/// The tokens of a script in command mode.
pub fn tokenize(script: &str) -> Result<Vec<Token>, String> {
    let mut r = Reader {
        chars: script.chars().collect(),
        at: 0,
    };
    let mut tokens = Vec::new();
    while let Some(c) = r.peek(0) {
        match c {
            c if is_space(c) => r.at += 1,
            '\r' | '\n' => {
                r.at += 1;
                if c == '\r' && r.peek(0) == Some('\n') {
                    r.at += 1;
                }
                tokens.push(Token::Newline);
            }
            '#' => {
                let mut text = String::new();
                r.at += 1;
                while let Some(c) = r.peek(0).filter(|c| !matches!(c, '\r' | '\n')) {
                    text.push(c);
                    r.at += 1;
                }
                tokens.push(Token::Comment(text));
            }
            '`' if matches!(r.peek(1), Some('\r' | '\n')) => {
                // A line continuation.
                r.at += 2;
                if r.chars[r.at - 1] == '\r' && r.peek(0) == Some('\n') {
                    r.at += 1;
                }
            }
            '@' if r.peek(1).is_some_and(is_single_quote) => {
                r.at += 2;
                tokens.push(Token::HereString(r.here_string()?));
            }
            '@' if r.peek(1).is_some_and(is_double_quote) => {
                return Err("an expandable here-string".into());
            }
            '|' => {
                r.at += 1;
                tokens.push(Token::Pipe);
            }
            ';' | '&' | '(' | ')' | '{' | '}' | ',' => {
                r.at += 1;
                tokens.push(Token::Operator(c));
            }
            _ => tokens.push(Token::Word(r.word()?)),
        }
    }
    Ok(tokens)
}

/// The statements of a script: tokens split at line ends, comments dropped,
/// empty statements left out.
pub fn statements(script: &str) -> Result<Vec<Vec<Token>>, String> {
    let mut out = Vec::new();
    let mut current = Vec::new();
    for token in tokenize(script)? {
        match token {
            Token::Newline => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
            Token::Comment(_) => {}
            t => current.push(t),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    Ok(out)
}

/// The value of an argument, `$env:NAME` read from `env` (unset: empty);
/// an error for any other variable or a sub-expression (code that runs).
pub fn value(word: &[Piece], env: &dyn Fn(&str) -> String) -> Result<String, String> {
    let mut out = String::new();
    for piece in word {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Var(name) => match name.strip_prefix("env:") {
                Some(n) => out.push_str(&env(n)),
                None => return Err(format!("expands ${name}")),
            },
            Piece::SubExpression(code) => return Err(format!("runs $({code})")),
        }
    }
    Ok(out)
}

#[test]
fn the_reader_follows_powershell_quoting() {
    let text = |t: &str| Token::Word(vec![Piece::Text(t.into())]);
    let tokens = |s: &str| tokenize(s).unwrap();
    assert_eq!(tokens("'a''b'"), vec![text("a'b")]);
    // Any two single-quote characters in a row stand for the second one.
    assert_eq!(tokens("'a\u{2019}\u{2018}b'"), vec![text("a\u{2018}b")]);
    // A typographic quote closes a string opened with `'`.
    assert_eq!(
        tokens("'C:\\a\u{2019}; Start-Process calc; \u{2019}x'"),
        vec![
            text("C:\\a"),
            Token::Operator(';'),
            text("Start-Process"),
            text("calc"),
            Token::Operator(';'),
            text("x"),
        ]
    );
    assert_eq!(
        tokens("\"a\u{201d}\u{201c}b `$x $env:K ${env:K}\""),
        vec![Token::Word(vec![
            Piece::Text("a\u{201c}b $x ".into()),
            Piece::Var("env:K".into()),
            Piece::Text(" ".into()),
            Piece::Var("env:K".into()),
        ])]
    );
    // A here-string ends at a line starting with any single quote and `@`;
    // the line break before it is not part of the value.
    assert_eq!(
        tokens("@'\na\r\nb'@\r\u{2019}@ | y"),
        vec![Token::HereString("a\r\nb'@".into()), Token::Pipe, text("y")]
    );
    assert_eq!(
        tokens("@'  \r\n\u{201b}@"),
        vec![Token::HereString(String::new())]
    );
    assert_eq!(tokens("@'\n'@"), vec![Token::HereString(String::new())]);
    assert_eq!(
        tokens("a `\n  b # c\nd"),
        vec![
            text("a"),
            text("b"),
            Token::Comment(" c".into()),
            Token::Newline,
            text("d")
        ]
    );
    assert!(tokenize("'open").is_err());
}
