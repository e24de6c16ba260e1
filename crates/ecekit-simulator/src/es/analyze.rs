//! Repository analysis, `POST _snapshot/<repo>/_analyze` (reference §C):
//! every parameter parsed and checked with Elasticsearch's message, then an
//! analysis whose summary is shaped like Elasticsearch's (§C.3) and scaled by
//! the parameters, taking as long as a store of `--store-mb-per-sec` needs
//! (so a ladder of bigger runs takes longer, and the ECE proxy cuts what
//! passes its limit).
//!
//! Hooks (`/__simulator/hooks`): `lost_write` fails halfway as a store that
//! loses a write (§C.4); `slow` makes the run take twice the proxy's limit.
//! A run longer than `?timeout` fails at the timeout with Elasticsearch's
//! timeout answer.

use super::params::{ByteSize, Params, TimeValue};
use super::reply::{error, EsReply, Exception};
use super::repository::{self, effective_type};
use super::{AnalyzeHook, Cluster, Env, EsRequest};
use crate::util::SplitMix64;
use serde_json::{json, Value};
use std::time::Duration;

const DOCS: &str =
    "https://www.elastic.co/guide/en/elasticsearch/reference/8.17/repo-analysis-api.html";
const S3_DOCS: &str = "https://www.elastic.co/guide/en/elasticsearch/reference/8.17/repository-s3.html#repository-s3-compatible-services";

/// Every parameter the endpoint takes (8.17: no `check_overwrite_protection`).
const PARAMS: &[&str] = &[
    "blob_count",
    "concurrency",
    "read_node_count",
    "early_read_node_count",
    "seed",
    "rare_action_probability",
    "max_blob_size",
    "max_total_data_size",
    "timeout",
    "detailed",
    "rarely_abort_writes",
    "register_operation_count",
    "master_timeout",
];

/// A time per operation when the store is not moving bytes.
const OP_NANOS: i128 = 4_000_000;

/// The request after parsing (`RepositoryAnalyzeAction.Request`).
#[derive(Debug, Clone)]
struct Request {
    blob_count: i64,
    concurrency: i64,
    read_node_count: i64,
    early_read_node_count: i64,
    seed: i64,
    rare_action_probability: f64,
    max_blob_size: ByteSize,
    max_total_data_size: ByteSize,
    timeout: TimeValue,
    detailed: bool,
    register_operation_count: i64,
}

fn iae(reason: String) -> EsReply {
    error(400, "illegal_argument_exception", reason)
}

/// A Java double as `String.valueOf` prints it (`0.02`, `2.0`).
fn java_double(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e7 {
        format!("{x:.1}")
    } else {
        x.to_string()
    }
}

fn parse(p: &Params) -> Result<Request, EsReply> {
    let blob_count = p.int("blob_count", 100)?;
    if blob_count <= 0 {
        return Err(iae(format!("blobCount must be >0, but was [{blob_count}]")));
    }
    if blob_count > 100_000 {
        return Err(iae(format!(
            "blobCount must be <= 100000, but was [{blob_count}]"
        )));
    }
    let concurrency = p.int("concurrency", 10)?;
    if concurrency <= 0 {
        return Err(iae(format!(
            "concurrency must be >0, but was [{concurrency}]"
        )));
    }
    let read_node_count = p.int("read_node_count", 10)?;
    if read_node_count <= 0 {
        return Err(iae(format!(
            "readNodeCount must be >0, but was [{read_node_count}]"
        )));
    }
    let early_read_node_count = p.int("early_read_node_count", 2)?;
    if early_read_node_count < 0 {
        return Err(iae(format!(
            "earlyReadNodeCount must be >=0, but was [{early_read_node_count}]"
        )));
    }
    let seed = p.long("seed", 0)?;
    let rare_action_probability = p.double("rare_action_probability", 0.02)?;
    if !(0.0..=1.0).contains(&rare_action_probability) {
        return Err(iae(format!(
            "rareActionProbability must be between 0 and 1, but was [{}]",
            java_double(rare_action_probability)
        )));
    }
    let max_blob_size = p.size("max_blob_size", ByteSize { bytes: 10 << 20 })?;
    if max_blob_size.bytes <= 0 {
        return Err(iae(format!(
            "maxBlobSize must be >0, but was [{max_blob_size}]"
        )));
    }
    let max_total_data_size = p.size("max_total_data_size", ByteSize { bytes: 1 << 30 })?;
    if max_total_data_size.bytes <= 0 {
        return Err(iae(format!(
            "maxTotalDataSize must be >0, but was [{max_total_data_size}]"
        )));
    }
    let timeout = p.time("timeout", TimeValue::from_millis(30_000))?;
    let detailed = p.bool("detailed", false)?;
    p.bool("rarely_abort_writes", true)?;
    let register_operation_count = p.int("register_operation_count", 10)?;
    if register_operation_count <= 0 {
        return Err(iae(format!(
            "registerOperationCount must be >0, but was [{register_operation_count}]"
        )));
    }
    Ok(Request {
        blob_count,
        concurrency,
        read_node_count,
        early_read_node_count,
        seed,
        rare_action_probability,
        max_blob_size,
        max_total_data_size,
        timeout,
        detailed,
        register_operation_count,
    })
}

/// Blob sizes: powers of two up to `max_blob_size` spread evenly, at least
/// one of the maximum size, within `max_total_data_size` (the shape of
/// `getBlobSizes`).
fn blob_sizes(count: i64, max_blob: i64, max_total: i64) -> Vec<i64> {
    let mut ladder: Vec<i64> = std::iter::successors(Some(1i64), |s| s.checked_mul(2))
        .take_while(|s| *s < max_blob)
        .collect();
    ladder.push(max_blob);
    // One byte per blob and one maximal blob are the floor.
    let mut budget = max_total - (count - 1) - max_blob;
    let mut sizes = vec![max_blob];
    for i in 1..count {
        let wanted = ladder[ladder.len() - 1 - (i as usize % ladder.len())];
        let size = if wanted - 1 <= budget {
            wanted
        } else {
            *ladder
                .iter()
                .rev()
                .find(|s| **s - 1 <= budget)
                .unwrap_or(&1)
        };
        budget -= size - 1;
        sizes.push(size);
    }
    sizes
}

fn nanos_field(v: &mut Value, raw: &str, readable: &str, nanos: i128, human: bool) {
    v[raw] = json!(nanos as i64);
    if human {
        v[readable] = json!(TimeValue { nanos }.to_string());
    }
}

fn bytes_field(v: &mut Value, raw: &str, readable: &str, bytes: i64, human: bool) {
    v[raw] = json!(bytes);
    if human {
        v[readable] = json!(ByteSize { bytes }.to_string());
    }
}

/// `POST _snapshot/<repo>/_analyze`.
pub fn analyze(es: &mut Cluster, req: &EsRequest, name: &str, env: &Env) -> EsReply {
    let params = req.params();
    if let Err(e) = params.only(&req.uri(), PARAMS) {
        return e;
    }
    let r = match parse(&params) {
        Ok(r) => r,
        Err(e) => return e,
    };
    // Elasticsearch defaults `human` to true for this API (§C.2).
    let human = params.human(true);
    let repo = match repository::existing(es, name) {
        Ok(repo) => repo.clone(),
        Err(e) => return e,
    };
    if repo.typ == "source" {
        return iae(format!(
            "repository [{name}] is not a blob-store repository"
        ));
    }
    if repo.typ == "url"
        || repo
            .settings
            .get("readonly")
            .is_some_and(|v| v == true || v == "true")
    {
        return iae(format!("repository [{name}] is read-only"));
    }
    let (max_blob, max_total) = (r.max_blob_size.bytes, r.max_total_data_size.bytes);
    if max_total - max_blob < r.blob_count - 1 {
        return iae(format!(
            "cannot satisfy max total bytes [{max_total}B/{}]: must write at least one byte per blob and at least one max-sized blob which is [{}B] in total",
            r.max_total_data_size,
            r.blob_count + max_blob - 1
        ));
    }
    let seed = if r.seed == 0 {
        crate::util::now_millis() & 0x7fff_ffff
    } else {
        r.seed
    };
    let mut rng = SplitMix64::new(seed as u64);
    let mut jitter = || 0.8 + 0.4 * rng.next_f64();
    let blob_path = format!("temp-analysis-{}", &crate::util::random_token(16)[..22]);
    let per_op = |bytes: i64, speed: f64| -> i128 {
        let transfer = bytes as f64 / (speed * 1_048_576.0) * 1e9;
        OP_NANOS + transfer as i128
    };
    let speed = env.store_mb_per_sec;
    let nodes = es.nodes.len() as i64;
    let sizes = blob_sizes(r.blob_count, max_blob, max_total);
    let reads_per_blob = r.read_node_count.min(nodes).max(1);
    let extra_reads = ((r.blob_count as f64) * r.rare_action_probability).ceil() as i64;

    let (mut write_bytes, mut write_nanos, mut write_throttled) = (0i64, 0i128, 0i128);
    let (mut read_count, mut read_bytes, mut read_nanos, mut read_throttled) =
        (0i64, 0i64, 0i128, 0i128);
    let (mut total_wait, mut max_wait) = (0i128, 0i128);
    let mut details = Vec::new();
    for (i, size) in sizes.iter().enumerate() {
        let write = (per_op(*size, speed) as f64 * jitter()) as i128;
        let throttled = (2_300_000.0 * jitter()) as i128;
        write_bytes += size;
        write_nanos += write;
        write_throttled += throttled;
        let reads = reads_per_blob + i64::from((i as i64) < extra_reads);
        let mut read_list = Vec::new();
        for k in 0..reads {
            let elapsed = (per_op(*size, speed * 2.0) as f64 / 2.0 * jitter()) as i128;
            let wait = (100_000.0 * jitter()) as i128;
            let throttled = (3_100_000.0 * jitter()) as i128;
            read_count += 1;
            read_bytes += size;
            read_nanos += elapsed;
            read_throttled += throttled;
            total_wait += wait;
            max_wait = max_wait.max(wait);
            if r.detailed {
                let node = &es.nodes[(i + k as usize) % es.nodes.len()];
                let mut rd = json!({"node": {"id": node.id, "name": node.name}, "found": true});
                nanos_field(
                    &mut rd,
                    "first_byte_time_nanos",
                    "first_byte_time",
                    wait,
                    human,
                );
                nanos_field(&mut rd, "elapsed_nanos", "elapsed", elapsed, human);
                nanos_field(&mut rd, "throttled_nanos", "throttled", throttled, human);
                read_list.push(rd);
            }
        }
        if r.detailed {
            let writer = &es.nodes[i % es.nodes.len()];
            let mut blob = json!({
                "name": format!("test-blob-{i}-{}", &blob_path[14..]),
                "read_start": 0,
                "read_end": size,
                "read_early": false,
                "overwritten": false,
                "reads": read_list
            });
            bytes_field(&mut blob, "size_bytes", "size", *size, human);
            let mut d = json!({
                "blob": blob,
                "writer_node": {"id": writer.id, "name": writer.name}
            });
            nanos_field(&mut d, "write_elapsed_nanos", "write_elapsed", write, human);
            nanos_field(
                &mut d,
                "write_throttled_nanos",
                "write_throttled",
                throttled,
                human,
            );
            details.push(d);
        }
    }
    let listing = (20_000_000.0 + r.blob_count as f64 * 300_000.0 * jitter()) as i128;
    let deleting = (50_000_000.0 + r.blob_count as f64 * 3_500_000.0 * jitter()) as i128;
    let registers = i128::from(r.register_operation_count.max(nodes)) * OP_NANOS;
    let wall_nanos =
        (write_nanos + read_nanos + registers) / i128::from(r.concurrency) + listing + deleting;
    let mut wall = Duration::from_nanos(wall_nanos.max(0) as u64);
    let hook = es.hooks.analyze;
    if hook == Some(AnalyzeHook::Slow) {
        wall = env.slow_analysis;
    }
    let timeout = Duration::from_millis(r.timeout.millis().max(0) as u64);
    let failed = |detail: String, cause: Exception| {
        Exception::new(
            "repository_verification_exception",
            format!(
                "[{name}] {detail} Elasticsearch attempted to remove the data it wrote at [{blob_path}] but may have left some behind. If so, please now remove this data manually."
            ),
        )
        .caused_by(cause)
        .reply(500)
    };
    let storage_detail = if effective_type(&repo) == "s3" {
        format!(
            "Elasticsearch observed the storage system underneath this repository behaved incorrectly which indicates it is not suitable for use with Elasticsearch snapshots. Typically this happens when using storage other than AWS S3 which incorrectly claims to be S3-compatible. If so, please report this incompatibility to your storage supplier. Do not report Elasticsearch issues involving storage systems which claim to be S3-compatible unless you can demonstrate that the same issue exists when using a genuine AWS S3 repository. See [{DOCS}] for further information about repository analysis, and [{S3_DOCS}] for further information about support for S3-compatible repository implementations."
        )
    } else {
        // Exact text not captured (reference §C.4, §H.6).
        format!(
            "Elasticsearch observed the storage system underneath this repository behaved incorrectly which indicates it is not suitable for use with Elasticsearch snapshots. See [{DOCS}] for further information."
        )
    };
    let blob = |i: usize| {
        format!(
            "blob analysis [{name}:{blob_path}/test-blob-{i}-{}, length={}, seed={seed}, readEarly=false, writeAndOverwrite=false, abortWrite=false]",
            &blob_path[14..],
            sizes.get(i).copied().unwrap_or(1)
        )
    };
    if let Some(cause) = repository::master_problem(es, name) {
        // The first write fails; the analysis stops there.
        return failed(
            storage_detail,
            Exception::new(
                "repository_verification_exception",
                format!("[{name}] failure processing [{}]", blob(0)),
            )
            .caused_by(cause),
        )
        .after(Duration::from_millis(40));
    }
    if timeout < wall {
        return failed(
            format!(
                "Repository analysis timed out. Consider specifying a longer timeout using the [?timeout] request parameter. See [{DOCS}] for more information."
            ),
            Exception::new(
                "repository_verification_exception",
                format!("[{name}] analysis timed out after [{}]", r.timeout),
            ),
        )
        .after(timeout);
    }
    if hook == Some(AnalyzeHook::LostWrite) {
        let i = sizes.len() / 2;
        let reader = &es.nodes[es.nodes.len() - 1];
        return failed(
            storage_detail,
            Exception::new(
                "repository_verification_exception",
                format!("[{name}] failure processing [{}]", blob(i)),
            )
            .caused_by(Exception::new(
                "repository_verification_exception",
                format!(
                    "[{name}] node [{}] reported blob not found after it was written",
                    reader.name
                ),
            )),
        )
        .after(wall / 2);
    }
    let coordinator = &es.nodes[if es.nodes.len() > 1 {
        1 + (seed as usize % (es.nodes.len() - 1))
    } else {
        0
    }];
    let mut write = json!({"count": r.blob_count});
    bytes_field(
        &mut write,
        "total_size_bytes",
        "total_size",
        write_bytes,
        human,
    );
    nanos_field(
        &mut write,
        "total_throttled_nanos",
        "total_throttled",
        write_throttled,
        human,
    );
    nanos_field(
        &mut write,
        "total_elapsed_nanos",
        "total_elapsed",
        write_nanos,
        human,
    );
    let mut read = json!({"count": read_count});
    bytes_field(
        &mut read,
        "total_size_bytes",
        "total_size",
        read_bytes,
        human,
    );
    nanos_field(
        &mut read,
        "total_wait_nanos",
        "total_wait",
        total_wait,
        human,
    );
    nanos_field(&mut read, "max_wait_nanos", "max_wait", max_wait, human);
    nanos_field(
        &mut read,
        "total_throttled_nanos",
        "total_throttled",
        read_throttled,
        human,
    );
    nanos_field(
        &mut read,
        "total_elapsed_nanos",
        "total_elapsed",
        read_nanos,
        human,
    );
    let mut out = json!({
        "coordinating_node": {"id": coordinator.id, "name": coordinator.name},
        "repository": name,
        "blob_count": r.blob_count,
        "concurrency": r.concurrency,
        "read_node_count": r.read_node_count,
        "early_read_node_count": r.early_read_node_count,
        "seed": seed,
        "rare_action_probability": r.rare_action_probability,
        "blob_path": blob_path,
        "issues_detected": [],
        "summary": {"write": write, "read": read},
    });
    bytes_field(
        &mut out,
        "max_blob_size_bytes",
        "max_blob_size",
        max_blob,
        human,
    );
    bytes_field(
        &mut out,
        "max_total_data_size_bytes",
        "max_total_data_size",
        max_total,
        human,
    );
    nanos_field(
        &mut out,
        "listing_elapsed_nanos",
        "listing_elapsed",
        listing,
        human,
    );
    nanos_field(
        &mut out,
        "delete_elapsed_nanos",
        "delete_elapsed",
        deleting,
        human,
    );
    if r.detailed {
        out["details"] = Value::Array(details);
    }
    EsReply::ok(out).after(wall)
}

#[cfg(test)]
mod tests {
    use super::super::{run_at, test_ready, Cluster};
    use super::*;

    fn ready() -> (Cluster, Env) {
        test_ready()
    }

    fn reason(r: &EsReply) -> String {
        r.body["error"]["reason"].as_str().unwrap_or("").to_string()
    }

    #[test]
    fn a_default_run_answers_a_summary_shaped_like_elasticsearch() {
        let (mut es, mut env) = ready();
        let r = run_at(
            &mut es,
            "POST",
            "_snapshot/repo/_analyze?seed=7",
            "",
            &mut env,
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let b = &r.body;
        for key in [
            "coordinating_node",
            "repository",
            "blob_count",
            "concurrency",
            "read_node_count",
            "early_read_node_count",
            "max_blob_size",
            "max_blob_size_bytes",
            "max_total_data_size",
            "max_total_data_size_bytes",
            "seed",
            "rare_action_probability",
            "blob_path",
            "issues_detected",
            "summary",
            "listing_elapsed",
            "listing_elapsed_nanos",
            "delete_elapsed",
            "delete_elapsed_nanos",
        ] {
            assert!(b.get(key).is_some(), "{key} missing: {b}");
        }
        assert_eq!(b["blob_count"], 100);
        assert_eq!(b["max_blob_size"], "10mb");
        assert_eq!(b["max_total_data_size_bytes"], 1_073_741_824);
        assert_eq!(b["seed"], 7);
        assert_eq!(b["issues_detected"], json!([]));
        assert!(b["blob_path"]
            .as_str()
            .unwrap()
            .starts_with("temp-analysis-"));
        assert_eq!(b["summary"]["write"]["count"], 100);
        assert!(b["summary"]["read"]["count"].as_i64().unwrap() >= 100);
        assert!(b["summary"]["write"]["total_size"]
            .as_str()
            .unwrap()
            .ends_with("mb"));
        assert!(b.get("details").is_none());
        assert!(
            r.work > Duration::ZERO && r.work < Duration::from_secs(5),
            "{:?}",
            r.work
        );
        // The same seed gives the same sizes; bigger runs take longer.
        let again = run_at(
            &mut es,
            "POST",
            "_snapshot/repo/_analyze?seed=7",
            "",
            &mut env,
        );
        assert_eq!(
            again.body["summary"]["write"]["total_size_bytes"],
            b["summary"]["write"]["total_size_bytes"]
        );
        let big = run_at(
            &mut es,
            "POST",
            "_snapshot/repo/_analyze?blob_count=500&max_blob_size=256mb&max_total_data_size=10gb&timeout=120s&seed=7",
            "",
            &mut env,
        );
        assert_eq!(big.status, 200, "{}", big.body);
        assert!(big.work > r.work * 4, "{:?} vs {:?}", big.work, r.work);
        let raw = run_at(
            &mut es,
            "POST",
            "_snapshot/repo/_analyze?human=false&detailed=true&blob_count=3&seed=1",
            "",
            &mut env,
        );
        assert!(raw.body.get("max_blob_size").is_none());
        assert_eq!(raw.body["details"].as_array().unwrap().len(), 3);
    }

    #[test]
    fn parameters_are_checked_with_elasticsearch_messages() {
        let (mut es, mut env) = ready();
        let mut check = |query: &str, want: &str| {
            let r = run_at(
                &mut es,
                "POST",
                &format!("_snapshot/repo/_analyze?{query}"),
                "",
                &mut env,
            );
            assert_eq!((r.status, reason(&r)), (400, want.to_string()), "{query}");
        };
        check("blob_count=0", "blobCount must be >0, but was [0]");
        check(
            "blob_count=100001",
            "blobCount must be <= 100000, but was [100001]",
        );
        check(
            "blob_count=x",
            "Failed to parse int parameter [blob_count] with value [x]",
        );
        check("concurrency=0", "concurrency must be >0, but was [0]");
        check(
            "read_node_count=-1",
            "readNodeCount must be >0, but was [-1]",
        );
        check(
            "early_read_node_count=-1",
            "earlyReadNodeCount must be >=0, but was [-1]",
        );
        check(
            "rare_action_probability=2",
            "rareActionProbability must be between 0 and 1, but was [2.0]",
        );
        check("max_blob_size=0b", "maxBlobSize must be >0, but was [0b]");
        check(
            "max_total_data_size=0",
            "maxTotalDataSize must be >0, but was [0b]",
        );
        check(
            "register_operation_count=0",
            "registerOperationCount must be >0, but was [0]",
        );
        check(
            "detailed=maybe",
            "Failed to parse value [maybe] as only [true] or [false] are allowed.",
        );
        check(
            "max_blob_size=1gb&max_total_data_size=1mb",
            "cannot satisfy max total bytes [1048576B/1mb]: must write at least one byte per blob and at least one max-sized blob which is [1073741923B] in total",
        );
        check(
            "blob_cont=5",
            "request [/_snapshot/repo/_analyze] contains unrecognized parameter: [blob_cont] -> did you mean [blob_count]?",
        );
        let r = run_at(
            &mut es,
            "POST",
            "_snapshot/repo/_analyze?max_blob_size=10",
            "",
            &mut env,
        );
        assert_eq!(r.body["error"]["type"], "parse_exception");
        let r = run_at(&mut es, "POST", "_snapshot/nope/_analyze", "", &mut env);
        assert_eq!((r.status, reason(&r)), (404, "[nope] missing".to_string()));
    }

    #[test]
    fn a_lost_write_and_a_timeout_fail_as_elasticsearch_says() {
        let (mut es, mut env) = ready();
        es.hooks.analyze = Some(AnalyzeHook::LostWrite);
        let r = run_at(&mut es, "POST", "_snapshot/repo/_analyze", "", &mut env);
        assert_eq!(r.status, 500);
        assert_eq!(r.body["error"]["type"], "repository_verification_exception");
        let top = reason(&r);
        assert!(top.starts_with("[repo] Elasticsearch observed the storage system underneath this repository behaved incorrectly"), "{top}");
        assert!(top.ends_with(
            "but may have left some behind. If so, please now remove this data manually."
        ));
        assert!(r.body["error"]["caused_by"]["caused_by"]["reason"]
            .as_str()
            .unwrap()
            .ends_with("reported blob not found after it was written"));

        es.hooks.analyze = Some(AnalyzeHook::Slow);
        let r = run_at(
            &mut es,
            "POST",
            "_snapshot/repo/_analyze?timeout=5s",
            "",
            &mut env,
        );
        assert_eq!(r.status, 500);
        assert!(reason(&r).starts_with("[repo] Repository analysis timed out. Consider specifying a longer timeout using the [?timeout] request parameter."));
        assert_eq!(
            r.body["error"]["caused_by"]["reason"],
            "[repo] analysis timed out after [5s]"
        );
        assert_eq!(r.work, Duration::from_secs(5));
        let r = run_at(
            &mut es,
            "POST",
            "_snapshot/repo/_analyze?timeout=1h",
            "",
            &mut env,
        );
        assert_eq!(r.status, 200);
        assert_eq!(r.work, env.slow_analysis);
    }

    #[test]
    fn read_only_and_source_repositories_are_refused() {
        let (mut es, mut env) = ready();
        run_at(
            &mut es,
            "PUT",
            "_snapshot/ro?verify=false",
            r#"{"type":"s3","settings":{"bucket":"b","readonly":true}}"#,
            &mut env,
        );
        let r = run_at(&mut es, "POST", "_snapshot/ro/_analyze", "", &mut env);
        assert_eq!(
            (r.status, reason(&r)),
            (400, "repository [ro] is read-only".to_string())
        );
    }

    #[test]
    fn blob_sizes_fit_the_limits() {
        for (count, max, total) in [
            (100, 10 << 20, 1 << 30),
            (10, 1 << 20, 1 << 30),
            (5, 100, 110),
            (2000, 2 << 30, 1 << 40),
        ] {
            let sizes = blob_sizes(count, max, total);
            assert_eq!(sizes.len() as i64, count);
            assert!(sizes.iter().sum::<i64>() <= total);
            assert!(sizes.contains(&max));
            assert!(sizes.iter().all(|s| (1..=max).contains(s)));
        }
    }
}
