//! THE property: a keystore body for any secret, rendered as bash curl and
//! executed by bash against a loopback listener, arrives byte for byte, with
//! the API key taken from the environment.

mod render_common;

use ecekit_core::api::{build_request, Operation, RequestSpec, Target};
use ecekit_core::keystore::{patch_body, Secret, SecretChange, SecretValue};
use ecekit_core::render::{curl_bash, curl_powershell, heredoc_delimiter, RenderOptions};
use proptest::prelude::*;
use render_common::{require_curl, run_bash, temp_dir, Loopback};

/// Secrets built from the pieces that break naive quoting.
fn nasty_secret() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("'".to_string()),
        Just("\"".to_string()),
        Just("$".to_string()),
        Just("$HOME".to_string()),
        Just("${PATH}".to_string()),
        Just("$(id)".to_string()),
        Just("`id`".to_string()),
        Just("\\".to_string()),
        Just("\\n".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\t".to_string()),
        Just("EOF".to_string()),
        Just("\nEOF\n".to_string()),
        Just("'EOF'".to_string()),
        Just("!".to_string()),
        Just("*".to_string()),
        Just("é".to_string()),
        Just("ß漢字".to_string()),
        Just("😀".to_string()),
        Just("\u{0}".to_string()),
        Just("\u{7f}".to_string()),
        Just("\u{2028}".to_string()),
        // PowerShell reads these as quotes (IsSingleQuote / IsDoubleQuote).
        Just("\u{2018}".to_string()),
        Just("\u{2019}".to_string()),
        Just("\u{201a}".to_string()),
        Just("\u{201b}".to_string()),
        Just("\u{201c}".to_string()),
        Just("\u{201d}".to_string()),
        Just("\u{201e}".to_string()),
        Just("\n\u{2019}@".to_string()),
        Just("\u{1b}]0;title\u{7}".to_string()),
        "[ -~]{1,6}",
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

/// An API key value: anything a header can hold, at least 16 characters
/// (real keys are longer), so that it cannot turn up in the command by chance
/// (a 2-character key such as `'"` is part of any quoted command).
fn api_key() -> impl Strategy<Value = String> {
    "[!-~][ -~]{14,60}[!-~]"
}

fn run_case(secret: &str, key: &str, target: Target) -> Result<(), TestCaseError> {
    let body = patch_body(&[SecretChange::Set(Secret::new(
        "s3.client.default.secret_key",
        SecretValue::Text(secret.to_string()),
    ))]);
    let req =
        build_request(&RequestSpec::new(Operation::KeystoreSet, target.clone()).body(body.clone()))
            .map_err(|e| TestCaseError::fail(e.message))?;
    // The generator's body ends with a newline: the request sends it as is.
    prop_assert_eq!(req.body.as_deref(), Some(body.as_str()));
    let rendered = curl_bash(&req, &RenderOptions::default()).unwrap();
    prop_assert!(
        !rendered.text.contains(key),
        "the key never appears in the command"
    );

    let server = Loopback::start();
    let host = format!("127.0.0.1:{}", server.port);
    let dir = temp_dir("roundtrip");
    let out = run_bash(
        &rendered.text,
        &dir,
        &[
            ("COORDINATOR_HOST", host.as_str()),
            ("DEPLOYMENT_ID", "0123456789abcdef0123456789abcdef"),
            ("REF_ID", "main-elasticsearch"),
            ("ECE_API_KEY", key),
        ],
    );
    let _ = std::fs::remove_dir_all(&dir);
    prop_assert!(
        out.status.success(),
        "bash failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        rendered.text
    );
    let got = server.received();
    prop_assert_eq!(got.method.as_str(), "PATCH");
    prop_assert_eq!(
        got.target.as_str(),
        "/api/v1/deployments/0123456789abcdef0123456789abcdef/elasticsearch/main-elasticsearch/keystore"
    );
    let auth = format!("ApiKey {key}");
    prop_assert_eq!(got.header("Authorization"), Some(auth.as_str()));
    prop_assert_eq!(got.header("Content-Type"), Some("application/json"));
    prop_assert!(
        got.body == body.as_bytes(),
        "body differs:\nsent     {:?}\nreceived {:?}",
        body,
        String::from_utf8_lossy(&got.body)
    );
    let v: serde_json::Value = serde_json::from_slice(&got.body).unwrap();
    prop_assert_eq!(
        v["secrets"]["s3.client.default.secret_key"]["value"].as_str(),
        Some(secret)
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn keystore_body_arrives_byte_identical(secret in nasty_secret(), key in api_key()) {
        require_curl();
        // http://$COORDINATOR_HOST: a scheme given keeps the host variable as is.
        run_case(&secret, &key, Target::Ece { coordinator: Some("http://$COORDINATOR_HOST".into()) })?;
    }

    /// Any body text (not only JSON: lines equal to EOF, quotes, CRs) reaches
    /// an Elasticsearch endpoint exactly, plus the final newline a heredoc adds.
    #[test]
    fn raw_bodies_arrive_exactly(
        lines in prop::collection::vec(prop_oneof![
            Just("EOF".to_string()),
            Just("EOF_1".to_string()),
            Just("'EOF'".to_string()),
            Just(" EOF".to_string()),
            Just("EOF\r".to_string()),
            "[^\u{0}\n]{0,12}",
        ], 1..8),
        trailing_newline in any::<bool>(),
    ) {
        require_curl();
        let mut body = lines.join("\n");
        if body.trim().is_empty() {
            body.push('x');
        }
        if trailing_newline {
            body.push('\n');
        }
        let req = build_request(
            &RequestSpec::new(Operation::RepositoryPut, Target::Elasticsearch { endpoint: None })
                .repository("my-repo")
                .body(body.clone()),
        ).unwrap();
        let expected = if body.ends_with('\n') { body.clone() } else { format!("{body}\n") };
        prop_assert_eq!(req.body.as_deref(), Some(expected.as_str()));
        let rendered = curl_bash(&req, &RenderOptions::default()).unwrap();
        let delimiter = heredoc_delimiter(&expected);
        prop_assert!(!expected.split('\n').any(|l| l == delimiter));

        let server = Loopback::start();
        let url = format!("http://127.0.0.1:{}", server.port);
        let dir = temp_dir("raw");
        let out = run_bash(&rendered.text, &dir, &[("ELASTICSEARCH_URL", url.as_str()), ("ELASTIC_API_KEY", "k")]);
        let _ = std::fs::remove_dir_all(&dir);
        prop_assert!(out.status.success(), "bash failed: {}", String::from_utf8_lossy(&out.stderr));
        let got = server.received();
        prop_assert_eq!(got.method.as_str(), "PUT");
        prop_assert_eq!(got.target.as_str(), "/_snapshot/my-repo");
        prop_assert!(got.body == expected.as_bytes(), "received {:?}", String::from_utf8_lossy(&got.body));
    }
}

/// Elastic Cloud repository requests are redirected to `$ELASTICSEARCH_URL`;
/// the rendered command really goes there.
#[test]
fn ess_redirected_request_runs_against_the_elasticsearch_url() {
    require_curl();
    let body = "{\"type\":\"s3\",\"settings\":{\"bucket\":\"b\",\"client\":\"default\"}}\n";
    let req = build_request(
        &RequestSpec::new(Operation::RepositoryPut, Target::Ess)
            .repository("s3-repo")
            .body(body),
    )
    .unwrap();
    let rendered = curl_bash(&req, &RenderOptions::default()).unwrap();
    let server = Loopback::start();
    let url = format!("http://127.0.0.1:{}", server.port);
    let dir = temp_dir("ess");
    let out = run_bash(
        &rendered.text,
        &dir,
        &[
            ("ELASTICSEARCH_URL", url.as_str()),
            ("ELASTIC_API_KEY", "es-key=="),
        ],
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = server.received();
    assert_eq!(got.target, "/_snapshot/s3-repo");
    assert_eq!(got.header("Authorization"), Some("ApiKey es-key=="));
    assert_eq!(got.body, body.as_bytes());
}

// PowerShell is not installable here: its commands are read back with a
// reader of PowerShell's quoting rules (render_common/powershell.rs), which
// must find exactly the statements and arguments the renderer meant.

fn ps_env(name: &str) -> String {
    match name {
        "HOME" => "/home/u".into(),
        "PATH" => "/usr/bin".into(),
        "ELASTICSEARCH_URL" => "https://es.example.com:9243".into(),
        "ELASTIC_API_KEY" => "es-key==".into(),
        _ => String::new(),
    }
}

/// `text` as a shell expands it, with [`ps_env`].
fn expand(text: &str) -> String {
    render_common::expand(text, &ps_env)
}

/// The here-string piped in (if any) and the arguments of the one command
/// of a rendered script; an error for anything else it would run.
fn powershell_command(script: &str) -> Result<(Option<String>, Vec<String>), String> {
    use render_common::powershell::{statements, value, Token};
    let encoding = statements("$OutputEncoding = [System.Text.UTF8Encoding]::new($false)\n")?;
    let mut command = None;
    for statement in statements(script)? {
        if statement == encoding[0] {
            continue;
        }
        let (here, rest) = match statement.as_slice() {
            [Token::HereString(h), Token::Pipe, rest @ ..] => (Some(h.clone()), rest),
            rest => (None, rest),
        };
        let words = rest
            .iter()
            .map(|t| match t {
                Token::Word(w) => value(w, &ps_env),
                other => Err(format!("{other:?} in the command")),
            })
            .collect::<Result<Vec<_>, _>>()?;
        if command.replace((here, words)).is_some() {
            return Err("a second command".into());
        }
    }
    command.ok_or_else(|| "no command".into())
}

/// The arguments curl.exe must receive for `request`.
fn expected_arguments(request: &ecekit_core::api::Request, options: &RenderOptions) -> Vec<String> {
    let mut args: Vec<String> = ["curl.exe", "-sS", "--fail-with-body"]
        .map(String::from)
        .to_vec();
    if request.method != "GET" || request.body.is_some() {
        args.extend(["-X".to_string(), request.method.to_string()]);
    }
    if options.insecure {
        args.push("-k".into());
    }
    if let Some(ca) = &options.cacert {
        args.extend(["--cacert".to_string(), expand(ca)]);
    }
    for h in &request.headers {
        args.extend([
            "-H".to_string(),
            expand(&format!("{}: {}", h.name, h.value)),
        ]);
    }
    if request.body.is_some() {
        args.extend(["--data-binary".to_string(), "@-".to_string()]);
    }
    args.push(expand(&request.url));
    args
}

fn repository_put(body: &str) -> ecekit_core::api::Request {
    build_request(
        &RequestSpec::new(
            Operation::RepositoryPut,
            Target::Elasticsearch { endpoint: None },
        )
        .repository("my-repo")
        .body(body),
    )
    .unwrap()
}

/// Control characters have no place in a path or a name: refused, never
/// written raw into a script.
fn has_control(text: &str) -> bool {
    text.chars().any(render_common::is_control)
}

/// A line of `body` (after any of PowerShell's line breaks) that starts with
/// a single-quote character and `@` would end the here-string.
fn has_here_string_footer(body: &str) -> bool {
    use render_common::powershell::is_single_quote;
    body.split(['\r', '\n']).any(|line| {
        let mut c = line.chars();
        c.next().is_some_and(is_single_quote) && c.next() == Some('@')
    })
}

#[test]
fn powershell_typographic_quotes_stay_inside_the_string() {
    let request = repository_put("{}\n");
    for cacert in [
        "C:\\a\u{2019}; Start-Process calc; \u{2019}x",
        "C:\\a\u{2018}\u{201a}\u{201b}'",
        "/x$HOME\u{201c}; calc; \u{201d}",
        "$HOME\u{201e}",
    ] {
        let options = RenderOptions {
            insecure: false,
            cacert: Some(cacert.into()),
        };
        let rendered = curl_powershell(&request, &options).unwrap();
        assert_eq!(
            powershell_command(&rendered.text).map(|c| c.1),
            Ok(expected_arguments(&request, &options)),
            "{}",
            rendered.text
        );
    }
}

#[test]
fn powershell_here_string_ends_at_any_single_quote_and_at() {
    for body in [
        "x\n\u{2019}@ oops\n",
        "x\n\u{2018}@\n",
        "x\r'@\n",
        "\u{201b}@\n",
    ] {
        let request = repository_put(body);
        assert!(
            curl_powershell(&request, &RenderOptions::default()).is_err(),
            "{body:?}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any CA certificate path reaches curl.exe as one argument, exactly (its
    /// variables expanded); only a path PowerShell cannot quote is refused.
    #[test]
    fn powershell_words_round_trip(cacert in render_common::nasty_text(), insecure in any::<bool>()) {
        let request = repository_put("{\"type\": \"fs\"}\n");
        let options = RenderOptions { insecure, cacert: Some(cacert.clone()) };
        match curl_powershell(&request, &options) {
            Ok(rendered) => {
                let (here, args) = powershell_command(&rendered.text)
                    .map_err(|e| TestCaseError::fail(format!("{e}\n{}", rendered.text)))?;
                prop_assert_eq!(here.as_deref(), Some("{\"type\": \"fs\"}"));
                prop_assert_eq!(args, expected_arguments(&request, &options), "{}", rendered.text);
            }
            Err(e) => prop_assert!(
                cacert.contains('$') || has_control(&cacert),
                "{cacert:?} refused: {e}"
            ),
        }
    }

    /// Any body reaches the here-string exactly; only a body with a line that
    /// would end the here-string is refused.
    #[test]
    fn powershell_here_string_round_trips(
        lines in prop::collection::vec(render_common::nasty_text(), 1..6),
        trailing_newline in any::<bool>(),
    ) {
        // A request body cannot hold a NUL at all (build_request says so).
        let mut body = lines.join("\n").replace('\0', "");
        if body.trim().is_empty() {
            body.push('x');
        }
        if trailing_newline {
            body.push('\n');
        }
        let request = repository_put(&body);
        let sent = request.body.clone().unwrap();
        match curl_powershell(&request, &RenderOptions::default()) {
            Ok(rendered) => {
                prop_assert!(!has_here_string_footer(&sent), "{sent:?} rendered:\n{}", rendered.text);
                let (here, args) = powershell_command(&rendered.text)
                    .map_err(|e| TestCaseError::fail(format!("{e}\n{}", rendered.text)))?;
                // The final line break (`\n`, or `\r\n`, one line break to
                // PowerShell) is not part of the value: the pipe adds one back.
                let expected = sent.strip_suffix('\n').map(|s| s.strip_suffix('\r').unwrap_or(s));
                prop_assert_eq!(here.as_deref(), expected);
                prop_assert_eq!(args, expected_arguments(&request, &RenderOptions::default()));
            }
            Err(_) => prop_assert!(has_here_string_footer(&sent), "{sent:?} refused"),
        }
    }
}
