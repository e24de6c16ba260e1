//! Kibana Dev Tools console text (`PUT _snapshot/name` + the body).
//!
//! Only for requests Elasticsearch answers: Kibana sends them to its own
//! Elasticsearch as the logged-in user, so no ECE proxy or header is needed.

use super::{base_name, RenderError, Rendered};
use crate::api::Request;

/// Renders an Elasticsearch-level request as Kibana Dev Tools console text.
pub fn kibana_console(request: &Request) -> Result<Rendered, RenderError> {
    let Some(es_path) = &request.es_path else {
        return Err(RenderError::new(format!(
            "{} is an {} API call, not an Elasticsearch request: Kibana Dev Tools cannot send it; use curl (or the Cloud UI)",
            request.operation,
            match request.target {
                crate::api::Target::Ess => "Elastic Cloud",
                _ => "ECE",
            }
        )));
    };
    let mut text = format!("{} {}\n", request.method, es_path);
    if let Some(body) = &request.body {
        text.push_str(body.trim_end_matches(['\n', '\r']));
        text.push('\n');
    }
    Ok(Rendered {
        format: super::Format::KibanaConsole,
        text,
        filename: format!("{}.console", base_name(request)),
        files: Vec::new(),
        notes: vec![
            "Paste into Kibana > Dev Tools > Console: it runs as the logged-in Kibana user, who needs the `manage` cluster privilege.".to_string(),
        ],
    })
}
