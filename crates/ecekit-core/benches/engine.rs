//! `make bench`: how long full validation takes compared with a bare
//! `serde_json::from_str::<Value>` of the same input, in the same run.
//! Target: validation within 3x of bare parsing. Prints figures; asserts nothing.

use ecekit_core::validate::validate;
use ecekit_core::{DocumentKind, ValidateOptions};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// A keystore PATCH body of about `bytes` bytes with many S3 clients.
fn keystore_body(bytes: usize) -> String {
    let mut entries = Vec::new();
    let mut size = 0;
    let mut i = 0;
    while size < bytes {
        for (setting, value) in [
            ("access_key", format!("AKIA{:016}", i).replace('0', "Q")),
            ("secret_key", format!("{:0>40}", format!("s3cr3t/key+{i}"))),
        ] {
            let entry = format!(
                "    \"s3.client.c{i}.{setting}\": {{\n      \"value\": \"{value}\",\n      \"as_file\": false\n    }}"
            );
            size += entry.len() + 2;
            entries.push(entry);
        }
        i += 1;
    }
    format!("{{\n  \"secrets\": {{\n{}\n  }}\n}}\n", entries.join(",\n"))
}

/// An identity policy with `statements` statements over many buckets.
fn large_policy(statements: usize) -> String {
    let mut out = Vec::new();
    for i in 0..statements {
        let bucket = format!("snapshots-{i}.example.com");
        out.push(format!(
            r#"    {{
      "Sid": "Bucket{i}",
      "Effect": "Allow",
      "Action": ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads", "s3:ListBucketVersions"],
      "Resource": ["arn:aws:s3:::{bucket}"]
    }},
    {{
      "Sid": "Objects{i}",
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
      "Resource": ["arn:aws:s3:::{bucket}/*"]
    }}"#
        ));
    }
    format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n{}\n  ]\n}}\n",
        out.join(",\n")
    )
}

/// A keystore body where every entry has a finding (a misspelt setting
/// name, `acess_key`): `clients` S3 clients, pretty-printed or minified
/// (one line, as a pasted API answer or a generated file often is).
fn misspelt_keystore(clients: usize, minified: bool) -> String {
    let mut secrets = serde_json::Map::new();
    for i in 0..clients {
        secrets.insert(
            format!("s3.client.c{i}.acess_key"),
            serde_json::json!({ "value": format!("AKIAQQQQ{i:012}") }),
        );
        secrets.insert(
            format!("s3.client.c{i}.secret_key"),
            serde_json::json!({ "value": "x".repeat(40) }),
        );
    }
    let body = serde_json::json!({ "secrets": secrets });
    if minified {
        serde_json::to_string(&body).unwrap()
    } else {
        serde_json::to_string_pretty(&body).unwrap()
    }
}

/// Median time of `f` over enough runs to fill about `budget`.
fn median_time(budget: Duration, mut f: impl FnMut()) -> Duration {
    f(); // warm up
    let mut times = Vec::new();
    let start = Instant::now();
    while times.len() < 5 || (start.elapsed() < budget && times.len() < 200) {
        let t = Instant::now();
        f();
        times.push(t.elapsed());
    }
    times.sort();
    times[times.len() / 2]
}

fn median<T: PartialOrd + Copy>(mut values: Vec<T>) -> T {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap());
    values[values.len() / 2]
}

/// Times `base` and `subject` in alternation, so both see the same machine
/// state (frequency, the other core's load): the medians of each, and the
/// median of the per-round ratios subject / base.
fn paired(budget: Duration, mut base: impl FnMut(), mut subject: impl FnMut()) -> (f64, f64, f64) {
    base();
    subject();
    let (mut bases, mut subjects, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    let start = Instant::now();
    while bases.len() < 5 || (start.elapsed() < budget && bases.len() < 200) {
        let t = Instant::now();
        base();
        let b = t.elapsed().as_secs_f64();
        let t = Instant::now();
        subject();
        let s = t.elapsed().as_secs_f64();
        bases.push(b);
        subjects.push(s);
        ratios.push(s / b);
    }
    (median(bases), median(subjects), median(ratios))
}

/// Prints validation against bare parsing for `text`; returns the median
/// validation time in seconds.
fn compare(name: &str, text: &str, kind: DocumentKind) -> f64 {
    let options = ValidateOptions::default();
    let report = validate(text, Some(kind), &options);
    let (parse, full, ratio) = paired(
        Duration::from_secs(3),
        || {
            black_box(serde_json::from_str::<serde_json::Value>(black_box(text)).unwrap());
        },
        || {
            black_box(validate(black_box(text), Some(kind), &options));
        },
    );
    println!(
        "{name:<34} {:>9} bytes  serde_json {:>8.2} ms  validate {:>8.2} ms  ratio {ratio:.2}x  ({} findings)",
        text.len(),
        parse * 1e3,
        full * 1e3,
        report.findings.len()
    );
    full
}

fn main() {
    compare(
        "keystore body, 1 MB",
        &keystore_body(1 << 20),
        DocumentKind::Keystore,
    );
    let policy = large_policy(400);
    compare("policy, 800 statements", &policy, DocumentKind::Policy);
    println!(
        "target: validation within 3x of bare parsing (ratio: median of runs timed in alternation)"
    );

    // Locating findings is linear in the input: a minified document (one
    // line) costs about what the same document pretty-printed does. When
    // every column was counted from the line's start, the minified 2 MB
    // body took twelve times as long, and 17 MB over four minutes.
    let pretty = compare(
        "keystore, 32k findings, pretty",
        &misspelt_keystore(16_000, false),
        DocumentKind::Keystore,
    );
    let minified = compare(
        "keystore, 32k findings, minified",
        &misspelt_keystore(16_000, true),
        DocumentKind::Keystore,
    );
    println!(
        "minified / pretty validation time: {:.2}x (target: about 1x; columns recounted from the line start made it 12x)",
        minified / pretty
    );

    // Linear in the document: four times the statements, about four times the time.
    let options = ValidateOptions::default();
    let small = large_policy(100);
    let time = |text: &str| {
        median_time(Duration::from_secs(1), || {
            black_box(validate(
                black_box(text),
                Some(DocumentKind::Policy),
                &options,
            ));
        })
    };
    let (t_small, t_large) = (time(&small), time(&policy));
    println!(
        "policy scaling: 200 -> 800 statements, {:.2} ms -> {:.2} ms ({:.1}x time for 4x input; quadratic would be 16x)",
        t_small.as_secs_f64() * 1e3,
        t_large.as_secs_f64() * 1e3,
        t_large.as_secs_f64() / t_small.as_secs_f64()
    );
}
