//! Shared by the render tests: run a script with bash against a loopback
//! HTTP listener and capture the request it sent.

#![allow(dead_code)]

pub mod hcl;
pub mod powershell;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// What the listener received.
#[derive(Debug)]
pub struct Received {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A loopback listener that answers one request with 200 `{}`.
pub struct Loopback {
    pub port: u16,
    rx: mpsc::Receiver<Received>,
}

impl Loopback {
    pub fn start() -> Loopback {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().unwrap().port();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let Ok((stream, _)) = listener.accept() else {
                return;
            };
            stream.set_read_timeout(Some(Duration::from_secs(10))).ok();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let mut parts = line.split_whitespace();
            let method = parts.next().unwrap_or("").to_string();
            let target = parts.next().unwrap_or("").to_string();
            let mut headers = Vec::new();
            loop {
                let mut h = String::new();
                reader.read_line(&mut h).unwrap();
                let h = h.trim_end_matches(['\r', '\n']);
                if h.is_empty() {
                    break;
                }
                if let Some((n, v)) = h.split_once(':') {
                    headers.push((n.trim().to_string(), v.trim().to_string()));
                }
            }
            let find = |name: &str| {
                headers
                    .iter()
                    .find(|(n, _): &&(String, String)| n.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.clone())
            };
            let mut out = stream;
            if find("Expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
                out.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").unwrap();
            }
            let len: usize = find("Content-Length")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let mut body = vec![0u8; len];
            reader.read_exact(&mut body).unwrap();
            out.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
            )
            .unwrap();
            let _ = tx.send(Received {
                method,
                target,
                headers,
                body,
            });
        });
        Loopback { port, rx }
    }

    pub fn received(&self) -> Received {
        self.rx
            .recv_timeout(Duration::from_secs(20))
            .expect("the command reached the listener")
    }
}

/// Runs `script` with `bash -c` in `dir`, with a clean environment holding
/// only PATH, HOME (= dir, so no ~/.curlrc) and `vars`.
pub fn run_bash(script: &str, dir: &Path, vars: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new("bash");
    cmd.arg("-c")
        .arg(script)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", dir)
        .stdin(Stdio::null());
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.output().expect("bash runs")
}

/// `bash -n`: the script parses.
pub fn bash_syntax_ok(script: &str) -> Result<(), String> {
    let out = Command::new("bash")
        .arg("-n")
        .arg("-c")
        .arg(script)
        .output()
        .expect("bash runs");
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// A fresh private directory under the target dir.
pub fn temp_dir(tag: &str) -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "ecekit-render-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Checks that curl exists (the tests need it: `apt-get install -y curl`).
pub fn require_curl() {
    let ok = Command::new("curl")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "curl is required by the render tests: apt-get install -y curl"
    );
}

/// Text built from the pieces that break quoting in some shell or format:
/// quotes (with PowerShell's typographic ones), `$` expansions, backticks,
/// backslashes, heredoc and here-string ends, comment starts, line breaks,
/// terminal escape sequences and other control characters.
pub fn nasty_text() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let fixed: Vec<&'static str> = vec![
        "'", "''", "\"", "\u{2018}", "\u{2019}", "\u{201a}", "\u{201b}", "\u{201c}", "\u{201d}",
        "\u{201e}", "$", "$HOME", "${PATH}", "$(id)", "`id`", "\\", "\\n", "\n", "\r\n", "\r",
        "\t", "EOF", "\nEOF\n", "'@", "\n\u{2019}@", "#", "//", "/*", "${x}", "%{y}", "!", "*",
        ";", "|", "&", "`", "@'", "$env:X", " ", "\u{a0}", "C:\\a", "é", "😀", "\u{7f}", "\u{85}", "\u{9b}", "\u{2028}", "\u{202e}",
        "\u{1b}]0;title\u{7}", "\u{1b}[2J",
        "\nresource \"null_resource\" \"x\" {\n  provisioner \"local-exec\" { command = \"calc\" }\n}\n#",
    ];
    let piece = prop_oneof![
        4 => prop::sample::select(fixed).prop_map(String::from),
        1 => "[ -~]{1,6}",
        1 => any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..8).prop_map(|v| v.concat())
}

/// `$NAME` and `${NAME}` of `text` replaced by `env(NAME)`, as a shell
/// expands them: what a command means wherever it runs.
pub fn expand(text: &str, env: &dyn Fn(&str) -> String) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        let braced = chars.peek() == Some(&'{');
        let rest: String = chars.clone().skip(usize::from(braced)).collect();
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let closed = !braced || rest[name.len()..].starts_with('}');
        if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) || !closed {
            out.push('$');
            continue;
        }
        for _ in 0..name.len() + 2 * usize::from(braced) {
            chars.next();
        }
        out.push_str(&env(&name));
    }
    out
}

/// True for the characters no name or path should carry raw: control
/// characters, line and paragraph separators, and the invisible bidi
/// controls that reorder how a line reads.
pub fn is_control(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A program `name` in `dir/bin` that records each call's arguments in
/// `dir/calls/N` (NUL-separated).
pub fn recording_program(dir: &Path, name: &str) {
    use std::os::unix::fs::PermissionsExt;
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::create_dir_all(dir.join("calls")).unwrap();
    let path = bin.join(name);
    std::fs::write(
        &path,
        format!(
            "#!/bin/bash\ncalls='{}'\nn=$(ls \"$calls\" | wc -l)\nprintf '%s\\0' \"$@\" > \"$calls/$n\"\n",
            dir.join("calls").display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// The arguments of each recorded call, in order.
pub fn recorded_calls(dir: &Path) -> Vec<Vec<String>> {
    let mut calls: Vec<(usize, Vec<String>)> = std::fs::read_dir(dir.join("calls"))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let n: usize = e.file_name().to_string_lossy().parse().unwrap();
            let bytes = std::fs::read(e.path()).unwrap();
            let mut args: Vec<String> = bytes
                .split(|b| *b == 0)
                .map(|a| String::from_utf8(a.to_vec()).unwrap())
                .collect();
            args.pop(); // after the last NUL
            (n, args)
        })
        .collect();
    calls.sort();
    calls.into_iter().map(|(_, a)| a).collect()
}
