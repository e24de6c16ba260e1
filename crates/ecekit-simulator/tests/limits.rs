//! Limits that keep one client from stopping the simulator for everyone: the
//! body limit (chunked and Content-Length, without overflow), the head
//! deadline and the connection cap, and a strict `Content-Length`.

mod common;

use common::*;
use ecekit_simulator::{Config, Limits, Simulator};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The body limit (4 MiB).
const MAX_BODY: usize = 4 * 1024 * 1024;

/// The status of the next response on `reader`, or `None` when the
/// connection ends (or fails) without one.
fn next_status(reader: &mut BufReader<TcpStream>) -> Option<u16> {
    let mut line = String::new();
    match reader.read_line(&mut line) {
        Ok(n) if n > 0 => line.split(' ').nth(1)?.parse().ok(),
        _ => None,
    }
}

/// An ordinary request on a fresh connection is answered.
fn still_serves(s: &Simulator) {
    let r = agent(Duration::from_secs(15))
        .get(format!("{}/deployments", s.base_url()))
        .header("Authorization", format!("ApiKey {KEY}"))
        .call()
        .expect("an ordinary request is answered");
    assert_eq!(r.status(), 200);
}

/// Sends `head`, then `block` `times` times from another thread (the
/// simulator may stop reading and answer early), and returns the status of
/// the answer.
fn status_while_sending(s: &Simulator, head: &str, block: Vec<u8>, times: usize) -> Option<u16> {
    let (mut tcp, mut reader) = connect(s);
    tcp.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    tcp.write_all(head.as_bytes()).unwrap();
    let writer = std::thread::spawn(move || {
        for _ in 0..times {
            if tcp.write_all(&block).is_err() {
                break;
            }
        }
    });
    let status = next_status(&mut reader);
    writer.join().unwrap();
    status
}

const BLOCK: usize = 64 * 1024;

#[test]
fn a_chunk_size_near_usize_max_gets_413_and_the_simulator_keeps_serving() {
    let s = Simulator::start(config()).unwrap();
    // One ordinary chunk, then one that claims almost usize::MAX bytes (the
    // hand-written server added the two sizes and overflowed), then data
    // just past the limit: the simulator answers 413 once the limit is
    // crossed instead of waiting for the size the chunk claims.
    let head = format!(
        "PATCH /api/v1/deployments/{DEP}/elasticsearch/{ES}/keystore HTTP/1.1\r\nHost: x\r\n\
         Authorization: ApiKey {KEY}\r\nTransfer-Encoding: chunked\r\n\r\n\
         10\r\n0123456789abcdef\r\n{:x}\r\n",
        usize::MAX - 8
    );
    let status = status_while_sending(&s, &head, vec![b'x'; BLOCK], MAX_BODY / BLOCK);
    assert_eq!(status, Some(413), "a body past the limit gets 413");
    still_serves(&s);
}

#[test]
fn a_chunked_body_past_the_limit_gets_413() {
    let s = Simulator::start(config()).unwrap();
    let head =
        "POST /api/v1/users/auth/_login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    let chunk = format!("{BLOCK:x}\r\n{}\r\n", "y".repeat(BLOCK));
    let status = status_while_sending(&s, head, chunk.into_bytes(), MAX_BODY / BLOCK + 1);
    assert_eq!(status, Some(413));
    still_serves(&s);
}

#[test]
fn a_content_length_with_a_sign_gets_400() {
    let s = Simulator::start(config()).unwrap();
    for value in ["+0", "+2"] {
        let (mut tcp, mut reader) = connect(&s);
        write!(
            tcp,
            "GET /api/v1/deployments HTTP/1.1\r\nHost: x\r\nAuthorization: ApiKey {KEY}\r\n\
             Content-Length: {value}\r\n\r\n{{}}"
        )
        .unwrap();
        assert_eq!(
            next_status(&mut reader),
            Some(400),
            "Content-Length: {value}"
        );
    }
    still_serves(&s);
}

/// Opens `n` connections that each send the start of a request head, then
/// one more byte of it every 500 ms until the returned flag is set.
fn trickle(s: &Simulator, n: usize) -> Arc<AtomicBool> {
    let done = Arc::new(AtomicBool::new(false));
    let mut sockets: Vec<TcpStream> = (0..n)
        .map(|_| {
            let mut t = TcpStream::connect(s.addr()).unwrap();
            let _ = t.write_all(b"GET /api/v1/deployments HTTP/1.1\r\nHost: x\r\nX-Slow: ");
            t
        })
        .collect();
    let flag = done.clone();
    std::thread::spawn(move || {
        while !flag.load(Ordering::SeqCst) {
            for t in &mut sockets {
                let _ = t.write_all(b"a");
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    });
    done
}

#[test]
fn trickling_connections_do_not_shut_out_an_ordinary_request() {
    let s = Simulator::start(config()).unwrap();
    let done = trickle(&s, 300);
    // Answered at all within 15 s (the agent's timeout): with the head
    // deadline the trickling sockets are cut, and they never hold every slot.
    still_serves(&s);
    done.store(true, Ordering::SeqCst);
}

/// A simulator whose head deadline is one second (and `limits` otherwise).
fn impatient(limits: Limits, tls: bool) -> Simulator {
    Simulator::start(Config {
        tls,
        limits: Limits {
            head_timeout: Duration::from_secs(1),
            ..limits
        },
        ..config()
    })
    .unwrap()
}

/// Reads until the server closes the connection; `true` when it did
/// within 15 s (a generous bound for a one-second deadline).
fn closed_by_server(tcp: &mut TcpStream) -> bool {
    tcp.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    let mut buf = [0u8; 1024];
    loop {
        match tcp.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return true,
            Err(_) => return false,
        }
    }
}

#[test]
fn a_head_that_does_not_arrive_in_time_is_cut() {
    for tls in [false, true] {
        let s = impatient(Limits::default(), tls);
        // Silent after connecting (for TLS: no handshake at all).
        let mut silent = TcpStream::connect(s.addr()).unwrap();
        // A head trickled a byte every 500 ms.
        let done = trickle(&s, 1);
        assert!(closed_by_server(&mut silent), "tls {tls}: silent socket");
        done.store(true, Ordering::SeqCst);
    }
    let s = impatient(Limits::default(), false);
    let mut trickling = TcpStream::connect(s.addr()).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let mut tcp = trickling.try_clone().unwrap();
        let stop = stop.clone();
        std::thread::spawn(move || {
            let _ = tcp.write_all(b"GET /api/v1/deployments HTTP/1.1\r\nX-Slow: ");
            while !stop.load(Ordering::SeqCst) && tcp.write_all(b"a").is_ok() {
                std::thread::sleep(Duration::from_millis(200));
            }
        })
    };
    assert!(closed_by_server(&mut trickling), "trickling head");
    stop.store(true, Ordering::SeqCst);
    writer.join().unwrap();
}

#[test]
fn an_idle_keep_alive_connection_is_closed() {
    let s = impatient(Limits::default(), false);
    let (mut tcp, mut reader) = connect(&s);
    write!(tcp, "GET /__simulator/health HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    assert_eq!(raw_response(&mut reader).0, 200);
    assert!(closed_by_server(&mut tcp));
}

#[test]
fn past_the_connection_cap_clients_wait_instead_of_being_refused() {
    let s = impatient(
        Limits {
            max_connections: 4,
            ..Limits::default()
        },
        false,
    );
    // Five times the cap: every slot is taken until the head deadline
    // frees them, and the ordinary request waits its turn.
    let done = trickle(&s, 20);
    still_serves(&s);
    done.store(true, Ordering::SeqCst);
}

#[test]
fn a_body_that_stops_arriving_gets_408() {
    let s = Simulator::start(Config {
        limits: Limits {
            body_timeout: Duration::from_secs(1),
            ..Limits::default()
        },
        ..config()
    })
    .unwrap();
    let (mut tcp, mut reader) = connect(&s);
    tcp.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    write!(
        tcp,
        "POST /api/v1/users/auth/_login HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{{\"user"
    )
    .unwrap();
    let (status, _, body) = raw_response(&mut reader);
    assert_eq!(status, 408, "{body}");
    assert!(body.contains(ecekit_simulator::CODE_INVALID_REQUEST));
    still_serves(&s);
}

#[test]
fn shutdown_does_not_wait_for_a_hanging_request() {
    let s = Simulator::start(Config {
        hang: Duration::from_secs(120),
        ..config()
    })
    .unwrap();
    let (mut tcp, _reader) = connect(&s);
    write!(
        tcp,
        "GET /api/v1/deployments HTTP/1.1\r\nHost: x\r\nAuthorization: ApiKey {KEY}\r\n\
         X-Simulator-Fault: hang\r\n\r\n"
    )
    .unwrap();
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        s.shutdown();
        let _ = done_tx.send(());
    });
    // Far less than the 120 s hang (the drain takes 5 s at most).
    assert!(
        done_rx.recv_timeout(Duration::from_secs(30)).is_ok(),
        "shutdown waited for the hanging request"
    );
    assert!(closed_by_server(&mut tcp));
}
