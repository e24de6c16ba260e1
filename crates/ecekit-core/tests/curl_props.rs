//! The curl validator never panics and always returns positions inside the
//! input, whatever it is given: arbitrary text, and text built from the
//! pieces pasted curl commands are made of (quotes, continuations,
//! heredocs, variables, JSON).

use ecekit_core::validate::validate;
use ecekit_core::{DocumentKind, ValidateOptions};
use proptest::prelude::*;

fn run(text: &str) {
    let report = validate(text, Some(DocumentKind::Curl), &ValidateOptions::default());
    for f in &report.findings {
        let l = &f.location;
        assert!(l.start <= l.end && l.end <= text.len(), "{f:?}");
        assert!(
            text.is_char_boundary(l.start) && text.is_char_boundary(l.end),
            "{f:?}"
        );
        assert!(l.line >= 1 && l.column >= 1);
        if let Some(fix) = &f.fix {
            assert!(fix.start <= fix.end && fix.end <= text.len(), "{f:?}");
            assert!(text.is_char_boundary(fix.start) && text.is_char_boundary(fix.end));
        }
    }
}

const PIECES: &[&str] = &[
    "curl", "curl.exe", " ", " ", "\n", " \\\n", "\\", "'", "\"", "$", "${", "}", "{", "[", "]",
    "-k", "-X", "PUT", "PATCH", "-H", "-d", "--data-binary", "@-", "<<'EOF'\n", "<<EOF\n",
    "<<-EOF\n", "\nEOF\n", "<<<", "|", "&&", ";", "echo", "cat", "-sSk", "-XPOST",
    "https://$COORDINATOR_HOST:12443/api/v1/deployments/$DEPLOYMENT_ID/elasticsearch/$REF_ID/keystore",
    "https://$COODINATOR_HOST:12443/api/v1/clusters/elasticsearch/ELASTICSEARCH_CLUSTER_ID/_snapshot/r",
    "/proxy/_snapshot/r", "$ELASTICSEARCH_URL/_snapshot/x/_verify", "Authorization: ApiKey ",
    "Content-Type: application/json", "X-Management-Request: true", "{\"secrets\": {",
    "\"s3.client.a.access_key\": {\"value\": \"", "\"type\": \"s3\", \"settings\": {",
    "\"bucket\": \"b\"", ",", ":", "é", "\u{201c}", "\u{201d}", "\u{201e}", "\u{2018}", "\u{2019}",
    "\u{201a}", "\u{201b}", "'@", "\u{2019}@", "\u{1b}]0;t\u{7}", "\u{a0}", "\r\n", "<1>", "$(", ")", "`",
    "#", "$ ", "{{ece}}",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arbitrary_text(text in "\\PC{0,300}") {
        run(&text);
    }

    #[test]
    fn curl_like_text(parts in prop::collection::vec(0..PIECES.len(), 0..60)) {
        let text: String = parts.iter().map(|&i| PIECES[i]).collect();
        run(&text);
    }
}
