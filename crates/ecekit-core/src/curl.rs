//! Checking pasted curl commands: a whole script, or a doc snippet with
//! prose around the commands.
//!
//! Each line that starts a curl command (also `... | curl`, `... && curl`,
//! `curl.exe`) is read with [`shell::parse_line`], as bash would read it.
//! For each curl command the checker extracts the method, URL, headers,
//! body (inline, `@file`, `@-` from a heredoc, here-string or pipe), auth
//! and TLS options, and checks them against the ECE / Elastic Cloud API
//! table ([`crate::api::match_path`]) and what the endpoint needs. The body
//! is validated as its kind (keystore, repository, platform repository)
//! with its findings placed at their positions in the input. JSON blocks
//! outside any command are validated as the kind they look like.

use crate::api::{self, EsApi, PathMatch, KNOWN_VARIABLES};
use crate::finding::{Edit, Finding, LineIndex, Location, Severity};
use crate::json;
use crate::model::{DocumentKind, Platform, ValidateOptions};
use crate::shell::{self, Command, Heredoc, Quoting, RedirectOp, Script, Word};
use crate::validate;

pub const NO_COMMAND: &str = "CURL_NO_COMMAND";
pub const NO_URL: &str = "CURL_NO_URL";
pub const EXTRA_ARGUMENT: &str = "CURL_EXTRA_ARGUMENT";
pub const BODY_NOT_SENT: &str = "CURL_BODY_NOT_SENT";
pub const MISSING_BODY: &str = "CURL_MISSING_BODY";
pub const STDIN_EMPTY: &str = "CURL_STDIN_EMPTY";
pub const UNKNOWN_PATH: &str = "CURL_UNKNOWN_PATH";
pub const WRONG_METHOD: &str = "CURL_WRONG_METHOD";
pub const LEGACY_PATH: &str = "CURL_LEGACY_PATH";
pub const NOT_ON_PLATFORM: &str = "CURL_NOT_ON_PLATFORM";
pub const MISSING_API_PREFIX: &str = "CURL_MISSING_API_PREFIX";
pub const MISSING_CONTENT_TYPE: &str = "CURL_MISSING_CONTENT_TYPE";
pub const WRONG_CONTENT_TYPE: &str = "CURL_WRONG_CONTENT_TYPE";
pub const MISSING_MANAGEMENT_HEADER: &str = "CURL_MISSING_MANAGEMENT_HEADER";
pub const MISSING_AUTH: &str = "CURL_MISSING_AUTH";
pub const LITERAL_CREDENTIAL: &str = "CURL_LITERAL_CREDENTIAL";
pub const INSECURE: &str = "CURL_INSECURE";
pub const MISSPELT_VARIABLE: &str = "CURL_MISSPELT_VARIABLE";
pub const BARE_PLACEHOLDER: &str = "CURL_BARE_PLACEHOLDER";
pub const TEMPLATE_PLACEHOLDER: &str = "CURL_TEMPLATE_PLACEHOLDER";
pub const VARIABLE_NOT_EXPANDED: &str = "CURL_VARIABLE_NOT_EXPANDED";
pub const PLACEHOLDER_VALUE: &str = "CURL_PLACEHOLDER_VALUE";
pub const DEPLOYMENT_ID_FORMAT: &str = "CURL_DEPLOYMENT_ID_FORMAT";
pub const POWERSHELL: &str = "CURL_POWERSHELL";
pub const SCHEME_PORT: &str = "CURL_SCHEME_PORT";

/// The header the ECE proxy requires, and its value.
pub const MANAGEMENT_HEADER: &str = "X-Management-Request";
/// The content type of every JSON body the APIs take.
pub const JSON_CONTENT_TYPE: &str = "application/json";

/// curl's short options that take an argument.
const SHORT_WITH_ARG: &str = "XHdubcCDeEFKmoPQrtTUwxYyzA";

/// curl's long options that take an argument (the ones a pasted command
/// may hold; an unknown `--option` is taken as a flag).
const LONG_WITH_ARG: &[&str] = &[
    "--request",
    "--header",
    "--data",
    "--data-raw",
    "--data-binary",
    "--data-ascii",
    "--data-urlencode",
    "--json",
    "--user",
    "--url",
    "--cacert",
    "--capath",
    "--cert",
    "--cert-type",
    "--key",
    "--key-type",
    "--pass",
    "--output",
    "--write-out",
    "--user-agent",
    "--cookie",
    "--cookie-jar",
    "--config",
    "--connect-timeout",
    "--max-time",
    "--retry",
    "--retry-delay",
    "--retry-max-time",
    "--proxy",
    "--proxy-user",
    "--resolve",
    "--connect-to",
    "--form",
    "--form-string",
    "--upload-file",
    "--referer",
    "--dump-header",
    "--range",
    "--oauth2-bearer",
    "--interface",
    "--limit-rate",
    "--max-filesize",
    "--noproxy",
    "--trace",
    "--trace-ascii",
    "--stderr",
    "--variable",
    "--expand-data",
    "--expand-url",
    "--expand-header",
];

/// Variables every shell has, never reported as misspelt.
const SHELL_VARIABLES: &[&str] = &[
    "HOME", "PATH", "PWD", "USER", "HOSTNAME", "TMPDIR", "SHELL", "LANG", "TERM",
];

/// Line-start words that may pipe or chain into curl.
const LEADING_COMMANDS: &[&str] = &[
    "echo", "printf", "cat", "jq", "export", "sudo", "env", "time", "set", "source", ".", "if",
    "then",
];

/// Checks every curl command and JSON block of `text`.
pub fn validate(text: &str, opts: &ValidateOptions) -> Vec<Finding> {
    let mut c = Checker {
        text,
        index: LineIndex::new(text),
        opts,
        out: Vec::new(),
        vars: Vec::new(),
        claimed: Vec::new(),
        commands: 0,
    };
    c.run();
    c.out
}

/// A place where a variable is used.
struct VarUse {
    name: String,
    /// Byte range of the name itself (without `$` and braces).
    start: usize,
    end: usize,
}

struct Checker<'t, 'o> {
    text: &'t str,
    index: LineIndex,
    opts: &'o ValidateOptions,
    out: Vec<Finding>,
    vars: Vec<VarUse>,
    /// Byte ranges already read as commands or bodies.
    claimed: Vec<(usize, usize)>,
    commands: usize,
}

/// An option argument: a word, or the rest of a short-option cluster.
#[derive(Clone, Copy)]
struct Arg<'w> {
    word: &'w Word,
    from: usize,
}

impl<'w> Arg<'w> {
    fn value(&self) -> &'w str {
        self.word.value.get(self.from..).unwrap_or("")
    }
    fn input(&self, v: usize) -> usize {
        self.word.input_offset(self.from + v)
    }
    fn start(&self) -> usize {
        self.input(0)
    }
}

/// What a curl command says.
#[derive(Default)]
struct Curl<'w> {
    method: Option<Arg<'w>>,
    urls: Vec<Arg<'w>>,
    headers: Vec<Arg<'w>>,
    data: Vec<(String, Arg<'w>)>,
    user: Option<Arg<'w>>,
    /// The `-k` / `--insecure` option words, with the offset of `k` in a cluster.
    insecure: Vec<(&'w Word, Option<usize>)>,
    get: bool,
    head: bool,
    upload: bool,
    form: bool,
}

/// Where a body comes from, and how its offsets map to the input.
enum Source<'w> {
    Word(Arg<'w>),
    Heredoc(&'w Heredoc),
    Block(usize),
}

impl Source<'_> {
    fn input(&self, v: usize) -> usize {
        match self {
            Source::Word(arg) => arg.input(v),
            Source::Heredoc(h) => h.input_offset(v),
            Source::Block(start) => start + v,
        }
    }

    /// True when an edit of the body can be applied to the input as is.
    fn verbatim(
        &self,
        text: &str,
        body: &str,
        start: usize,
        end: usize,
        replacement: &str,
    ) -> bool {
        match self {
            Source::Block(_) => true,
            Source::Heredoc(h) => h.quoted && !h.strip_tabs,
            Source::Word(arg) => {
                let (is, ie) = (self.input(start), self.input(end));
                !replacement.contains(['\'', '"', '\\', '$', '`'])
                    && !arg.word.raw(text).starts_with('$')
                    && text.get(is..ie) == body.get(start..end)
            }
        }
    }
}

/// What kind of request the command is, once the URL is read.
#[derive(Default)]
struct Target {
    /// An endpoint on this machine (`localhost`, `127.0.0.1`): maybe without security.
    local: bool,
    /// The request goes to Elasticsearch (the ECE proxy or an ES endpoint).
    elasticsearch: bool,
    proxy: bool,
    /// A proxy path the checker suggests instead of the one written.
    suggested_proxy: bool,
    login: bool,
    platform: Option<Platform>,
    body_kind: Option<DocumentKind>,
    body_required: bool,
    repository_name: Option<String>,
    platform_repository: bool,
    /// The method(s) the endpoint takes, when the path is known.
    api: bool,
}

fn is_curl(name: &str) -> bool {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base == "curl" || base.eq_ignore_ascii_case("curl.exe")
}

/// False for prose that starts with the word curl ("curl is a tool ..."):
/// no option and no argument that could be a URL.
fn looks_like_a_command(cmd: &Command) -> bool {
    cmd.words.len() == 1
        || cmd.words[1..].iter().any(|w| {
            let v = w.value.as_str();
            v.starts_with('-')
                || v.contains(['/', ':', '$'])
                || w.quoted
                || v.trim_end_matches(['.', ',']).contains('.')
        })
}

/// A PowerShell line: a backtick continuation or `$env:` variables.
fn is_powershell(line: &str) -> bool {
    let line = line.trim_end();
    line.ends_with(" `") || line.contains("$env:") || line.contains("${env:")
}

fn first_word(line: &str) -> &str {
    line.split(|c: char| c.is_whitespace()).next().unwrap_or("")
}

/// True when `line` (leading blanks and prompt removed) starts a command
/// that runs curl.
fn starts_curl_command(line: &str) -> bool {
    let first = first_word(line);
    if is_curl(first) {
        return true;
    }
    let words: Vec<&str> = line.split_whitespace().collect();
    // `cd x && curl ...`, `cat f | curl ...`: curl right after an operator.
    if words
        .windows(2)
        .any(|w| (matches!(w[0], "|" | "&&" | "||" | "|&") || w[0].ends_with(';')) && is_curl(w[1]))
    {
        return true;
    }
    LEADING_COMMANDS.contains(&first)
        && line
            .split(|c: char| c.is_whitespace() || matches!(c, '|' | '&' | ';' | '('))
            .any(is_curl)
}

impl<'t> Checker<'t, '_> {
    fn loc(&self, start: usize, end: usize) -> Location {
        self.index.location(self.text, start, end.max(start), "")
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        severity: Severity,
        code: &'static str,
        start: usize,
        end: usize,
        message: impl Into<String>,
        help: impl Into<String>,
        fix: Option<Edit>,
    ) {
        let mut f = Finding::new(severity, code, message, help, self.loc(start, end));
        f.fix = fix;
        self.out.push(f);
    }

    fn run(&mut self) {
        let text = self.text;
        let mut line_start = 0;
        let mut consumed = 0;
        while line_start < text.len() {
            let line_end = text[line_start..]
                .find('\n')
                .map_or(text.len(), |i| line_start + i);
            if line_start >= consumed {
                let line = &text[line_start..line_end];
                let trimmed = line.trim_start();
                let mut cs = line_start + (line.len() - trimmed.len());
                let mut rest = trimmed;
                if let Some(r) = rest.strip_prefix("$ ") {
                    cs += 2;
                    rest = r;
                }
                if starts_curl_command(rest) && is_powershell(rest) {
                    // PowerShell: backtick continuations, `$env:`.
                    let mut end = line_end;
                    while text[..end].trim_end_matches('\r').ends_with('`') && end < text.len() {
                        end = text[end + 1..]
                            .find('\n')
                            .map_or(text.len(), |n| end + 1 + n);
                    }
                    self.claimed.push((cs, end));
                    self.commands += 1;
                    self.push(
                        Severity::Suggestion,
                        POWERSHELL,
                        cs,
                        line_end,
                        "This curl command is written for PowerShell (backtick continuations, $env: variables); ecekit reads curl commands as bash does, so its URL, headers and options are not checked.",
                        "To check it, paste the bash form of the command (ecekit curl ... --shell bash writes it).",
                        None,
                    );
                    consumed = end;
                } else if starts_curl_command(rest) {
                    let script = shell::parse_line(text, &self.index, cs, text.len());
                    let end = script.end.max(line_end);
                    self.claimed.push((cs, script.end));
                    self.out.extend(script.findings.iter().cloned());
                    self.check_script(&script);
                    consumed = end;
                }
            }
            line_start = line_end + 1;
        }
        self.check_blocks();
        self.check_variables();
        if self.commands == 0 && self.claimed.is_empty() && !self.text.trim().is_empty() {
            self.push(
                Severity::Warning,
                NO_COMMAND,
                0,
                0,
                "No curl command or JSON body was found in the text checked as a curl command.",
                "Paste the whole command, starting with `curl`, or pick the kind of document with --kind.",
                None,
            );
        }
    }

    fn check_script(&mut self, script: &Script) {
        for (i, cmd) in script.commands.iter().enumerate() {
            if cmd.name().is_some_and(is_curl) && looks_like_a_command(cmd) {
                self.commands += 1;
                self.check_command(script, i, cmd);
            }
        }
    }

    fn parse_options<'w>(&mut self, cmd: &'w Command) -> Curl<'w> {
        let mut c = Curl::default();
        let words = &cmd.words;
        let mut i = 1;
        let mut only_urls = false;
        while i < words.len() {
            let w = &words[i];
            let v = w.value.as_str();
            i += 1;
            if only_urls || !v.starts_with('-') || v == "-" {
                c.urls.push(Arg { word: w, from: 0 });
                continue;
            }
            if v == "--" {
                only_urls = true;
                continue;
            }
            if let Some(long) = v.strip_prefix("--") {
                let name = format!("--{long}");
                if LONG_WITH_ARG.contains(&name.as_str()) {
                    let Some(arg) = words.get(i) else { break };
                    i += 1;
                    let arg = Arg { word: arg, from: 0 };
                    self.option(&mut c, &name, arg);
                } else {
                    match name.as_str() {
                        "--insecure" => c.insecure.push((w, None)),
                        "--get" => c.get = true,
                        "--head" => c.head = true,
                        _ => {}
                    }
                }
                continue;
            }
            // A cluster of short options: `-sSk`, `-XPATCH`.
            for (pos, ch) in v.char_indices().skip(1) {
                if SHORT_WITH_ARG.contains(ch) {
                    let from = pos + ch.len_utf8();
                    let arg = if from < v.len() {
                        Arg { word: w, from }
                    } else if let Some(next) = words.get(i) {
                        i += 1;
                        Arg {
                            word: next,
                            from: 0,
                        }
                    } else {
                        break;
                    };
                    let name = match ch {
                        'X' => "--request",
                        'H' => "--header",
                        'd' => "--data",
                        'u' => "--user",
                        'F' => "--form",
                        'T' => "--upload-file",
                        _ => "",
                    };
                    self.option(&mut c, name, arg);
                    break;
                }
                match ch {
                    'k' => c.insecure.push((w, Some(pos))),
                    'G' => c.get = true,
                    'I' => c.head = true,
                    _ => {}
                }
            }
        }
        c
    }

    fn option<'w>(&mut self, c: &mut Curl<'w>, name: &str, arg: Arg<'w>) {
        match name {
            "--request" => c.method = Some(arg),
            "--header" => c.headers.push(arg),
            "--data" | "--data-raw" | "--data-binary" | "--data-ascii" | "--data-urlencode"
            | "--json" => c.data.push((name.to_string(), arg)),
            "--user" => c.user = Some(arg),
            "--url" => c.urls.push(arg),
            "--form" | "--form-string" => c.form = true,
            "--upload-file" => c.upload = true,
            _ => {}
        }
    }

    fn check_command(&mut self, script: &Script, i: usize, cmd: &Command) {
        let curl_word = &cmd.words[0];
        // Variables used by the command.
        for w in &cmd.words {
            self.record_vars(w);
        }
        for r in &cmd.redirects {
            if let Some(h) = &r.heredoc {
                for v in h.vars.iter().filter(|v| v.expands()) {
                    self.record_var(&v.name, v.start, v.braced);
                }
            }
        }
        let c = self.parse_options(cmd);

        // Method.
        let explicit = c.method.map(|m| m.value().to_ascii_uppercase());
        let has_data = !c.data.is_empty() && !c.get;
        let method = explicit.clone().unwrap_or_else(|| {
            if c.head {
                "HEAD".into()
            } else if c.get {
                "GET".into()
            } else if has_data || c.form {
                "POST".into()
            } else if c.upload {
                "PUT".into()
            } else {
                "GET".into()
            }
        });

        // URL and the JSON pasted after the command.
        let Some(url) = c.urls.first().copied() else {
            self.push(
                Severity::Error,
                NO_URL,
                curl_word.start,
                curl_word.end,
                "This curl command has no URL, so curl stops with \"no URL specified\".",
                "Add the URL, e.g. \"https://$COORDINATOR_HOST:12443/api/v1/...\".",
                None,
            );
            return;
        };
        let mut pasted_block: Option<(usize, usize, bool)> = None;
        for extra in &c.urls[1..] {
            let v = extra.value();
            if v.starts_with('{') && !extra.word.quoted {
                // `... \` then `{`: the JSON was meant as the body.
                let start = extra.start();
                pasted_block = Some((start, json_block_end(self.text, start), true));
                continue;
            }
            self.push(
                Severity::Warning,
                EXTRA_ARGUMENT,
                extra.word.start,
                extra.word.end,
                format!(
                    "curl takes `{}` as a second URL and requests it too: it is not an option or its value.",
                    short(v)
                ),
                "Remove it, or put it after the option it belongs to (e.g. -H, -d).",
                None,
            );
        }
        if pasted_block.is_none()
            && c.data.is_empty()
            && i + 1 == script.commands.len()
            && !matches!(method.as_str(), "GET" | "HEAD" | "DELETE")
        {
            if let Some(start) = block_right_after(self.text, script.end) {
                pasted_block = Some((start, json_block_end(self.text, start), false));
            }
        }

        let target = self.check_url(&method, explicit.is_some(), &c, url);

        // Headers.
        let header = |name: &str| {
            c.headers.iter().find_map(|h| {
                let (n, v) = h.value().split_once(':')?;
                n.trim()
                    .eq_ignore_ascii_case(name)
                    .then(|| (*h, v.trim().to_string()))
            })
        };
        for h in &c.headers {
            self.check_single_quoted_vars(h.word);
        }
        let auth = header("Authorization");
        if let Some((h, value)) = &auth {
            self.check_authorization(h, value, &target);
        } else if c.user.is_none()
            && !target.login
            && (target.api || target.proxy || (target.elasticsearch && !target.local))
            && !c.headers.iter().any(|h| h.value().contains('$'))
        {
            self.push(
                Severity::Warning,
                MISSING_AUTH,
                curl_word.start,
                curl_word.end,
                "The command sends no credentials, so the API answers 401 Unauthorized.",
                format!(
                    "Add -H \"Authorization: ApiKey ${}\" (the key stays in the variable).",
                    api_key_variable(&target)
                ),
                None,
            );
        }
        if let Some(u) = c.user {
            self.check_user(u);
        }
        let needs_management = target.proxy || target.suggested_proxy;
        if needs_management {
            match header(MANAGEMENT_HEADER) {
                None => self.push(
                    Severity::Error,
                    MISSING_MANAGEMENT_HEADER,
                    curl_word.start,
                    curl_word.end,
                    if target.proxy {
                        "Requests through the ECE deployment proxy need the header `X-Management-Request: true`; without it the proxy refuses them."
                    } else {
                        "The deployment proxy path this request must use (see the path finding) also needs the header `X-Management-Request: true`; without it the proxy refuses the request."
                    },
                    "Add -H 'X-Management-Request: true'.",
                    Some(Edit {
                        start: curl_word.end,
                        end: curl_word.end,
                        replacement: " -H 'X-Management-Request: true'".into(),
                    }),
                ),
                Some((h, v)) if !v.eq_ignore_ascii_case("true") => self.push(
                    Severity::Error,
                    MISSING_MANAGEMENT_HEADER,
                    h.word.start,
                    h.word.end,
                    format!("The proxy needs `X-Management-Request: true`, not `{}`.", short(&v)),
                    "Set the header value to true.",
                    None,
                ),
                Some(_) => {}
            }
        }

        // TLS.
        for (w, pos) in &c.insecure {
            let ca = if target.elasticsearch && !target.proxy && !target.suggested_proxy {
                api::request::VAR_ELASTICSEARCH_CA_CERT
            } else {
                api::request::VAR_ECE_CA_CERT
            };
            let (start, end, replacement) = match pos {
                None => (w.start, w.end, format!("--cacert \"${ca}\"")),
                Some(p) => {
                    let mut rest = w.value.clone();
                    rest.remove(*p);
                    let keep = if rest == "-" {
                        String::new()
                    } else {
                        format!("{rest} ")
                    };
                    (w.start, w.end, format!("{keep}--cacert \"${ca}\""))
                }
            };
            let at = pos.map_or(w.start, |p| w.input_offset(p));
            let at_end = pos.map_or(w.end, |_| at + 1);
            let fix = (!w.quoted).then_some(Edit {
                start,
                end,
                replacement,
            });
            self.push(
                Severity::Warning,
                INSECURE,
                at,
                at_end,
                "-k (--insecure) turns off TLS certificate checks: anyone on the network path can read the API key and the secrets in the body.",
                format!("Trust the CA certificate that signed the server's certificate instead: --cacert \"${ca}\" (a path to the PEM file)."),
                fix,
            );
        }

        // Body.
        let content_type = header("Content-Type");
        if let Some((start, end, continued)) = pasted_block {
            self.claimed.push((start, end));
            let block = strip_callouts(&self.text[start..end]);
            let kind = target.body_kind.unwrap_or_else(|| validate::detect(&block));
            self.check_body(&block, Source::Block(start), kind, &target);
            let content = if content_type.is_some() {
                String::new()
            } else {
                format!(" -H 'Content-Type: {JSON_CONTENT_TYPE}'")
            };
            let how = if continued {
                "the `\\` at the end of the line joins only the next line, `{`, which curl takes as a second URL, and bash then runs the rest of the JSON as commands."
            } else {
                "the command ends at the end of its line, and bash runs the JSON below it as commands."
            };
            let fix_start = if continued {
                self.text[..start].rfind('\\').unwrap_or(start)
            } else {
                cmd.end
            };
            let after_blank = self.text[..fix_start].ends_with([' ', '\t']);
            let options = format!("{content} --data-binary @- <<'EOF'");
            let options = if after_blank {
                options.trim_start()
            } else {
                options.as_str()
            };
            let fix = (fix_start <= start).then(|| Edit {
                start: fix_start,
                end,
                replacement: format!("{options}\n{}\nEOF", &self.text[start..end]),
            });
            let fix = fix.filter(|_| !self.text[start..end].lines().any(|l| l == "EOF"));
            self.push(
                Severity::Error,
                BODY_NOT_SENT,
                start,
                start + 1,
                format!("The JSON body pasted after this {method} command is not sent: {how}"),
                format!(
                    "Pass it to curl: end the command with{content} --data-binary @- <<'EOF', then the JSON, then a line EOF (or save it to body.json and use --data-binary @body.json)."
                ),
                fix,
            );
            return;
        }

        let Some((option, arg)) = c.data.first().filter(|_| !c.get).cloned() else {
            if target.body_required && !matches!(method.as_str(), "GET" | "HEAD" | "DELETE") {
                let at = c.method.map_or(url.word.start, |m| m.start());
                self.push(
                    Severity::Error,
                    MISSING_BODY,
                    at,
                    at + c.method.map_or(0, |m| m.value().len()),
                    format!("This {method} request needs a JSON body, and the command sends none."),
                    format!(
                        "Add{} --data-binary @- <<'EOF', then the JSON, then a line EOF.",
                        if header("Content-Type").is_some() {
                            String::new()
                        } else {
                            format!(" -H 'Content-Type: {JSON_CONTENT_TYPE}'")
                        }
                    ),
                    None,
                );
            }
            return;
        };
        let value = arg.value();
        let body: Option<(String, Source)> = if option != "--data-raw" && value.starts_with('@') {
            if value == "@-" {
                self.stdin_body(script, i, cmd, arg)
            } else {
                None // a file: its content is not in the paste
            }
        } else if value.trim().is_empty() && target.body_required {
            None
        } else {
            Some((value.to_string(), Source::Word(arg)))
        };

        if option != "--json" && (target.api || target.elasticsearch) {
            let json_like = body
                .as_ref()
                .is_none_or(|(b, _)| b.trim_start().starts_with(['{', '[']));
            match &content_type {
                None if json_like => {
                    let (severity, why) = if target.elasticsearch || target.suggested_proxy {
                        (Severity::Error, "Elasticsearch refuses it with 406 Not Acceptable (\"Content-Type header [application/x-www-form-urlencoded] is not supported\")")
                    } else {
                        (Severity::Warning, "the API expects application/json")
                    };
                    self.push(
                        severity,
                        MISSING_CONTENT_TYPE,
                        arg.word.start,
                        arg.word.end,
                        format!("The body is sent without `Content-Type: {JSON_CONTENT_TYPE}`: curl labels {option} data as application/x-www-form-urlencoded, and {why}."),
                        format!("Add -H 'Content-Type: {JSON_CONTENT_TYPE}'."),
                        Some(Edit {
                            start: curl_word.end,
                            end: curl_word.end,
                            replacement: format!(" -H 'Content-Type: {JSON_CONTENT_TYPE}'"),
                        }),
                    );
                }
                Some((h, v))
                    if json_like && !v.to_ascii_lowercase().starts_with(JSON_CONTENT_TYPE) =>
                {
                    self.push(
                        Severity::Error,
                        WRONG_CONTENT_TYPE,
                        h.word.start,
                        h.word.end,
                        format!("The body is JSON but the command labels it `{}`, which the API refuses.", short(v)),
                        format!("Use -H 'Content-Type: {JSON_CONTENT_TYPE}'."),
                        None,
                    );
                }
                _ => {}
            }
        }

        if let Some((body, source)) = body {
            if body.trim_start().starts_with(['{', '[']) {
                let kind = target.body_kind.unwrap_or_else(|| validate::detect(&body));
                self.check_body(&body, source, kind, &target);
            }
        } else if let Some(file) = value.strip_prefix('@').filter(|f| *f != "-") {
            // `--data-binary @body.json` with the file written in the paste.
            if option != "--data-raw" {
                if let Some(written) = self.file_heredoc(file) {
                    let h = written
                        .commands
                        .iter()
                        .flat_map(|c| &c.redirects)
                        .find_map(|r| r.heredoc.as_ref());
                    if let Some(h) = h {
                        self.claimed
                            .push((h.body_start, h.body_end.max(h.body_start + 1)));
                        if h.body.trim_start().starts_with('{') {
                            let kind = target
                                .body_kind
                                .unwrap_or_else(|| validate::detect(&h.body));
                            self.check_body(&h.body, Source::Heredoc(h), kind, &target);
                        }
                    }
                }
            }
        }
    }

    /// The `cat > FILE <<'EOF' ... EOF` (or `cat <<'EOF' > FILE`) of the
    /// paste that writes `file`, parsed.
    fn file_heredoc(&self, file: &str) -> Option<Script> {
        let text = self.text;
        let mut line_start = 0;
        while line_start < text.len() {
            let line_end = text[line_start..]
                .find('\n')
                .map_or(text.len(), |n| line_start + n);
            let line = &text[line_start..line_end];
            let trimmed = line.trim_start();
            if first_word(trimmed) == "cat" && trimmed.contains(file) && trimmed.contains("<<") {
                let start = line_start + (line.len() - trimmed.len());
                let script = shell::parse_line(text, &self.index, start, text.len());
                let writes = script.commands.iter().any(|c| {
                    c.name() == Some("cat")
                        && c.redirects.iter().any(|r| {
                            matches!(r.op, RedirectOp::Output)
                                && r.target.as_ref().is_some_and(|t| t.value == file)
                        })
                        && c.redirects.iter().any(|r| r.heredoc.is_some())
                });
                if writes {
                    return Some(script);
                }
            }
            line_start = line_end + 1;
        }
        None
    }

    /// The body curl reads from standard input for `@-`.
    fn stdin_body<'w>(
        &mut self,
        script: &'w Script,
        i: usize,
        cmd: &'w Command,
        arg: Arg<'w>,
    ) -> Option<(String, Source<'w>)> {
        if let Some(r) = cmd.stdin() {
            return match r.op {
                RedirectOp::Heredoc { .. } => r
                    .heredoc
                    .as_ref()
                    .map(|h| (h.body.clone(), Source::Heredoc(h))),
                RedirectOp::HereString => r
                    .target
                    .as_ref()
                    .map(|w| (w.value.clone(), Source::Word(Arg { word: w, from: 0 }))),
                _ => None,
            };
        }
        if let Some(prev) = script.piped_into(i) {
            return match prev.name() {
                Some("echo") | Some("printf") => {
                    let args: Vec<&Word> = prev.words[1..]
                        .iter()
                        .filter(|w| !w.value.starts_with('-'))
                        .collect();
                    match args.as_slice() {
                        [w] if !(prev.name() == Some("printf")
                            && w.value.contains(['%', '\\'])) =>
                        {
                            Some((w.value.clone(), Source::Word(Arg { word: w, from: 0 })))
                        }
                        _ => None,
                    }
                }
                Some("cat") if prev.words.len() == 1 => prev.stdin().and_then(|r| {
                    r.heredoc
                        .as_ref()
                        .map(|h| (h.body.clone(), Source::Heredoc(h)))
                }),
                _ => None,
            };
        }
        self.push(
            Severity::Error,
            STDIN_EMPTY,
            arg.start(),
            arg.start() + 2,
            "`@-` reads the body from standard input, but nothing is piped or redirected into curl: it waits for input, or sends an empty body.",
            "Add <<'EOF' after @-, then the JSON and a line EOF; or use --data-binary @body.json.",
            None,
        );
        None
    }

    /// Reads the URL: placeholders, the API path, and what the endpoint needs.
    fn check_url(&mut self, method: &str, explicit: bool, c: &Curl<'_>, url: Arg<'_>) -> Target {
        let mut t = Target::default();
        let value = url.value();
        self.check_single_quoted_vars(url.word);
        self.check_bare_placeholders(url);
        let parts = api::split_url(value);
        let authority = parts.authority.clone().unwrap_or_default();
        let host_lower = authority.to_ascii_lowercase();

        // The path's range in the value.
        let path_start = match value.find("://") {
            Some(i) => value[i + 3..].find('/').map_or(value.len(), |p| i + 3 + p),
            None if value.starts_with('/') => 0,
            None => value.find('/').unwrap_or(value.len()),
        };
        let path_end = value[path_start..]
            .find(['?', '#'])
            .map_or(value.len(), |e| path_start + e);
        let (ps, pe) = (url.input(path_start), url.input(path_end));
        let path_verbatim = self.text.get(ps..pe) == value.get(path_start..path_end)
            && !url.word.raw(self.text).starts_with('\'');

        for seg in parts.path.split('/') {
            if (seg.starts_with('{') && seg.ends_with('}') && seg.len() > 2)
                || (seg.starts_with('<') && seg.ends_with('>') && seg.len() > 2)
            {
                let at = value[path_start..]
                    .find(seg)
                    .map_or(ps, |o| url.input(path_start + o));
                self.push(
                    Severity::Error,
                    TEMPLATE_PLACEHOLDER,
                    at,
                    at + seg.len(),
                    format!("`{seg}` in the URL is a placeholder from the docs, not a value: the API answers 404 (and curl reads `{{...}}` as a URL glob)."),
                    format!("Replace it with the value, or a variable such as ${}.", placeholder_variable(seg)),
                    None,
                );
            }
        }

        let coordinator = host_lower.contains("12443")
            || host_lower.contains("12400")
            || host_lower.contains("coordinator")
            || host_lower.contains("ece");
        let ess =
            host_lower.contains("elastic-cloud.com") || host_lower.contains("cloud.elastic.co");
        self.check_scheme(&parts, &host_lower, url);
        t.local = ["localhost", "127.0.0.1", "[::1]"]
            .iter()
            .any(|h| host_lower.starts_with(h));
        t.platform = if ess {
            Some(Platform::Ess)
        } else if parts.api_prefix || coordinator {
            Some(Platform::Ece)
        } else {
            self.opts.platform
        };

        if !parts.api_prefix {
            let first = parts.path.split('/').nth(1).unwrap_or("");
            if (coordinator || ess)
                && matches!(first, "deployments" | "platform" | "users" | "clusters")
            {
                self.push(
                    Severity::Error,
                    MISSING_API_PREFIX,
                    ps,
                    pe,
                    "The path lacks the `/api/v1` prefix every ECE and Elastic Cloud API path starts with: the coordinator answers 404.",
                    "Insert /api/v1 before the path.",
                    path_verbatim.then(|| Edit {
                        start: ps,
                        end: ps,
                        replacement: "/api/v1".into(),
                    }),
                );
                t.api = true;
                return t;
            }
            // An Elasticsearch endpoint.
            t.elasticsearch = true;
            self.es_path(&mut t, method, &parts.path, c, url);
            return t;
        }

        t.api = true;
        let display = format!("{method} /api/v1{}", parts.path);
        match api::match_path(method, &parts.path) {
            PathMatch::Found(found) => {
                let ep = found.endpoint;
                t.body_required = ep.body_required;
                if ep.path.ends_with("/keystore") {
                    t.body_kind = Some(DocumentKind::Keystore);
                } else if ep
                    .path
                    .starts_with("/platform/configuration/snapshots/repositories/")
                {
                    t.body_kind = Some(DocumentKind::Repository);
                    t.platform_repository = true;
                    t.repository_name = found.param("repository_name").map(str::to_string);
                } else if ep.path == "/users/auth/_login" {
                    t.login = true;
                }
                if ep
                    .required_headers
                    .iter()
                    .any(|h| h.eq_ignore_ascii_case(MANAGEMENT_HEADER))
                {
                    t.proxy = true;
                }
                if let Some(proxy) = &found.proxy {
                    t.proxy = true;
                    t.elasticsearch = proxy.es.is_some();
                    let es_path = proxy.path.clone();
                    self.es_path(&mut t, method, &format!("/{es_path}"), c, url);
                }
                if let Some(id) = found.param("deployment_id") {
                    self.check_deployment_id(id, url);
                }
                let av = ep.availability;
                if av.legacy_only() {
                    self.push(
                        Severity::Warning,
                        LEGACY_PATH,
                        ps,
                        pe,
                        format!("`{display}` exists only in ECE 2.13 and earlier: ECE 3.0 removed the /clusters API."),
                        "On ECE 3.x use the /deployments/{deployment_id}/... equivalent (the deployment id, not the cluster id).",
                        None,
                    );
                } else if t.platform == Some(Platform::Ess) && !av.ess {
                    self.push(
                        Severity::Error,
                        NOT_ON_PLATFORM,
                        ps,
                        pe,
                        format!("`{display}` is {}: Elastic Cloud answers 404.", av.describe()),
                        "For Elasticsearch requests on Elastic Cloud, call the deployment's Elasticsearch endpoint directly (with an Elasticsearch API key).",
                        None,
                    );
                }
            }
            PathMatch::WrongMethod {
                template,
                allowed,
                availability,
            } => {
                let at = c.method.map_or(url.word.start, |m| m.start());
                let len = c.method.map_or(0, |m| m.value().len());
                let implicit = if explicit {
                    String::new()
                } else if method == "POST" {
                    " (curl sends POST because the command has data and no -X)".into()
                } else {
                    format!(" (curl's default without -X is {method})")
                };
                // A command that sends a body wants the method that takes one
                // (`-X PUT -d ...` on the keystore is a PATCH, not its GET).
                let sends_body = !c.data.is_empty() && !c.get;
                let takes_body = |m: &String| {
                    api::table::endpoint(m, &template).is_some_and(|e| e.body.is_some())
                };
                let fitting: Vec<&String> = allowed
                    .iter()
                    .filter(|m| takes_body(m) == sends_body)
                    .collect();
                let wanted = fitting.first().copied().or(allowed.first());
                // A machine fix only when one method is clearly meant.
                let clear = allowed.len() == 1 || fitting.len() == 1;
                let fix = match (c.method, wanted) {
                    (Some(m), Some(w)) if m.word.value == m.value() && m.from == 0 && clear => {
                        Some(Edit {
                            start: m.word.start,
                            end: m.word.end,
                            replacement: w.clone(),
                        })
                    }
                    _ => None,
                };
                self.push(
                    Severity::Error,
                    WRONG_METHOD,
                    at,
                    at + len,
                    format!(
                        "`/api/v1{template}` does not take {method}{implicit}; it takes {} ({}).",
                        allowed.join(", "),
                        availability.describe()
                    ),
                    format!("Use -X {}.", wanted.map_or("GET", String::as_str)),
                    fix,
                );
                if template.ends_with("/keystore") {
                    t.body_kind = Some(DocumentKind::Keystore);
                }
            }
            PathMatch::NotFound { nearest } => {
                let (help, fix) = match &nearest {
                    Some(s) => {
                        let path = format!("/api/v1{}", s.path);
                        let is_proxy = s.template.contains("/proxy/");
                        if is_proxy {
                            t.suggested_proxy = true;
                            t.elasticsearch = true;
                            if let Some((_, es)) = s.path.split_once("/proxy/") {
                                self.es_path(&mut t, method, &format!("/{es}"), c, url);
                            }
                        }
                        (
                            format!(
                                "{} Use `{} {path}`; it exists on {}.",
                                capitalise(&s.reason),
                                if s.methods.iter().any(|m| m == method) {
                                    method.to_string()
                                } else {
                                    s.methods.join("/")
                                },
                                s.availability.describe()
                            ),
                            path_verbatim.then_some(Edit {
                                start: ps,
                                end: pe,
                                replacement: path,
                            }),
                        )
                    }
                    None => (
                        "Check the path against the API reference (https://www.elastic.co/docs/api/doc/cloud-enterprise).".to_string(),
                        None,
                    ),
                };
                self.push(
                    Severity::Error,
                    UNKNOWN_PATH,
                    ps,
                    pe,
                    format!("`{display}` is not a path of any ECE or Elastic Cloud API version: the request fails with 404."),
                    help,
                    fix,
                );
            }
        }
        t
    }

    /// The coordinator's ports: 12443 speaks HTTPS, 12400 plain HTTP; curl
    /// uses http:// when the URL has no scheme.
    fn check_scheme(&mut self, parts: &api::UrlParts, host: &str, url: Arg<'_>) {
        let port = host.rsplit_once(':').map(|(_, p)| p).unwrap_or("");
        let scheme = parts.scheme.as_deref();
        let (message, help, fixable) = match (port, scheme) {
            ("12443", Some("http")) => (
                "Port 12443 of the ECE coordinator speaks HTTPS, but the URL says http://: the request fails (empty reply or a TLS error).",
                "Use https:// with port 12443.",
                true,
            ),
            ("12443", None) => (
                "The URL has no scheme, so curl uses http://, but port 12443 of the ECE coordinator speaks HTTPS: the request fails.",
                "Start the URL with https://.",
                true,
            ),
            ("12400", Some("https")) => (
                "Port 12400 of the ECE coordinator speaks plain HTTP, but the URL says https://: the TLS handshake fails.",
                "Use https:// with port 12443 (preferred), or http:// with port 12400.",
                false,
            ),
            _ => return,
        };
        let value = url.value();
        let (start, end, replacement) = match scheme {
            Some(_) => (0, value.find("://").map_or(0, |i| i + 3), "https://"),
            None => (0, 0, "https://"),
        };
        let (is, ie) = (url.input(start), url.input(end));
        let fix = (fixable && self.text.get(is..ie) == value.get(start..end)).then(|| Edit {
            start: is,
            end: ie,
            replacement: replacement.to_string(),
        });
        self.push(
            Severity::Error,
            SCHEME_PORT,
            url.start(),
            url.input(value.len()),
            message,
            help,
            fix,
        );
    }

    /// A deployment id written as a value: ECE and Elastic Cloud ids are 32
    /// hexadecimal characters (the Elasticsearch cluster id or the
    /// deployment name do not work).
    fn check_deployment_id(&mut self, id: &str, url: Arg<'_>) {
        if id.contains('$') || api::table::is_dynamic_segment(id) || is_placeholder(id) {
            return;
        }
        if id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit()) {
            return;
        }
        let Some(at) = url.value().find(&format!("/deployments/{id}")) else {
            return;
        };
        let start = url.input(at + "/deployments/".len());
        self.push(
            Severity::Warning,
            DEPLOYMENT_ID_FORMAT,
            start,
            start + id.len(),
            format!("`{}` does not look like a deployment id (32 hexadecimal characters): the API answers 404 for an Elasticsearch cluster id or a deployment name.", short(id)),
            "Copy the deployment id from the deployment's page in the Cloud UI, or from GET /api/v1/deployments (`id`).",
            None,
        );
    }

    /// What an Elasticsearch path needs (through the proxy or directly).
    fn es_path(&mut self, t: &mut Target, method: &str, path: &str, c: &Curl<'_>, url: Arg<'_>) {
        let wants = match api::classify_es_path(path) {
            EsApi::SnapshotRepository { name } => {
                if matches!(method, "PUT" | "POST") {
                    t.body_kind = Some(DocumentKind::Repository);
                    t.body_required = true;
                    t.repository_name = Some(name).filter(|n| !n.contains('$'));
                }
                None
            }
            EsApi::SnapshotRepositoryVerify { .. } | EsApi::ReloadSecureSettings { .. } => {
                Some("POST")
            }
            _ => None,
        };
        if let Some(wants) = wants {
            if method != wants {
                let at = c.method.map_or(url.word.start, |m| m.start());
                self.push(
                    Severity::Error,
                    WRONG_METHOD,
                    at,
                    at + c.method.map_or(0, |m| m.value().len()),
                    format!(
                        "Elasticsearch's `{}` takes {wants}, not {method}.",
                        path.trim_start_matches('/')
                    ),
                    format!("Use -X {wants}."),
                    None,
                );
            }
        }
    }

    /// Validates a body as `kind`, placing the findings in the input.
    fn check_body(&mut self, body: &str, source: Source<'_>, kind: DocumentKind, t: &Target) {
        let mut opts = self.opts.clone();
        if t.platform.is_some() {
            opts.platform = t.platform;
        }
        opts.platform_repository |= t.platform_repository;
        if t.repository_name.is_some() {
            opts.repository_name = t.repository_name.clone();
        }
        let mut findings = if t.login {
            self.login_body(body)
        } else {
            validate::validate_json(body, kind, &opts)
        };
        for f in &mut findings {
            let (s, e) = (f.location.start, f.location.end);
            let (is, ie) = (source.input(s), source.input(e));
            f.location = self
                .index
                .location(self.text, is, ie.max(is), &f.location.pointer);
            if let Some(edit) = f.fix.take() {
                if source.verbatim(self.text, body, edit.start, edit.end, &edit.replacement) {
                    f.fix = Some(Edit {
                        start: source.input(edit.start),
                        end: source.input(edit.end),
                        replacement: edit.replacement,
                    });
                }
            }
        }
        self.out.extend(findings);
    }

    /// A login body: JSON, with a username and password that are not the
    /// docs' placeholders.
    fn login_body(&self, body: &str) -> Vec<Finding> {
        let doc = json::parse(body);
        let mut out = doc.findings.clone();
        let Some(obj) = doc.root.as_ref().and_then(|r| r.as_object()) else {
            return out;
        };
        for p in &obj.properties {
            let name = p.name.as_str();
            if name != "username" && name != "password" {
                continue;
            }
            if let json::ast::Value::StringLit(s) = &p.value {
                let v = s.value.as_ref();
                if is_placeholder(v) {
                    let range = jsonc_range(&p.value);
                    out.push(doc.finding(
                        Severity::Warning,
                        PLACEHOLDER_VALUE,
                        range,
                        &json::pointer("", name),
                        format!("The {name} is `{}`, a placeholder from the docs: the login fails with 401.", short(v)),
                        if name == "password" {
                            "Put the real password there, in a file read with --data-binary @login.json or a heredoc in a script: typed on the command line it lands in the shell history.".to_string()
                        } else {
                            "Put the real user name there.".to_string()
                        },
                    ));
                }
            }
        }
        out
    }

    fn check_authorization(&mut self, h: &Arg<'_>, value: &str, t: &Target) {
        let mut parts = value.splitn(2, ' ');
        let scheme = parts.next().unwrap_or("");
        let credential = parts.next().unwrap_or("").trim();
        if credential.is_empty() || credential.contains('$') || h.word.has_substitution {
            return;
        }
        let var = if scheme.eq_ignore_ascii_case("bearer") {
            if t.elasticsearch && !t.proxy {
                api::request::VAR_ELASTIC_TOKEN
            } else {
                api::request::VAR_ECE_TOKEN
            }
        } else {
            api_key_variable(t)
        };
        let fix = Some(Edit {
            start: h.word.start,
            end: h.word.end,
            replacement: format!("\"Authorization: {scheme} ${var}\""),
        });
        let Some(at) = h.value().find(credential) else {
            return;
        };
        let (cs, ce) = (h.input(at), h.input(at + credential.len()));
        if is_placeholder(credential) && credential.contains('_') {
            self.push(
                Severity::Error,
                BARE_PLACEHOLDER,
                cs,
                ce,
                format!("`{credential}` in the Authorization header has no `$`: curl sends the name itself and the API answers 401."),
                format!("Write ${var} (in double quotes) so the shell puts the key in."),
                fix,
            );
            return;
        }
        let shown: String = credential.chars().take(4).collect();
        self.push(
            Severity::Warning,
            LITERAL_CREDENTIAL,
            cs,
            ce,
            format!("The Authorization header holds the credential itself (`{shown}…`): it stays in the shell history and in any doc or ticket the command is pasted into."),
            format!("Keep it in a variable: export {var}=... once, then -H \"Authorization: {scheme} ${var}\"."),
            fix,
        );
    }

    fn check_user(&mut self, u: Arg<'_>) {
        let v = u.value();
        let Some((_, password)) = v.split_once(':') else {
            return;
        };
        if password.is_empty() || password.contains('$') || u.word.has_substitution {
            return;
        }
        self.push(
            Severity::Warning,
            LITERAL_CREDENTIAL,
            u.start(),
            u.input(v.len()),
            "-u holds the password itself: it stays in the shell history and shows in the process list.",
            "Give only the user name (-u admin: curl asks for the password), or use an API key in a variable: -H \"Authorization: ApiKey $ECE_API_KEY\".",
            None,
        );
    }

    /// `$VAR` inside single quotes in a URL or header is sent as written.
    fn check_single_quoted_vars(&mut self, w: &Word) {
        for v in w.vars.iter().filter(|v| v.quoting == Quoting::Single) {
            self.push(
                Severity::Error,
                VARIABLE_NOT_EXPANDED,
                v.start,
                v.end,
                format!("`${}` is inside single quotes, so bash does not expand it: curl sends the characters `${}`.", v.name, v.name),
                "Use double quotes around this word.",
                None,
            );
        }
    }

    /// `DEPLOYMENT_ID`, `ELASTICSEARCH_CLUSTER_ID` without `$` in the URL.
    fn check_bare_placeholders(&mut self, url: Arg<'_>) {
        let value = url.value();
        let single = url.word.raw(self.text).starts_with('\'');
        let bytes = value.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let boundary =
                i == 0 || matches!(bytes[i - 1], b'/' | b':' | b'@' | b'=' | b'&' | b'?');
            if boundary && bytes[i].is_ascii_uppercase() {
                let end = value[i..]
                    .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
                    .map_or(value.len(), |e| i + e);
                let seg = &value[i..end];
                let at_boundary =
                    end == value.len() || matches!(bytes[end], b'/' | b':' | b'?' | b'&' | b'#');
                let known = KNOWN_VARIABLES.contains(&seg);
                if at_boundary && (known || (seg.contains('_') && seg.len() >= 5)) {
                    let start = url.input(i);
                    let fix = (!single && self.text.get(start..start + seg.len()) == Some(seg))
                        .then(|| Edit {
                            start,
                            end: start,
                            replacement: "$".into(),
                        });
                    self.push(
                        Severity::Error,
                        BARE_PLACEHOLDER,
                        start,
                        start + seg.len(),
                        format!("`{seg}` in the URL has no `$`: curl sends the name itself, and the API answers 404 for it."),
                        format!("Write ${seg} (and set it first: export {seg}=...), or put the value there."),
                        fix,
                    );
                }
                i = end.max(i + 1);
            } else {
                i += 1;
            }
        }
    }

    fn record_vars(&mut self, w: &Word) {
        for v in w.vars.iter().filter(|v| v.expands()) {
            self.record_var(&v.name, v.start, v.braced);
        }
    }

    fn record_var(&mut self, name: &str, start: usize, braced: bool) {
        let s = start + 1 + usize::from(braced);
        if self.text.get(s..s + name.len()) == Some(name) {
            self.vars.push(VarUse {
                name: name.to_string(),
                start: s,
                end: s + name.len(),
            });
        }
    }

    /// Variables whose name is one edit or two away from a known variable or
    /// one used more often in the paste, and set nowhere in it.
    fn check_variables(&mut self) {
        let assigned = assigned_variables(self.text);
        let is_known = |n: &str| {
            KNOWN_VARIABLES.contains(&n)
                || SHELL_VARIABLES.contains(&n)
                || assigned.iter().any(|a| a == n)
        };
        let count = |n: &str| self.vars.iter().filter(|v| v.name == n).count();
        let mut names: Vec<&str> = self.vars.iter().map(|v| v.name.as_str()).collect();
        crate::sort::sort_dedup(&mut names);
        let mut candidates: Vec<String> = KNOWN_VARIABLES.iter().map(|s| s.to_string()).collect();
        candidates.extend(assigned.iter().cloned());
        let mut found = Vec::new();
        for name in &names {
            if is_known(name) || name.len() < 4 {
                continue;
            }
            let mut best: Option<(usize, String)> = None;
            let others = candidates
                .iter()
                .map(String::as_str)
                .chain(names.iter().copied().filter(|o| count(o) > count(name)));
            for other in others {
                if other == *name || (ends_digit(other) && ends_digit(name)) {
                    continue;
                }
                let d = strsim::damerau_levenshtein(name, other);
                let limit = if name.len() <= 6 { 1 } else { 2 };
                if d <= limit && best.as_ref().is_none_or(|(bd, _)| d < *bd) {
                    best = Some((d, other.to_string()));
                }
            }
            if let Some((_, other)) = best {
                found.push((name.to_string(), other));
            }
        }
        for (name, other) in found {
            let uses: Vec<(usize, usize)> = self
                .vars
                .iter()
                .filter(|v| v.name == name)
                .map(|v| (v.start, v.end))
                .collect();
            for (start, end) in uses {
                self.push(
                    Severity::Error,
                    MISSPELT_VARIABLE,
                    start,
                    end,
                    format!("`${name}` is set nowhere in the paste and looks like a misspelling of `${other}`: unset, it expands to an empty string and the request goes to the wrong place."),
                    format!("Write ${other}."),
                    Some(Edit {
                        start,
                        end,
                        replacement: other.clone(),
                    }),
                );
            }
        }
    }

    /// JSON blocks that start a line outside any command: validated as the
    /// kind they look like.
    fn check_blocks(&mut self) {
        let text = self.text;
        let mut at = 0;
        while let Some(start) = next_block_start(text, at) {
            let end = json_block_end(text, start);
            at = end.max(start + 1);
            if self
                .claimed
                .iter()
                .any(|&(s, e)| start >= s && start < e.max(s + 1))
            {
                continue;
            }
            self.claimed.push((start, end));
            let block = strip_callouts(&text[start..end]);
            // Only documents ecekit knows: not a response example, not
            // `{{templating}}` prose.
            let Some(kind) = validate::known_kind(&block) else {
                continue;
            };
            self.check_body(&block, Source::Block(start), kind, &Target::default());
        }
    }
}

fn jsonc_range(value: &json::ast::Value<'_>) -> json::Range {
    use jsonc_parser::common::Ranged;
    value.range()
}

fn ends_digit(s: &str) -> bool {
    s.ends_with(|c: char| c.is_ascii_digit())
}

fn capitalise(s: &str) -> String {
    if s.is_empty() {
        return String::new();
    }
    let mut out = s.to_string();
    // The reasons are English text: ASCII upper-casing is enough and keeps
    // core's Unicode case tables out of the wasm.
    if let Some(first) = out.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    if !s.ends_with('.') {
        out.push('.');
    }
    out
}

/// At most 40 characters of `s`, for messages.
fn short(s: &str) -> String {
    if s.chars().count() > 40 {
        s.chars().take(40).collect::<String>() + "…"
    } else {
        s.to_string()
    }
}

/// `USER`, `PASSWORD`, `YOUR_API_KEY`, `<key>`: a docs placeholder.
fn is_placeholder(s: &str) -> bool {
    (s.len() >= 4
        && s.chars()
            .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit())
        && s.chars().any(|c| c.is_ascii_uppercase()))
        || (s.starts_with('<') && s.ends_with('>'))
}

fn api_key_variable(t: &Target) -> &'static str {
    if t.platform == Some(Platform::Ess) {
        api::request::VAR_EC_API_KEY
    } else if t.elasticsearch && !t.proxy && !t.suggested_proxy {
        api::request::VAR_ELASTIC_API_KEY
    } else {
        api::request::VAR_ECE_API_KEY
    }
}

/// `DEPLOYMENT_ID` for `{deployment_id}` / `<deployment-id>`.
fn placeholder_variable(seg: &str) -> String {
    seg.trim_matches(['{', '}', '<', '>'])
        .to_ascii_uppercase()
        .replace('-', "_")
}

/// Names assigned in the paste: `NAME=...`, `export NAME=...`, `read NAME`.
fn assigned_variables(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut line = line.trim_start().trim_start_matches("$ ");
        for prefix in ["export ", "declare -x ", "local ", "readonly "] {
            if let Some(r) = line.strip_prefix(prefix) {
                line = r.trim_start();
            }
        }
        if let Some(r) = line.strip_prefix("read ") {
            out.extend(
                r.split_whitespace()
                    .filter(|w| !w.starts_with('-') && is_name(w))
                    .map(str::to_string),
            );
            continue;
        }
        let end = line
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(line.len());
        if end > 0 && line[end..].starts_with('=') && is_name(&line[..end]) {
            out.push(line[..end].to_string());
        }
    }
    out
}

fn is_name(s: &str) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some(f) if f.is_ascii_alphabetic() || f == '_')
        && c.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The start of a `{` block on the first non-blank line after `from` (the
/// end of a command), if that line starts with `{`.
fn block_right_after(text: &str, from: usize) -> Option<usize> {
    let rest = text.get(from..)?;
    let skipped = rest.len() - rest.trim_start().len();
    let start = from + skipped;
    // Only on a later line, at its start (after indentation).
    let line_start = text[..start].rfind('\n').map_or(0, |n| n + 1);
    (text[start..].starts_with('{')
        && line_start >= from
        && text[line_start..start].trim().is_empty())
    .then_some(start)
}

/// The offset of the next line at or after `from` whose first non-blank
/// character is `{`.
fn next_block_start(text: &str, from: usize) -> Option<usize> {
    let mut i = from.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    // Find line starts at or after `from`.
    let mut line_start = if i == 0 || text.as_bytes()[i - 1] == b'\n' {
        i
    } else {
        text[i..].find('\n').map(|n| i + n + 1)?
    };
    while line_start < text.len() {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |n| line_start + n);
        let line = &text[line_start..line_end];
        let trimmed = line.trim_start();
        if trimmed.starts_with('{') {
            return Some(line_start + (line.len() - trimmed.len()));
        }
        line_start = line_end + 1;
    }
    None
}

/// The end of the `{ ... }` block starting at `start`, matched by counting
/// braces outside strings (the end of the text when unbalanced).
fn json_block_end(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (j, &b) in bytes.iter().enumerate().skip(start) {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                b'\n' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return j + 1;
                }
            }
            _ => {}
        }
    }
    text.len()
}

/// The block with doc callout markers (`<1>` at the end of a line, shown
/// as bubbles on the rendered page) blanked out, offsets unchanged.
fn strip_callouts(block: &str) -> String {
    let mut out = String::with_capacity(block.len());
    for (n, line) in block.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let t = line.trim_end();
        let cut = t.rfind('<').filter(|&i| {
            let inner = &t[i + 1..];
            inner.len() >= 2
                && inner.ends_with('>')
                && inner[..inner.len() - 1].chars().all(|c| c.is_ascii_digit())
                && t[..i].trim_end().ends_with([',', '{', '[', '"', '}', ']'])
        });
        match cut {
            Some(i) => {
                out.push_str(&line[..i]);
                out.push_str(&" ".repeat(line.len() - i));
            }
            None => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Vec<Finding> {
        let mut f = validate(text, &ValidateOptions::default());
        crate::finding::sort(&mut f);
        f
    }

    fn codes(findings: &[Finding]) -> Vec<&'static str> {
        findings.iter().map(|f| f.code).collect()
    }

    fn find<'a>(findings: &'a [Finding], code: &str) -> &'a Finding {
        findings
            .iter()
            .find(|f| f.code == code)
            .unwrap_or_else(|| panic!("no {code} in {findings:#?}"))
    }

    /// Applies one edit to `text`.
    fn apply(text: &str, edit: &Edit) -> String {
        format!(
            "{}{}{}",
            &text[..edit.start],
            edit.replacement,
            &text[edit.end..]
        )
    }

    const ECE: &str = "https://$COORDINATOR_HOST:12443/api/v1";

    #[test]
    fn a_clean_keystore_command_has_no_findings() {
        let text = format!(
            "curl -sS --fail-with-body -X PATCH \\\n  -H \"Authorization: ApiKey $ECE_API_KEY\" \\\n  -H 'Content-Type: application/json' \\\n  \"{ECE}/deployments/$DEPLOYMENT_ID/elasticsearch/$REF_ID/keystore\" \\\n  --data-binary @- <<'EOF'\n{{\"secrets\": {{\"s3.client.default.access_key\": {{\"value\": \"AKIAZ7Q3M5N2P4R6T8V1\"}}, \"s3.client.default.secret_key\": {{\"value\": \"q9TxLm3vR8pK2sW5yZ1aB4cD7eF0gH6jN8uQ2wE4\"}}}}}}\nEOF\n"
        );
        assert_eq!(check(&text), Vec::<Finding>::new());
    }

    #[test]
    fn heredoc_body_findings_are_placed_in_the_input() {
        let text = format!(
            "curl -X PATCH -H \"Authorization: ApiKey $ECE_API_KEY\" -H 'Content-Type: application/json' \"{ECE}/deployments/$DEPLOYMENT_ID/elasticsearch/$REF_ID/keystore\" --data-binary @- <<'EOF'\n{{\"secrets\": {{\n  \"s3.client.default.access_key\": {{\"value\": \"AKIAZ7Q3M5N2P4R6T8V1\"}}\n  \"s3.client.default.secret_key\": {{\"value\": \"q9TxLm3vR8pK2sW5yZ1aB4cD7eF0gH6jN8uQ2wE4\"}}}}}}\nEOF\n"
        );
        let f = check(&text);
        let comma = find(&f, json::MISSING_COMMA);
        assert_eq!(comma.location.line, 3, "{f:#?}");
        // Just after the value that needs the comma.
        assert_eq!(&text[comma.location.start - 1..comma.location.start], "}");
    }

    #[test]
    fn inline_body_in_single_quotes_is_checked_at_its_position() {
        let text = format!(
            "curl -X PUT -H \"Authorization: ApiKey $ECE_API_KEY\" -H 'X-Management-Request: true' -H 'Content-Type: application/json' \"{ECE}/deployments/$DEPLOYMENT_ID/elasticsearch/$REF_ID/proxy/_snapshot/my-repo\" -d '{{\"type\": \"s3\", \"settings\": {{\"bucket\": \"my-bucket\", \"clinet\": \"default\"}}}}'"
        );
        let f = check(&text);
        let unknown = find(&f, crate::repository::UNKNOWN_SETTING);
        assert_eq!(
            &text[unknown.location.start..unknown.location.end],
            "\"clinet\""
        );
    }

    #[test]
    fn proxy_calls_need_the_management_header_and_json_content_type() {
        let text = format!(
            "curl -X PUT -H \"Authorization: ApiKey $ECE_API_KEY\" \"{ECE}/deployments/$DEPLOYMENT_ID/elasticsearch/$REF_ID/proxy/_snapshot/my-repo\" -d '{{\"type\": \"s3\", \"settings\": {{\"bucket\": \"my-bucket\", \"client\": \"default\"}}}}'"
        );
        let f = check(&text);
        let header = find(&f, MISSING_MANAGEMENT_HEADER);
        assert_eq!(header.severity, Severity::Error);
        let ct = find(&f, MISSING_CONTENT_TYPE);
        assert_eq!(ct.severity, Severity::Error);
        // Both fixes applied: clean.
        let fixed = apply(&text, ct.fix.as_ref().unwrap());
        let f2 = check(&fixed);
        let fixed = apply(
            &fixed,
            find(&f2, MISSING_MANAGEMENT_HEADER).fix.as_ref().unwrap(),
        );
        assert_eq!(check(&fixed), Vec::<Finding>::new(), "{fixed}");
    }

    #[test]
    fn the_old_clusters_snapshot_path_gets_the_proxy_path() {
        let text = format!(
            "curl -X PUT -H \"Authorization: ApiKey $ECE_API_KEY\" -H 'Content-Type: application/json' \"{ECE}/clusters/elasticsearch/$CLUSTER_ID/_snapshot/s3-repo\" -d '{{\"type\": \"s3\", \"settings\": {{\"bucket\": \"b-1\", \"client\": \"default\"}}}}'"
        );
        let f = check(&text);
        let path = find(&f, UNKNOWN_PATH);
        assert_eq!(path.severity, Severity::Error);
        assert!(path.help.contains(
            "/api/v1/deployments/$DEPLOYMENT_ID/elasticsearch/$REF_ID/proxy/_snapshot/s3-repo"
        ));
        let fixed = apply(&text, path.fix.as_ref().unwrap());
        assert!(fixed.contains("/proxy/_snapshot/s3-repo\""), "{fixed}");
        assert!(codes(&f).contains(&MISSING_MANAGEMENT_HEADER));
        let f = check(&fixed);
        assert_eq!(codes(&f), vec![MISSING_MANAGEMENT_HEADER], "{f:#?}");
    }

    #[test]
    fn wrong_method_explicit_and_implicit() {
        let url = format!("\"{ECE}/deployments/$DEPLOYMENT_ID/elasticsearch/$REF_ID/keystore\"");
        let auth = "-H \"Authorization: ApiKey $ECE_API_KEY\" -H 'Content-Type: application/json'";
        let text = format!("curl -X PUT {auth} {url} -d '{{\"secrets\": {{}}}}'");
        let f = check(&text);
        let m = find(&f, WRONG_METHOD);
        assert_eq!(&text[m.location.start..m.location.end], "PUT");
        assert!(m.message.contains("PATCH"), "{}", m.message);
        // The keystore takes GET and PATCH: a command with a body means PATCH.
        assert_eq!(m.help, "Use -X PATCH.");
        let fixed = apply(&text, m.fix.as_ref().expect("a fix"));
        assert!(fixed.starts_with("curl -X PATCH "), "{fixed}");
        assert!(find_none(&check(&fixed), WRONG_METHOD));
        // Without a body, GET is what is meant.
        let text = format!("curl -X DELETE {auth} {url}");
        let m = find(&check(&text), WRONG_METHOD).clone();
        assert_eq!(m.help, "Use -X GET.");
        assert_eq!(
            apply(&text, m.fix.as_ref().expect("a fix")),
            format!("curl -X GET {auth} {url}")
        );
        let text = format!("curl {auth} {url} -d '{{\"secrets\": {{}}}}'");
        let f = check(&text);
        assert!(find(&f, WRONG_METHOD).message.contains("no -X"));
    }

    fn find_none(findings: &[Finding], code: &str) -> bool {
        !findings.iter().any(|f| f.code == code)
    }

    #[test]
    fn missing_body_on_a_put() {
        let text = format!(
            "curl -X PUT -H \"Authorization: ApiKey $ECE_API_KEY\" -H 'X-Management-Request: true' \"{ECE}/deployments/$DEPLOYMENT_ID/elasticsearch/$REF_ID/proxy/_snapshot/r\""
        );
        let f = check(&text);
        assert_eq!(codes(&f), vec![MISSING_BODY], "{f:#?}");
    }

    #[test]
    fn json_after_a_trailing_backslash_is_not_sent() {
        let text = format!(
            "curl -X PATCH -H \"Authorization: ApiKey $ECE_API_KEY\" {ECE}/deployments/$DEPLOYMENT_ID/elasticsearch/$REF_ID/keystore \\\n{{\n  \"secrets\": {{\"a.b\": {{}}}}\n}}\n"
        );
        let f = check(&text);
        let ns = find(&f, BODY_NOT_SENT);
        assert_eq!((ns.location.line, ns.location.column), (2, 1));
        assert!(!codes(&f).contains(&MISSING_BODY));
        assert!(!codes(&f).contains(&EXTRA_ARGUMENT));
        let fixed = apply(&text, ns.fix.as_ref().unwrap());
        assert!(
            fixed.contains(
                "/keystore -H 'Content-Type: application/json' --data-binary @- <<'EOF'\n{\n"
            ),
            "{fixed}"
        );
        let f = check(&fixed);
        assert!(!codes(&f).contains(&BODY_NOT_SENT), "{fixed}\n{f:#?}");
        assert!(
            !codes(&f).contains(&MISSING_CONTENT_TYPE),
            "{fixed}\n{f:#?}"
        );
    }

    #[test]
    fn misspelt_and_bare_variables() {
        let text = "curl -H \"Authorization: ApiKey $ECE_API_KEY\" https://$COODINATOR_HOST:12443/api/v1/deployments/DEPLOYMENT_ID\n".to_string();
        let f = check(&text);
        let m = find(&f, MISSPELT_VARIABLE);
        assert_eq!(&text[m.location.start..m.location.end], "COODINATOR_HOST");
        assert_eq!(m.fix.as_ref().unwrap().replacement, "COORDINATOR_HOST");
        let b = find(&f, BARE_PLACEHOLDER);
        assert_eq!(&text[b.location.start..b.location.end], "DEPLOYMENT_ID");
        let fixed = apply(&text, b.fix.as_ref().unwrap());
        assert!(fixed.contains("/deployments/$DEPLOYMENT_ID"));
        // Set in the paste: not a misspelling.
        let text = format!("export COODINATOR_HOST=ece.example\n{text}");
        assert!(!codes(&check(&text)).contains(&MISSPELT_VARIABLE));
    }

    #[test]
    fn insecure_gets_cacert_and_a_literal_key_is_not_quoted_whole() {
        let text = format!(
            "curl -sSk -H 'Authorization: ApiKey c2VjcmV0a2V5dmFsdWU=' \"{ECE}/deployments\""
        );
        let f = check(&text);
        let k = find(&f, INSECURE);
        assert_eq!(&text[k.location.start..k.location.end], "k");
        assert_eq!(
            k.fix.as_ref().unwrap().replacement,
            "-sS --cacert \"$ECE_CA_CERT\""
        );
        let lit = find(&f, LITERAL_CREDENTIAL);
        assert!(lit.message.contains("c2Vj"));
        assert!(!lit.message.contains("c2VjcmV0"), "{}", lit.message);
        let fixed = apply(&text, lit.fix.as_ref().unwrap());
        assert!(fixed.contains("\"Authorization: ApiKey $ECE_API_KEY\""));
    }

    #[test]
    fn stdin_sources_pipes_and_curl_exe() {
        let base = format!(
            "-X PATCH -H \"Authorization: ApiKey $ECE_API_KEY\" -H 'Content-Type: application/json' \"{ECE}/deployments/$DEPLOYMENT_ID/elasticsearch/$REF_ID/keystore\" --data-binary @-"
        );
        let f = check(&format!("curl {base}\n"));
        assert_eq!(codes(&f), vec![STDIN_EMPTY]);
        // A body piped from echo is checked.
        let f = check(&format!("echo '{{\"secrets\": 1}}' | curl {base}\n"));
        assert_eq!(
            codes(&f),
            vec![crate::keystore::SECRETS_NOT_OBJECT],
            "{f:#?}"
        );
        // After && and as curl.exe.
        let f = check(&format!("cd /tmp && curl.exe -k {base} <<< '{{}}'\n"));
        assert!(codes(&f).contains(&INSECURE), "{f:#?}");
    }

    #[test]
    fn doc_placeholders_in_the_url() {
        let text = format!(
            "curl -H \"Authorization: ApiKey $ECE_API_KEY\" \"{ECE}/deployments/{{deployment_id}}\""
        );
        let f = check(&text);
        let p = find(&f, TEMPLATE_PLACEHOLDER);
        assert_eq!(&text[p.location.start..p.location.end], "{deployment_id}");
        assert!(p.help.contains("$DEPLOYMENT_ID"));
    }

    #[test]
    fn single_quoted_variables_do_not_expand() {
        let text = format!("curl -H 'Authorization: ApiKey $ECE_API_KEY' \"{ECE}/deployments\"");
        let f = check(&text);
        assert_eq!(codes(&f), vec![VARIABLE_NOT_EXPANDED]);
    }

    #[test]
    fn elasticsearch_endpoints_and_missing_prefix() {
        let f = check("curl -X GET -H \"Authorization: ApiKey $ELASTIC_API_KEY\" \"$ELASTICSEARCH_URL/_snapshot/r/_verify\"");
        assert_eq!(codes(&f), vec![WRONG_METHOD]);
        let text = "curl -H \"Authorization: ApiKey $ECE_API_KEY\" \"https://$COORDINATOR_HOST:12443/deployments\"";
        let f = check(text);
        let p = find(&f, MISSING_API_PREFIX);
        assert!(apply(text, p.fix.as_ref().unwrap()).contains(":12443/api/v1/deployments"));
    }

    #[test]
    fn prose_and_response_examples_are_left_alone() {
        let text = "{{ece}} API keys\n\nThe answer:\n\n{ \"token\": \"eyJ0eXa\" }\n";
        assert_eq!(check(text), Vec::<Finding>::new());
        let f = check("nothing here");
        assert_eq!(codes(&f), vec![NO_COMMAND]);
    }

    #[test]
    fn prose_starting_with_curl_and_deployment_ids() {
        assert_eq!(check("curl is a tool you need.\n"), Vec::<Finding>::new());
        let text = format!(
            "curl -H \"Authorization: ApiKey $ECE_API_KEY\" \"{ECE}/deployments/my-cluster\""
        );
        let f = check(&text);
        let id = find(&f, DEPLOYMENT_ID_FORMAT);
        assert_eq!(&text[id.location.start..id.location.end], "my-cluster");
        let text = text.replace("my-cluster", "0123456789abcdef0123456789abcdef");
        assert_eq!(check(&text), Vec::<Finding>::new());
    }

    #[test]
    fn powershell_is_named_not_misread_as_bash() {
        let text = "@'\n{\"secrets\": {}}\n'@ | curl.exe -sS `\n  -X PATCH `\n  -H 'Content-Type: application/json' `\n  \"https://${env:COORDINATOR_HOST}:12443/api/v1/deployments\"\n";
        let f = check(text);
        assert_eq!(
            codes(&f),
            vec![crate::keystore::EMPTY, POWERSHELL],
            "{f:#?}"
        );
        assert_eq!(f[1].location.line, 3);
    }

    #[test]
    fn only_the_json_right_below_a_command_is_its_body() {
        let cmd = format!(
            "curl -X PATCH -H \"Authorization: ApiKey $ECE_API_KEY\" \"{ECE}/deployments/$DEPLOYMENT_ID/elasticsearch/$REF_ID/keystore\""
        );
        let f = check(&format!("{cmd}\n\n{{\"secrets\": {{}}}}\n"));
        assert!(codes(&f).contains(&BODY_NOT_SENT), "{f:#?}");
        // Prose in between: the JSON is something else (and the body is missing).
        let f = check(&format!("{cmd}\n\nThe answer:\n\n{{\"secrets\": {{}}}}\n"));
        assert!(!codes(&f).contains(&BODY_NOT_SENT), "{f:#?}");
        assert!(codes(&f).contains(&MISSING_BODY), "{f:#?}");
        // A GET followed by JSON: the response.
        let get = cmd.replace("-X PATCH", "-X GET");
        let f = check(&format!(
            "{get}\n{{\"secrets\": {{\"a.b\": {{\"as_file\": false}}}}}}\n"
        ));
        assert!(!codes(&f).contains(&BODY_NOT_SENT), "{f:#?}");
    }

    #[test]
    fn a_body_file_written_in_the_paste_is_checked_as_the_body() {
        let text = format!(
            "cat > body.json <<'EOF'\n{{\"type\": \"s3\", \"settings\": {{\"bucket\": \"b-1\", \"client\": \"default\", \"base_path\": \"x\"}}}}\nEOF\ncurl -X PUT -H \"Authorization: ApiKey $ECE_API_KEY\" -H 'X-Management-Request: true' -H 'Content-Type: application/json' \"{ECE}/deployments/$DEPLOYMENT_ID/elasticsearch/$REF_ID/proxy/_snapshot/r\" --data-binary @body.json\n"
        );
        let f = check(&text);
        // Checked as an ECE repository (from the URL): base_path is flagged.
        assert_eq!(
            codes(&f),
            vec![crate::repository::BASE_PATH_ON_ECE],
            "{f:#?}"
        );
        assert_eq!(f[0].location.line, 2);
    }

    #[test]
    fn the_coordinator_port_needs_https() {
        let text = "curl -H \"Authorization: ApiKey $ECE_API_KEY\" $COORDINATOR_HOST:12443/api/v1/deployments";
        let f = check(text);
        let p = find(&f, SCHEME_PORT);
        let fixed = apply(text, p.fix.as_ref().unwrap());
        assert!(fixed.ends_with(" https://$COORDINATOR_HOST:12443/api/v1/deployments"));
        assert_eq!(check(&fixed), Vec::<Finding>::new());
        let f = check(&fixed.replace("https://", "http://"));
        assert_eq!(codes(&f), vec![SCHEME_PORT]);
    }

    #[test]
    fn callouts_are_blanked_keeping_offsets() {
        let s = strip_callouts("{\n  \"a\": 1,<1>\n  \"b\": \"<2>\"\n}");
        assert_eq!(s, "{\n  \"a\": 1,   \n  \"b\": \"<2>\"\n}");
    }
}
