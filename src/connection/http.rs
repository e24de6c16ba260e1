//! The one typed way to send a request: `send`, over the browser's fetch,
//! with a time limit (AbortController), the extension's host-permission
//! check first, the engine's retry policy (GETs only) and the engine's
//! explanations of every failure. Nothing here logs.

use super::ext;
use ecekit_core::api::connection::{
    explain_fetch_failure, permission_missing, ready_to_send, wire_headers, Coordinator,
    Credential, FetchFailure, Outcome, RetryPolicy, SendError,
};
use ecekit_core::api::response::parse_error;
use ecekit_core::api::Request;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Where the app runs and how long to wait.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Env {
    pub in_extension: bool,
    pub page_origin: Option<String>,
    pub timeout_ms: u32,
}

impl Env {
    pub fn current(timeout_secs: u32) -> Env {
        Env {
            in_extension: ext::in_extension(),
            page_origin: ext::page_origin(),
            timeout_ms: timeout_secs.saturating_mul(1000),
        }
    }
}

/// A 2xx answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

enum Fail {
    Timeout,
    Network,
}

/// Sends `request` to `coordinator` with `credential` in `Authorization`.
/// A non-2xx answer is an error, explained (BasicFailedReply per field).
pub async fn send(
    env: &Env,
    coordinator: &Coordinator,
    request: &Request,
    credential: Option<&Credential>,
) -> Result<Response, SendError> {
    ready_to_send(request).map_err(|e| SendError::invalid(e.message))?;
    if !coordinator.owns(&request.url) {
        return Err(SendError::invalid(
            "The request does not go to the connected coordinator: check the coordinator URL.",
        ));
    }
    let headers = match (credential, request.header("Authorization")) {
        (Some(c), _) => wire_headers(request, c),
        (None, None) => request
            .headers
            .iter()
            .map(|h| (h.name.clone(), h.value.clone()))
            .collect(),
        (None, Some(_)) => {
            return Err(SendError::invalid(
                "Connect first: enter the API key (or log in), or unlock the saved key.",
            ))
        }
    };
    if env.in_extension && !ext::permission_granted(&coordinator.permission_pattern()).await {
        return Err(permission_missing(coordinator));
    }
    let policy = RetryPolicy::default();
    let mut attempt = 1;
    loop {
        let outcome = fetch_once(
            request.method,
            &request.url,
            &headers,
            request.body.as_deref(),
            env.timeout_ms,
        )
        .await;
        let failed = |timed_out: bool| {
            explain_fetch_failure(
                coordinator,
                &FetchFailure {
                    in_extension: env.in_extension,
                    page_origin: env.page_origin.clone(),
                    timed_out_after_ms: timed_out.then_some(env.timeout_ms),
                    method: request.method.to_string(),
                },
            )
        };
        let delay = match &outcome {
            Ok(r) if (200..300).contains(&r.status) => None,
            Ok(r) => policy.retry_delay(request.method, Outcome::Status(r.status), attempt),
            Err(Fail::Network) => policy.retry_delay(request.method, Outcome::Network, attempt),
            Err(Fail::Timeout) => None,
        };
        if let Some(ms) = delay {
            gloo::timers::future::TimeoutFuture::new(ms).await;
            attempt += 1;
            continue;
        }
        return match outcome {
            Ok(r) if (200..300).contains(&r.status) => Ok(r),
            Ok(r) => Err(SendError::http(parse_error(
                r.status,
                &r.headers,
                &r.body,
                coordinator.platform,
            ))),
            Err(Fail::Timeout) => Err(failed(true)),
            Err(Fail::Network) => {
                // A permission revoked while the panel was open looks like a
                // network failure: tell it apart.
                if env.in_extension
                    && !ext::permission_granted(&coordinator.permission_pattern()).await
                {
                    Err(permission_missing(coordinator))
                } else {
                    Err(failed(false))
                }
            }
        };
    }
}

async fn fetch_once(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: Option<&str>,
    timeout_ms: u32,
) -> Result<Response, Fail> {
    let window = web_sys::window().ok_or(Fail::Network)?;
    let controller = web_sys::AbortController::new().map_err(|_| Fail::Network)?;
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_signal(Some(&controller.signal()));
    init.set_cache(web_sys::RequestCache::NoStore);
    init.set_credentials(web_sys::RequestCredentials::Omit);
    let h = web_sys::Headers::new().map_err(|_| Fail::Network)?;
    for (name, value) in headers {
        h.append(name, value).map_err(|_| Fail::Network)?;
    }
    init.set_headers(&h);
    if let Some(body) = body {
        init.set_body(&JsValue::from_str(body));
    }
    let timed_out = Rc::new(Cell::new(false));
    let timer = {
        let (controller, timed_out) = (controller.clone(), timed_out.clone());
        gloo::timers::callback::Timeout::new(timeout_ms, move || {
            timed_out.set(true);
            controller.abort();
        })
    };
    let fail = |timed_out: &Rc<Cell<bool>>| {
        if timed_out.get() {
            Fail::Timeout
        } else {
            Fail::Network
        }
    };
    let response: web_sys::Response =
        match JsFuture::from(window.fetch_with_str_and_init(url, &init)).await {
            Ok(v) => v.dyn_into().map_err(|_| Fail::Network)?,
            Err(_) => return Err(fail(&timed_out)),
        };
    let mut out_headers = Vec::new();
    if let Ok(Some(iter)) = js_sys::try_iter(&response.headers()) {
        for entry in iter.flatten() {
            let pair = js_sys::Array::from(&entry);
            if let (Some(n), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                out_headers.push((n, v));
            }
        }
    }
    let text = match response.text() {
        Ok(p) => JsFuture::from(p).await.map_err(|_| fail(&timed_out))?,
        Err(_) => return Err(Fail::Network),
    };
    drop(timer);
    Ok(Response {
        status: response.status(),
        headers: out_headers,
        body: text.as_string().unwrap_or_default(),
    })
}
