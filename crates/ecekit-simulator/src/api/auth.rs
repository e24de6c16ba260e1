//! Who may call the coordinator: the API key (`ApiKey <key>`), a bearer
//! token from login, or basic auth for `admin` (ECE only: Elastic Cloud
//! takes API keys only, reference ece-api.md §2).

use super::reply::{failed, spec_code};
use super::App;
use crate::http::{Reply, Request};
use crate::util::{now_unix, random_token, rfc3339, same_secret};
use crate::Platform;
use base64::Engine;
use serde_json::{json, Value};

fn unauthenticated(message: &str) -> Reply {
    failed(401, "root.unauthenticated", message, vec![])
}

impl App {
    pub(super) fn authenticate(&self, req: &Request) -> Result<(), Reply> {
        let ess = self.config().platform == Platform::Ess;
        let Some(value) = req.header("Authorization") else {
            return Err(unauthenticated(if ess {
                "The request has no Authorization header: send `Authorization: ApiKey <key>`"
            } else {
                "The request has no Authorization header: send `Authorization: ApiKey <key>` or `Authorization: Bearer <token>`"
            }));
        };
        let (scheme, credential) = value.trim().split_once(' ').unwrap_or((value.trim(), ""));
        let credential = credential.trim();
        match scheme.to_ascii_lowercase().as_str() {
            "apikey" => {
                if !same_secret(credential, &self.config().api_key) {
                    Err(unauthenticated("The supplied API key is not valid"))
                } else if now_unix() >= self.key_expires_at {
                    Err(unauthenticated(
                        "The supplied API key has expired: create a new one",
                    ))
                } else {
                    Ok(())
                }
            }
            _ if ess => Err(unauthenticated(
                "Elastic Cloud accepts API keys only: send `Authorization: ApiKey <key>`",
            )),
            "bearer" => match self.shared.lock().tokens.get(credential) {
                Some(exp) if *exp > now_unix() => Ok(()),
                Some(_) => Err(unauthenticated(
                    "The bearer token has expired: log in again (POST /api/v1/users/auth/_login)",
                )),
                None => Err(unauthenticated("The supplied bearer token is not valid")),
            },
            "basic" => {
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(credential)
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                    .unwrap_or_default();
                match decoded.split_once(':') {
                    Some(("admin", pw)) if same_secret(pw, &self.config().password) => Ok(()),
                    _ => Err(unauthenticated(
                        "The supplied username or password is not valid",
                    )),
                }
            }
            _ => Err(unauthenticated(
                "Unsupported Authorization scheme: use `ApiKey <key>` or `Bearer <token>`",
            )),
        }
    }

    /// Whether the request carries the accepted API key (valid or expired).
    pub(super) fn carries_key(&self, req: &Request) -> bool {
        req.header("Authorization")
            .and_then(|h| h.trim().split_once(' '))
            .is_some_and(|(scheme, key)| {
                scheme.eq_ignore_ascii_case("apikey")
                    && same_secret(key.trim(), &self.config().api_key)
            })
    }

    fn new_token(&self) -> (String, i64) {
        let b64 =
            |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
        let now = now_unix();
        let exp = now + self.config().token_ttl.as_secs().max(1) as i64;
        let token = format!(
            "{}.{}.{}",
            b64(&json!({"alg": "HS256", "typ": "JWT"})),
            b64(&json!({"sub": "admin", "iss": "ecekit-simulator", "iat": now, "exp": exp})),
            random_token(32)
        );
        let mut st = self.shared.lock();
        st.tokens.retain(|_, e| *e > now);
        st.tokens.insert(token.clone(), exp);
        (token, exp)
    }

    pub(super) fn login(&self, req: &Request) -> Reply {
        let body = match self.body(req, "LoginRequest") {
            Ok(b) => b,
            Err(r) => return r,
        };
        let user = body["username"].as_str().unwrap_or("");
        let password = body["password"].as_str().unwrap_or("");
        if user != "admin" || !same_secret(password, &self.config().password) {
            return failed(
                401,
                &spec_code("login", 401, "root.unauthenticated"),
                "The supplied authentication is invalid: wrong username or password",
                vec![],
            );
        }
        let (token, exp) = self.new_token();
        if let Some(path) = body["login_state"]["path"].as_str() {
            let location = format!("/sso/token#{token}?state={path}");
            return Reply::json(302, &json!({})).header("Location", location);
        }
        Reply::json(
            200,
            &json!({"token": token, "session_expiration_time": rfc3339(exp)}),
        )
    }

    pub(super) fn refresh(&self, req: &Request) -> Reply {
        let code = spec_code("refresh-token", 401, "root.unauthorized");
        let token = req
            .header("Authorization")
            .and_then(|h| h.trim().split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, t)| t.trim().to_string());
        let Some(token) = token else {
            return failed(
                401,
                &code,
                "Refreshing needs a bearer token: send `Authorization: Bearer <token>` from POST /api/v1/users/auth/_login",
                vec![],
            );
        };
        let valid = self
            .shared
            .lock()
            .tokens
            .get(&token)
            .is_some_and(|exp| *exp > now_unix());
        if !valid {
            return failed(
                401,
                &code,
                "The authentication token is invalid or expired: log in again",
                vec![],
            );
        }
        let (token, exp) = self.new_token();
        Reply::json(
            200,
            &json!({"token": token, "session_expiration_time": rfc3339(exp)}),
        )
    }
}
