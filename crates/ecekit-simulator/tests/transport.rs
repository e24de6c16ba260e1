//! TLS, latency, seeded failures, fault hooks, loopback-only, raw HTTP/1.1
//! details (keep-alive, chunked bodies, 100-continue, malformed requests), CORS.

mod common;

use common::*;
use ecekit_simulator::{Config, Simulator};
use std::io::{BufRead, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

#[test]
fn tls_serves_https_with_a_self_signed_certificate() {
    let s = start(Config {
        tls: true,
        ..config()
    });
    assert!(
        s.sim.base_url().starts_with("https://127.0.0.1:"),
        "{}",
        s.sim.base_url()
    );
    let pem = s.sim.certificate_pem().unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    assert_eq!(s.sim.certificate_sha256().unwrap().len(), 32 * 3 - 1);
    let r = s.api("GET", "/deployments", None);
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["deployments"].as_array().unwrap().len(), 3);
    // Keep-alive over TLS: a second request on the pooled connection.
    assert_eq!(s.api("GET", "/deployments", None).status, 200);

    // A verifying client refuses the self-signed certificate.
    let strict: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(5)))
        .build()
        .into();
    let err = strict.get(s.url("/deployments")).call().unwrap_err();
    assert!(format!("{err:?}").contains("UnknownIssuer"), "{err:?}");
    // Plain HTTP to the TLS port gets no HTTP answer.
    let plain = agent(Duration::from_secs(3));
    assert!(plain
        .get(s.url("/deployments").replace("https", "http"))
        .call()
        .is_err());
}

#[test]
fn latency_delays_every_answer() {
    let s = start(Config {
        latency: Duration::from_millis(300),
        ..config()
    });
    for path in ["/deployments", "/nope"] {
        let t = Instant::now();
        s.api("GET", path, None);
        let took = t.elapsed();
        assert!(took >= Duration::from_millis(300), "{path}: {took:?}");
        assert!(took < Duration::from_secs(5), "{path}: {took:?}");
    }
}

fn statuses(seed: u64, rate: f64, n: usize) -> Vec<u16> {
    let s = start(Config {
        fail_rate: rate,
        seed,
        ..config()
    });
    (0..n)
        .map(|_| s.api("GET", "/deployments", None).status)
        .collect()
}

#[test]
fn fail_rate_is_repeatable_with_a_seed() {
    let a = statuses(42, 0.5, 40);
    assert_eq!(a, statuses(42, 0.5, 40), "same seed, same failures");
    assert_ne!(a, statuses(43, 0.5, 40), "another seed, other failures");
    let failures = a.iter().filter(|s| **s == 500).count();
    assert!(
        (8..=32).contains(&failures),
        "{failures} of 40 failed at rate 0.5"
    );
    assert!(a.iter().all(|s| *s == 200 || *s == 500));
    assert!(statuses(1, 0.0, 10).iter().all(|s| *s == 200));

    let all = start(Config {
        fail_rate: 1.0,
        ..config()
    });
    let r = all.api("GET", &all.keystore_path(), None);
    assert_eq!(r.status, 500);
    // The spec's 500 code for the keystore operations.
    assert_eq!(r.codes(), ["deployments.metadata_internal_error"]);
    assert!(r.header("X-Elastic-Api-Key-Expiration").is_some());
    let r = all.api("GET", "/deployments", None);
    assert_eq!(r.codes(), [ecekit_simulator::CODE_INTERNAL]);

    let bad = Simulator::start(Config {
        fail_rate: 1.5,
        ..config()
    });
    assert!(bad.is_err());
}

#[test]
fn fault_header_drops_hangs_fails_or_delays() {
    let s = start(Config {
        hang: Duration::from_secs(5),
        ..config()
    });
    let auth = format!("ApiKey {KEY}");
    let with = |fault: &str| {
        s.send(
            "GET",
            "/deployments",
            &[("Authorization", &auth), ("X-Simulator-Fault", fault)],
            None,
        )
    };

    assert!(with("drop").is_err(), "dropped connection");
    let r = with("error").unwrap();
    assert_eq!(r.status, 500);
    assert_eq!(
        r.header("x-cloud-error-codes"),
        Some(ecekit_simulator::CODE_INTERNAL)
    );
    let t = Instant::now();
    assert_eq!(with("delay=250").unwrap().status, 200);
    assert!(t.elapsed() >= Duration::from_millis(250));

    let impatient = agent(Duration::from_millis(600));
    let t = Instant::now();
    let err = impatient
        .get(s.url("/deployments"))
        .header("Authorization", &auth)
        .header("X-Simulator-Fault", "hang")
        .call()
        .unwrap_err();
    assert!(matches!(err, ureq::Error::Timeout(_)), "{err:?}");
    assert!(t.elapsed() < Duration::from_secs(4));
    // The server still answers others.
    assert_eq!(s.api("GET", "/deployments", None).status, 200);
}

#[test]
fn fault_deployments_fail_drop_and_hang() {
    let s = start(Config {
        hang: Duration::from_secs(5),
        ..config()
    });
    let ks = |id: &str| format!("/deployments/{id}/elasticsearch/main-elasticsearch/keystore");
    let r = s.api("GET", &ks(ecekit_simulator::FAULT_ERROR_DEPLOYMENT), None);
    assert_eq!(r.status, 500);
    assert_eq!(r.codes(), ["deployments.metadata_internal_error"]);
    let auth = format!("ApiKey {KEY}");
    assert!(s
        .send(
            "GET",
            &ks(ecekit_simulator::FAULT_DROP_DEPLOYMENT),
            &[("Authorization", &auth)],
            None
        )
        .is_err());
    let impatient = agent(Duration::from_millis(500));
    let err = impatient
        .get(s.url(&format!(
            "/deployments/{}",
            ecekit_simulator::FAULT_HANG_DEPLOYMENT
        )))
        .header("Authorization", &auth)
        .call()
        .unwrap_err();
    assert!(matches!(err, ureq::Error::Timeout(_)), "{err:?}");
}

#[test]
fn queued_faults_hit_the_next_matching_requests() {
    let s = start(config());
    let q = s.api(
        "POST",
        "/__simulator/faults",
        Some(r#"{"fault":"error","count":2,"path_contains":"/keystore","method":"PATCH"}"#),
    );
    assert_eq!(q.status, 200, "{}", q.text);
    assert_eq!(q.json()["queued"], 2);
    let path = s.keystore_path();
    assert_eq!(s.api("GET", &path, None).status, 200, "GET does not match");
    let body = r#"{"secrets":{"a":{"value":"b"}}}"#;
    assert_eq!(s.api("PATCH", &path, Some(body)).status, 500);
    assert_eq!(s.api("PATCH", &path, Some(body)).status, 500);
    assert_eq!(s.api("PATCH", &path, Some(body)).status, 200);
    s.api("POST", "/__simulator/faults", Some(r#"{"fault":"drop"}"#));
    assert_eq!(
        s.api("DELETE", "/__simulator/faults", None).json()["queued"],
        0
    );
    assert_eq!(s.api("GET", "/deployments", None).status, 200);
    let bad = s.api(
        "POST",
        "/__simulator/faults",
        Some(r#"{"fault":"sometimes"}"#),
    );
    assert_eq!(bad.status, 400);
}

#[test]
fn refuses_non_loopback_addresses() {
    for addr in ["0.0.0.0:0", "10.1.2.3:12443", "[::]:0", "192.168.1.1:80"] {
        let err = Simulator::start(Config {
            listen: addr.parse().unwrap(),
            ..config()
        })
        .err()
        .unwrap_or_else(|| panic!("{addr} accepted"));
        assert!(err.0.contains("loopback only"), "{err}");
    }
    assert!(Simulator::start(Config {
        api_key: String::new(),
        ..config()
    })
    .is_err());
    // Any 127.0.0.0/8 address is loopback.
    let s = Simulator::start(Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        ..config()
    })
    .unwrap();
    assert!(s.base_url().starts_with("http://127.0.0.1:"));
    s.shutdown();
}

#[test]
fn raw_http_keep_alive_chunked_and_continue() {
    let s = Simulator::start(config()).unwrap();
    let (mut tcp, mut reader) = connect(&s);
    let auth = format!("Authorization: ApiKey {KEY}\r\n");
    // Two requests on one connection.
    for _ in 0..2 {
        write!(
            tcp,
            "GET /api/v1/deployments HTTP/1.1\r\nHost: x\r\n{auth}\r\n"
        )
        .unwrap();
        let (status, headers, body) = raw_response(&mut reader);
        assert_eq!(status, 200);
        assert!(!closes(&headers), "{headers:?}");
        assert!(body.contains("deployments"));
    }
    // A chunked PATCH body after `Expect: 100-continue` (curl does this for large bodies).
    let body = format!(
        "{{\"secrets\":{{\"chunked.key\":{{\"value\":\"{}\"}}}}}}",
        "x".repeat(1500)
    );
    let (a, b) = body.split_at(700);
    write!(
        tcp,
        "PATCH /api/v1/deployments/{DEP}/elasticsearch/{ES}/keystore HTTP/1.1\r\nHost: x\r\n{auth}Transfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"
    )
    .unwrap();
    let mut cont = String::new();
    reader.read_line(&mut cont).unwrap();
    assert_eq!(cont.trim_end(), "HTTP/1.1 100 Continue");
    let mut blank = String::new();
    reader.read_line(&mut blank).unwrap();
    write!(
        tcp,
        "{:x}\r\n{a}\r\n{:x}\r\n{b}\r\n0\r\n\r\n",
        a.len(),
        b.len()
    )
    .unwrap();
    let (status, _, text) = raw_response(&mut reader);
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("chunked.key"));
    // `Connection: close` is honoured.
    write!(
        tcp,
        "GET /api/v1/deployments HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{auth}\r\n"
    )
    .unwrap();
    let (status, headers, _) = raw_response(&mut reader);
    assert_eq!(status, 200);
    assert!(closes(&headers), "{headers:?}");
    let mut rest = Vec::new();
    assert_eq!(
        reader.read_to_end(&mut rest).unwrap(),
        0,
        "closed after the answer"
    );
}

#[test]
fn raw_http_malformed_requests_get_4xx() {
    let s = Simulator::start(config()).unwrap();
    // Heads that do not parse: answered by the HTTP layer (400, or 431 for a
    // head past 64 KiB), without a body, and the connection is closed.
    for bad in [
        "NOT A REQUEST\r\n\r\n".to_string(),
        "GET /api/v1/deployments HTTP/1.1\r\nContent-Length: abc\r\n\r\n".to_string(),
        "GET /api/v1/deployments HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"
            .to_string(),
        format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(70 * 1024)),
    ] {
        let (mut tcp, mut reader) = connect(&s);
        let _ = tcp.write_all(bad.as_bytes());
        let (status, _, _) = raw_response(&mut reader);
        assert!((400..=431).contains(&status), "{status} for {}", &bad[..20]);
    }
    // A body the simulator refuses gets its BasicFailedReply: past the limit
    // (refused from its Content-Length, before it is sent), or a malformed
    // chunk.
    for (bad, expected) in [
        (
            format!(
                "POST /api/v1/users/auth/_login HTTP/1.1\r\nContent-Length: {}\r\n\r\n",
                64 * 1024 * 1024
            ),
            413,
        ),
        (
            "POST /api/v1/users/auth/_login HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"
                .to_string(),
            400,
        ),
    ] {
        let (mut tcp, mut reader) = connect(&s);
        let _ = tcp.write_all(bad.as_bytes());
        let (status, headers, body) = raw_response(&mut reader);
        assert_eq!(status, expected, "{body}");
        assert!(
            body.contains(ecekit_simulator::CODE_INVALID_REQUEST),
            "{body}"
        );
        assert!(closes(&headers), "{headers:?}");
    }
    // The server is still up.
    let (mut tcp, mut reader) = connect(&s);
    write!(tcp, "GET /__simulator/health HTTP/1.1\r\n\r\n").unwrap();
    assert_eq!(raw_response(&mut reader).0, 200);
}

#[test]
fn a_dropped_connection_gets_not_one_byte() {
    let s = Simulator::start(config()).unwrap();
    let (mut tcp, mut reader) = connect(&s);
    write!(
        tcp,
        "GET /api/v1/deployments HTTP/1.1\r\nHost: x\r\nAuthorization: ApiKey {KEY}\r\n\
         X-Simulator-Fault: drop\r\n\r\n"
    )
    .unwrap();
    let mut answer = Vec::new();
    let _ = reader.read_to_end(&mut answer);
    assert!(answer.is_empty(), "{}", String::from_utf8_lossy(&answer));
}

#[test]
fn cors_headers_only_when_asked() {
    let s = start(config());
    let r = s.api("GET", "/deployments", None);
    assert!(
        r.header("Access-Control-Allow-Origin").is_none(),
        "faithful: no CORS"
    );
    let pre = s
        .send(
            "OPTIONS",
            "/deployments",
            &[("Origin", "http://127.0.0.1:8080")],
            None,
        )
        .unwrap();
    assert!(pre.header("Access-Control-Allow-Origin").is_none());
    assert_ne!(pre.status, 204);

    let c = start(Config {
        cors_origin: Some("http://127.0.0.1:8080".into()),
        ..config()
    });
    let pre = c
        .send(
            "OPTIONS",
            "/deployments",
            &[
                ("Origin", "http://127.0.0.1:8080"),
                ("Access-Control-Request-Method", "PATCH"),
            ],
            None,
        )
        .unwrap();
    assert_eq!(pre.status, 204);
    assert_eq!(
        pre.header("Access-Control-Allow-Origin"),
        Some("http://127.0.0.1:8080")
    );
    assert!(pre
        .header("Access-Control-Allow-Headers")
        .unwrap()
        .contains("X-Management-Request"));
    let r = c.api("GET", "/deployments", None);
    assert_eq!(
        r.header("Access-Control-Allow-Origin"),
        Some("http://127.0.0.1:8080")
    );
    assert!(r
        .header("Access-Control-Expose-Headers")
        .unwrap()
        .contains("X-Elastic-Api-Key-Expiration"));
}

#[test]
fn shutdown_stops_accepting() {
    let s = Simulator::start(config()).unwrap();
    let addr = s.addr();
    s.shutdown();
    let t = Instant::now();
    let refused = TcpStream::connect_timeout(&addr, Duration::from_secs(1));
    assert!(refused.is_err(), "still accepting after shutdown");
    assert!(t.elapsed() < Duration::from_secs(2));
}

#[test]
fn hundreds_of_slow_requests_are_answered_together() {
    let s = start(Config {
        latency: Duration::from_secs(2),
        ..config()
    });
    let started = Instant::now();
    let mut open: Vec<_> = (0..300)
        .map(|_| {
            let (mut tcp, reader) = connect(&s.sim);
            write!(
                tcp,
                "GET /api/v1/deployments HTTP/1.1\r\nHost: x\r\nAuthorization: ApiKey {KEY}\r\n\r\n"
            )
            .unwrap();
            (tcp, reader)
        })
        .collect();
    for (tcp, reader) in &mut open {
        tcp.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        assert_eq!(raw_response(reader).0, 200);
    }
    // One after the other they would take 600 s; together, about 2.
    let took = started.elapsed();
    assert!(took < Duration::from_secs(60), "{took:?}");
}
