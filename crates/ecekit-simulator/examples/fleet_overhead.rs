//! How much the simulator adds to a fleet client's wall time: a simulator of
//! 500 deployments with 20 ms latency per request, and 8 client threads
//! reading each deployment (its info, keystore and repository through the
//! proxy). Prints the wall time against the ideal (requests x latency /
//! concurrency); issue 19's `make bench` target is within 1.3x.
//!
//! `cargo run --release -p ecekit-simulator --example fleet_overhead [DEPLOYMENTS] [LATENCY_MS] [CONCURRENCY]`

use ecekit_simulator::{Config, Simulator};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args()
        .skip(1)
        .map(|a| a.parse::<u64>().expect("a number"));
    let deployments = args.next().unwrap_or(500) as usize;
    let latency = Duration::from_millis(args.next().unwrap_or(20));
    let concurrency = args.next().unwrap_or(8) as usize;
    let key = "bench-key";
    let started = Instant::now();
    let sim = Simulator::start(Config {
        api_key: key.into(),
        password: "bench-password".into(),
        deployments,
        latency,
        seed: 1,
        ..Default::default()
    })
    .expect("the simulator starts");
    let startup = started.elapsed();
    let base = sim.base_url().to_string();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let auth = format!("ApiKey {key}");
    let text = agent
        .get(format!("{base}/deployments"))
        .header("Authorization", &auth)
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    let list: serde_json::Value = serde_json::from_str(&text).unwrap();
    let ids: Vec<String> = list["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_string())
        .collect();
    // Three reads per deployment: what a health check starts with.
    let paths: Arc<Vec<(String, bool)>> = Arc::new(
        ids.iter()
            .flat_map(|id| {
                [
                    (format!("/deployments/{id}"), false),
                    (
                        format!("/deployments/{id}/elasticsearch/main-elasticsearch/keystore"),
                        false,
                    ),
                    (
                        format!(
                            "/deployments/{id}/elasticsearch/main-elasticsearch/proxy/_snapshot"
                        ),
                        true,
                    ),
                ]
            })
            .collect(),
    );
    let next = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(AtomicUsize::new(0));
    let began = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (paths, next, errors, agent, base, auth) = (
                paths.clone(),
                next.clone(),
                errors.clone(),
                agent.clone(),
                base.clone(),
                auth.clone(),
            );
            std::thread::spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((path, proxy)) = paths.get(i) else {
                    break;
                };
                let mut req = agent
                    .get(format!("{base}{path}"))
                    .header("Authorization", &auth);
                if *proxy {
                    req = req.header("X-Management-Request", "true");
                }
                match req.call() {
                    Ok(mut r) if r.status() == 200 => {
                        let _ = r.body_mut().read_to_string();
                    }
                    // The fleet's needs-elevated-permissions deployment
                    // answers 449 by design.
                    Ok(r) if r.status() == 449 => {}
                    Ok(r) => {
                        eprintln!("{path}: {}", r.status());
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(e) => {
                        eprintln!("{path}: {e}");
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let wall = began.elapsed();
    let requests = paths.len();
    let ideal = latency.as_secs_f64() * requests as f64 / concurrency as f64;
    println!(
        "simulator of {deployments} deployments, {} ms latency, started in {} ms",
        latency.as_millis(),
        startup.as_millis()
    );
    println!(
        "{requests} requests at concurrency {concurrency}: {:.2} s, ideal {ideal:.2} s, ratio {:.3} (target <= 1.3), {} errors",
        wall.as_secs_f64(),
        wall.as_secs_f64() / ideal,
        errors.load(Ordering::Relaxed)
    );
}
