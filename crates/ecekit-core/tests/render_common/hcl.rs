//! A reader of the HCL (Terraform) that ecekit writes: comments, quoted
//! strings with their escapes, and blocks of attributes, so a test can see
//! which blocks a file really declares (Terraform is not installable here).
//! From the HCL native syntax spec: `#` and `//` comments run to the end of
//! the line, `/* */` comments to their end; a quoted string cannot hold a
//! line break and reads `\n \r \t \" \\ \uNNNN \UNNNNNNNN`, `$${` and `%%{`
//! as text, while `${` and `%{` start a template.

#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    Ident(String),
    Str(String),
    Number(String),
    Punct(char),
    Newline,
}

fn string(chars: &[char], at: &mut usize) -> Result<String, String> {
    let mut out = String::new();
    loop {
        let c = *chars.get(*at).ok_or("a string is not closed")?;
        *at += 1;
        match c {
            '"' => return Ok(out),
            '\n' | '\r' => return Err("a line break in a quoted string".into()),
            '\\' => {
                let e = *chars.get(*at).ok_or("a string is not closed")?;
                *at += 1;
                match e {
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    '"' => out.push('"'),
                    '\\' => out.push('\\'),
                    'u' | 'U' => {
                        let n = if e == 'u' { 4 } else { 8 };
                        let hex: String =
                            chars.get(*at..*at + n).ok_or("short \\u")?.iter().collect();
                        *at += n;
                        let code = u32::from_str_radix(&hex, 16).map_err(|_| "bad \\u")?;
                        out.push(char::from_u32(code).ok_or("bad \\u")?);
                    }
                    _ => return Err(format!("unknown escape \\{e}")),
                }
            }
            '$' | '%' if chars.get(*at) == Some(&c) && chars.get(*at + 1) == Some(&'{') => {
                *at += 2;
                out.push(c);
                out.push('{');
            }
            '$' | '%' if chars.get(*at) == Some(&'{') => {
                return Err(format!("a template ({c}{{) in a string"))
            }
            c => out.push(c),
        }
    }
}

/// The tokens of an HCL file, comments left out.
pub fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut at = 0;
    let mut out = Vec::new();
    while let Some(&c) = chars.get(at) {
        match c {
            ' ' | '\t' => at += 1,
            '\r' if chars.get(at + 1) == Some(&'\n') => at += 1,
            '\n' => {
                at += 1;
                out.push(Token::Newline);
            }
            '#' => {
                while chars.get(at).is_some_and(|c| *c != '\n') {
                    at += 1;
                }
            }
            '/' if chars.get(at + 1) == Some(&'/') => {
                while chars.get(at).is_some_and(|c| *c != '\n') {
                    at += 1;
                }
            }
            '/' if chars.get(at + 1) == Some(&'*') => {
                at += 2;
                while !(chars.get(at) == Some(&'*') && chars.get(at + 1) == Some(&'/')) {
                    if at >= chars.len() {
                        return Err("a /* comment is not closed".into());
                    }
                    at += 1;
                }
                at += 2;
            }
            '"' => {
                at += 1;
                out.push(Token::Str(string(&chars, &mut at)?));
            }
            c if c.is_ascii_digit() => {
                let start = at;
                while chars
                    .get(at)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '.')
                {
                    at += 1;
                }
                out.push(Token::Number(chars[start..at].iter().collect()));
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = at;
                while chars
                    .get(at)
                    .is_some_and(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
                {
                    at += 1;
                }
                out.push(Token::Ident(chars[start..at].iter().collect()));
            }
            '{' | '}' | '[' | ']' | '(' | ')' | '=' | ',' | '.' | ':' | '-' => {
                at += 1;
                out.push(Token::Punct(c));
            }
            c => return Err(format!("unexpected {c:?}")),
        }
    }
    Ok(out)
}

/// Attributes (each name with the tokens of its expression) and blocks.
type Body = (Vec<(String, Vec<Token>)>, Vec<Block>);

/// A block: `kind "label" ... { attributes and blocks }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub kind: String,
    pub labels: Vec<String>,
    /// Each attribute's name and the tokens of its expression.
    pub attributes: Vec<(String, Vec<Token>)>,
    pub blocks: Vec<Block>,
}

impl Block {
    pub fn attribute(&self, name: &str) -> Option<&[Token]> {
        let (_, tokens) = self.attributes.iter().find(|(n, _)| n == name)?;
        Some(tokens)
    }
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn skip_newlines(&mut self) {
        while self.tokens.get(self.at) == Some(&Token::Newline) {
            self.at += 1;
        }
    }

    /// The body of a block, after its `{`; `top` reads to the end instead.
    fn body(&mut self, top: bool) -> Result<Body, String> {
        let mut attributes = Vec::new();
        let mut blocks = Vec::new();
        loop {
            self.skip_newlines();
            match self.tokens.get(self.at).cloned() {
                None if top => return Ok((attributes, blocks)),
                None => return Err("a block is not closed".into()),
                Some(Token::Punct('}')) if !top => {
                    self.at += 1;
                    return Ok((attributes, blocks));
                }
                Some(Token::Ident(name)) => {
                    self.at += 1;
                    if self.tokens.get(self.at) == Some(&Token::Punct('=')) {
                        self.at += 1;
                        attributes.push((name, self.expression()?));
                        continue;
                    }
                    let mut labels = Vec::new();
                    loop {
                        match self.tokens.get(self.at).cloned() {
                            Some(Token::Str(l)) | Some(Token::Ident(l)) => {
                                labels.push(l);
                                self.at += 1;
                            }
                            Some(Token::Punct('{')) => {
                                self.at += 1;
                                break;
                            }
                            other => return Err(format!("after {name}: {other:?}")),
                        }
                    }
                    let (attributes, inner) = self.body(false)?;
                    blocks.push(Block {
                        kind: name,
                        labels,
                        attributes,
                        blocks: inner,
                    });
                }
                other => return Err(format!("expected an attribute or a block, got {other:?}")),
            }
        }
    }

    /// Tokens to the end of the line, brackets balanced.
    fn expression(&mut self) -> Result<Vec<Token>, String> {
        let mut depth = 0i32;
        let mut out = Vec::new();
        loop {
            let token = self.tokens.get(self.at).cloned();
            match &token {
                None => return Ok(out),
                Some(Token::Newline) if depth == 0 => return Ok(out),
                Some(Token::Punct('{' | '[' | '(')) => depth += 1,
                Some(Token::Punct('}' | ']' | ')')) => {
                    depth -= 1;
                    if depth < 0 {
                        return Ok(out);
                    }
                }
                _ => {}
            }
            self.at += 1;
            out.push(token.unwrap());
        }
    }
}

/// The top-level blocks of a file.
pub fn blocks(text: &str) -> Result<Vec<Block>, String> {
    let mut p = Parser {
        tokens: tokenize(text)?,
        at: 0,
    };
    let (attributes, blocks) = p.body(true)?;
    if !attributes.is_empty() {
        return Err(format!("top-level attributes: {attributes:?}"));
    }
    Ok(blocks)
}

#[test]
fn the_reader_sees_what_terraform_would() {
    let b =
        blocks("# a\n# b\nresource \"x\" \"y\" {\n  a = \"q\\n$${z}\"\n  b = var.c\n}\n").unwrap();
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].labels, ["x", "y"]);
    assert_eq!(
        b[0].attribute("a"),
        Some(&[Token::Str("q\n${z}".into())][..])
    );
    // A line break ends a comment: what follows is code.
    let b = blocks("# a\nresource \"null_resource\" \"x\" {\n}\n").unwrap();
    assert_eq!(b[0].kind, "resource");
    assert!(blocks("a = \"${x}\"\n").is_err());
}
