//! The ECE deployment proxy (`/deployments/{id}/{kind}/{ref_id}/proxy/{path}`):
//! it needs `X-Management-Request: true`, hands Elasticsearch requests to the
//! deployment's cluster (the same model as its direct endpoint), and cuts a
//! request that takes longer than its limit (`--proxy-timeout-secs`; "the
//! 60s proxy timeout", reference §C.5).

use super::reply::{
    deployment_not_found, failed, resource_not_found, CODE_MISSING_MANAGEMENT_HEADER,
    CODE_NOT_SIMULATED, CODE_PROXY_TIMEOUT,
};
use super::{Answer, App};
use crate::es::{self, EsRequest};
use crate::http::{Reply, Request};
use crate::spec::spec;

impl App {
    pub(super) fn proxy(
        &self,
        req: &Request,
        operation: &str,
        id: &str,
        kind: &str,
        ref_id: &str,
        path: &[String],
    ) -> Answer {
        for header in spec().required_headers(operation) {
            if !req
                .header(header)
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
            {
                return Answer::now(failed(
                    400,
                    CODE_MISSING_MANAGEMENT_HEADER,
                    &format!(
                        "The proxy needs the `{header}: true` HTTP header (the spec: \"You must specify the `{header}` HTTP header with value `true`\")"
                    ),
                    vec![header.to_string()],
                ));
            }
        }
        let mut st = self.shared.lock();
        let Some(d) = st.deployment_mut(id) else {
            return Answer::now(deployment_not_found(operation, id));
        };
        let kinds = spec().path_enum(operation, "resource_kind");
        if !kinds.contains(&kind) {
            return Answer::now(failed(
                404,
                "deployments.deployment_resource_not_found",
                &format!(
                    "Unknown resource kind [{kind}]: expected one of {}",
                    kinds.join(", ")
                ),
                vec!["resource_kind".into()],
            ));
        }
        match kind {
            "elasticsearch" if ref_id == d.es_ref_id || ref_id == "_main" => {
                let query = req.query();
                let request = EsRequest {
                    method: &req.method,
                    path,
                    query: &query,
                    body: &req.body,
                };
                let reply = match es::route(&req.method, path) {
                    Ok(route) => d.es.handle(&route, &request, &self.shared.es_env()),
                    Err(e) => e,
                };
                let limit = self.config().proxy_timeout;
                if reply.work > limit {
                    return Answer {
                        reply: failed(
                            504,
                            CODE_PROXY_TIMEOUT,
                            &format!(
                                "The request to the deployment's Elasticsearch did not complete within {} seconds, the proxy's time limit; Elasticsearch cancels what the proxy stops waiting for. Run long requests on the deployment's own endpoint, or make them shorter (for an analysis, a smaller run or a timeout below the limit)",
                                limit.as_secs_f64()
                            ),
                            vec![],
                        ),
                        work: limit,
                    };
                }
                let work = reply.work;
                let mut answer = Reply::json(reply.status, &reply.body);
                for (k, v) in reply.headers {
                    answer = answer.header(&k, v);
                }
                Answer {
                    reply: answer,
                    work,
                }
            }
            "kibana" if ref_id == d.kibana_ref_id || ref_id == "_main" => Answer::now(failed(
                501,
                CODE_NOT_SIMULATED,
                "The ecekit simulator proxies only Elasticsearch resources",
                vec![],
            )),
            _ => Answer::now(resource_not_found(operation, kind, ref_id, d)),
        }
    }
}
