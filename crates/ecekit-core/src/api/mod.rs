//! The ECE, Elastic Cloud and Elasticsearch APIs ecekit talks to.
//!
//! - [`table`]: every method + path of the ECE (current and 2.13) and Elastic
//!   Cloud APIs, from the official specs, and [`match_path`];
//! - [`request`]: the requests of each [`Operation`] for each [`Target`];
//! - [`response`]: reading the answers (errors, keystore keys, deployments,
//!   login tokens, `_verify`, reload, the API key's expiry);
//! - [`connection`]: sending from a browser (profile, diff, retries,
//!   failed-fetch explanations, Cloud UI addresses);
//! - [`time`]: timestamps, with "now" always passed in.

pub mod connection;
pub mod request;
pub mod response;
pub mod table;
pub mod time;

pub use request::{
    build_request, is_variable, variables_in, Auth, Header, Note, NoteLevel, Operation, Request,
    RequestError, RequestSpec, Target, KNOWN_VARIABLES,
};
pub use response::{
    api_key_expiration, explain_status, failure, parse_api_key_expiration,
    parse_basic_failed_reply, parse_deployment, parse_deployments_list, parse_error,
    parse_keystore_contents, parse_reload_response, parse_token_response, parse_verify_response,
    ApiError, ApiErrorElement, KeyExpiry, ParseError, StatusExplanation,
};
pub use table::{
    classify_es_path, endpoints, match_path, split_url, Availability, Endpoint, EsApi, Found,
    PathMatch, ProxyPath, Suggestion, UrlParts,
};
