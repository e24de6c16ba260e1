//! Who may call a direct Elasticsearch endpoint, and what they may do:
//! API keys (`Authorization: ApiKey base64(id:api_key)`) and a user with a
//! password (basic auth), each with cluster privileges. Refusals are
//! Elasticsearch's (reference §F.3): 401 `security_exception` with
//! `WWW-Authenticate` for a missing or wrong credential, 403
//! `security_exception` naming the action and the privileges that grant it
//! (`AuthorizationDenialMessages`).
//!
//! The ECE proxy is not checked here: the coordinator calls its clusters
//! with its own credential.

use super::reply::{EsReply, Exception};
use crate::util::same_secret;
use base64::Engine;
use serde_json::{json, Map, Value};

/// The cluster privileges the simulator knows, narrowest first (the order
/// of the "granted by the cluster privileges [...]" list; a live 9.5.2
/// answer for `cluster:admin/repository/put` read `[manage,all]`).
const PRIVILEGES: &[(&str, &[&str])] = &[
    ("monitor", &["cluster:monitor/"]),
    (
        "monitor_snapshot",
        &[
            "cluster:admin/snapshot/get",
            "cluster:admin/snapshot/status",
            "cluster:admin/repository/get",
        ],
    ),
    (
        "create_snapshot",
        &[
            "cluster:admin/snapshot/create",
            "cluster:admin/snapshot/get",
            "cluster:admin/snapshot/status",
            "cluster:admin/repository/get",
        ],
    ),
    (
        "read_slm",
        &["cluster:admin/slm/get", "cluster:admin/slm/status"],
    ),
    ("manage_slm", &["cluster:admin/slm/"]),
    ("manage", &["cluster:"]),
    ("all", &["cluster:"]),
];

/// Named privileges that include others.
const IMPLIES: &[(&str, &[&str])] = &[
    (
        "manage",
        &[
            "monitor",
            "monitor_snapshot",
            "create_snapshot",
            "read_slm",
            "manage_slm",
        ],
    ),
    ("create_snapshot", &["monitor_snapshot"]),
    ("manage_slm", &["read_slm"]),
];

/// The privileges of the limited API key: it can look, not change.
pub const LIMITED_PRIVILEGES: &[&str] = &["monitor", "monitor_snapshot", "read_slm"];

/// A user of the native or reserved realm.
#[derive(Clone)]
pub struct User {
    pub name: String,
    pub password: String,
    pub roles: Vec<String>,
    pub privileges: Vec<&'static str>,
}

/// An Elasticsearch API key.
#[derive(Clone)]
pub struct ApiKey {
    pub id: String,
    pub secret: String,
    pub name: String,
    /// The user who created it.
    pub owner: String,
    pub privileges: Vec<&'static str>,
}

impl ApiKey {
    /// A new key with a random id (20 characters) and secret (22), like
    /// the ones `POST _security/api_key` makes.
    pub fn random(name: &str, owner: &str, privileges: &[&'static str]) -> ApiKey {
        let mut id = crate::util::random_token(15);
        id.truncate(20);
        let mut secret = crate::util::random_token(16);
        secret.truncate(22);
        ApiKey {
            id,
            secret,
            name: name.into(),
            owner: owner.into(),
            privileges: privileges.to_vec(),
        }
    }

    /// The `encoded` form: base64 of `id:api_key` (what Kibana shows first
    /// and what the `ApiKey` header carries).
    pub fn encoded(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", self.id, self.secret))
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKey")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("secret", &"<redacted>")
            .finish()
    }
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("name", &self.name)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// Who authenticated.
#[derive(Debug, Clone, Copy)]
pub enum Principal<'a> {
    User(&'a User),
    ApiKey(&'a ApiKey),
}

impl Principal<'_> {
    fn privileges(&self) -> &[&'static str] {
        match self {
            Principal::User(u) => &u.privileges,
            Principal::ApiKey(k) => &k.privileges,
        }
    }

    /// Whether the principal holds the named cluster privilege (directly,
    /// or through one that includes it).
    pub fn holds(&self, privilege: &str) -> bool {
        self.privileges().iter().any(|p| {
            *p == "all"
                || *p == privilege
                || IMPLIES
                    .iter()
                    .any(|(outer, inner)| outer == p && inner.contains(&privilege))
        })
    }
}

/// The credentials every simulated cluster accepts.
#[derive(Debug, Clone)]
pub struct Security {
    pub users: Vec<User>,
    pub api_keys: Vec<ApiKey>,
}

fn www_authenticate() -> Vec<&'static str> {
    vec![
        "Basic realm=\"security\", charset=\"UTF-8\"",
        "Bearer realm=\"security\"",
        "ApiKey",
    ]
}

/// A 401 as Elasticsearch sends it: the challenge in the body (root cause
/// and top level) and as `WWW-Authenticate` headers.
fn unauthenticated(reason: String, additional: Option<String>) -> EsReply {
    let challenge = json!({ "WWW-Authenticate": www_authenticate() });
    let mut e = Exception::new("security_exception", reason);
    if let Some(a) = additional {
        e = e.with("additional_unsuccessful_credentials", json!(a));
    }
    let mut reply = e.with("header", challenge).reply(401);
    for value in www_authenticate() {
        reply = reply.header("WWW-Authenticate", value);
    }
    reply
}

const ANONYMOUS_REFUSED: &str =
    "unable to authenticate with provided credentials and anonymous access is not allowed for this request";

impl Security {
    /// The principal of `authorization` (the header), or Elasticsearch's 401
    /// for `uri` (the request's path and query, as the message shows it).
    pub fn authenticate(
        &self,
        authorization: Option<&str>,
        uri: &str,
    ) -> Result<Principal<'_>, EsReply> {
        let missing = || {
            unauthenticated(
                format!("missing authentication credentials for REST request [{uri}]"),
                None,
            )
        };
        let Some(value) = authorization.map(str::trim) else {
            return Err(missing());
        };
        let (scheme, credential) = value.split_once(' ').unwrap_or((value, ""));
        let credential = credential.trim();
        let decoded = || {
            base64::engine::general_purpose::STANDARD
                .decode(credential)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
        };
        match scheme.to_ascii_lowercase().as_str() {
            "apikey" => {
                let Some((id, secret)) = decoded().and_then(|d| {
                    d.split_once(':')
                        .map(|(a, b)| (a.to_string(), b.to_string()))
                }) else {
                    return Err(unauthenticated(
                        ANONYMOUS_REFUSED.into(),
                        Some("API key: invalid ApiKey value".into()),
                    ));
                };
                match self.api_keys.iter().find(|k| k.id == id) {
                    None => Err(unauthenticated(
                        ANONYMOUS_REFUSED.into(),
                        Some(format!("API key: unable to find apikey with id {id}")),
                    )),
                    Some(k) if !same_secret(&secret, &k.secret) => Err(unauthenticated(
                        ANONYMOUS_REFUSED.into(),
                        Some(format!("API key: invalid credentials for API key [{id}]")),
                    )),
                    Some(k) => Ok(Principal::ApiKey(k)),
                }
            }
            "basic" => {
                let Some((user, password)) = decoded().and_then(|d| {
                    d.split_once(':')
                        .map(|(a, b)| (a.to_string(), b.to_string()))
                }) else {
                    return Err(missing());
                };
                match self.users.iter().find(|u| u.name == user) {
                    Some(u) if same_secret(&password, &u.password) => Ok(Principal::User(u)),
                    _ => Err(unauthenticated(
                        format!("unable to authenticate user [{user}] for REST request [{uri}]"),
                        None,
                    )),
                }
            }
            "bearer" => Err(unauthenticated(
                ANONYMOUS_REFUSED.into(),
                Some("Bearer token: the simulator issues no Elasticsearch tokens".into()),
            )),
            // An unknown scheme is no credential at all.
            _ => Err(missing()),
        }
    }
}

/// Refuses `action` with Elasticsearch's 403 unless `principal` holds a
/// privilege that grants it.
pub fn authorize(principal: Principal<'_>, action: &str) -> Result<(), EsReply> {
    let granting: Vec<&str> = PRIVILEGES
        .iter()
        .filter(|(_, patterns)| {
            patterns.iter().any(|p| {
                if p.ends_with('/') || p.ends_with(':') {
                    action.starts_with(p)
                } else {
                    action == *p || action.starts_with(&format!("{p}["))
                }
            })
        })
        .map(|(name, _)| *name)
        .collect();
    if granting.iter().any(|p| principal.holds(p)) {
        return Ok(());
    }
    let who = match principal {
        Principal::ApiKey(k) => format!("API key id [{}] of user [{}]", k.id, k.owner),
        Principal::User(u) => format!(
            "user [{}] with effective roles [{}]",
            u.name,
            u.roles.join(",")
        ),
    };
    Err(Exception::new(
        "security_exception",
        format!(
            "action [{action}] is unauthorized for {who}, this action is granted by the cluster privileges [{}]",
            granting.join(",")
        ),
    )
    .reply(403))
}

/// `GET _security/_authenticate`.
pub fn authenticate_answer(principal: Principal<'_>) -> Value {
    match principal {
        Principal::User(u) => {
            let reserved = u.name == "elastic";
            let realm = if reserved {
                json!({"name": "reserved", "type": "reserved"})
            } else {
                json!({"name": "default_native", "type": "native"})
            };
            json!({
                "username": u.name,
                "roles": u.roles,
                "full_name": null,
                "email": null,
                "metadata": if reserved { json!({"_reserved": true}) } else { json!({}) },
                "enabled": true,
                "authentication_realm": realm,
                "lookup_realm": realm,
                "authentication_type": "realm"
            })
        }
        Principal::ApiKey(k) => {
            let realm = json!({"name": "_es_api_key", "type": "_es_api_key"});
            json!({
                "username": k.owner,
                "roles": [],
                "full_name": null,
                "email": null,
                "metadata": {},
                "enabled": true,
                "authentication_realm": realm,
                "lookup_realm": realm,
                "authentication_type": "api_key",
                "api_key": {"id": k.id, "name": k.name}
            })
        }
    }
}

/// `GET|POST _security/user/_has_privileges` for cluster privileges (and
/// index privileges, granted only with `all`).
pub fn has_privileges(principal: Principal<'_>, body: &[u8]) -> EsReply {
    let request = match super::reply::json_body(body, false) {
        Ok(v) => v,
        Err(e) => return e,
    };
    let mut all = true;
    let mut cluster = Map::new();
    for p in request["cluster"].as_array().into_iter().flatten() {
        let name = p.as_str().unwrap_or_default();
        let held = principal.holds(name);
        all &= held;
        cluster.insert(name.into(), json!(held));
    }
    let superuser = principal.holds("all");
    let mut index = Map::new();
    for entry in request["index"].as_array().into_iter().flatten() {
        for name in entry["names"].as_array().into_iter().flatten() {
            let mut privs = Map::new();
            for p in entry["privileges"].as_array().into_iter().flatten() {
                privs.insert(p.as_str().unwrap_or_default().into(), json!(superuser));
                all &= superuser;
            }
            index.insert(
                name.as_str().unwrap_or_default().into(),
                Value::Object(privs),
            );
        }
    }
    let username = match principal {
        Principal::User(u) => u.name.clone(),
        Principal::ApiKey(k) => k.owner.clone(),
    };
    EsReply::ok(json!({
        "username": username,
        "has_all_requested": all,
        "cluster": cluster,
        "index": index,
        "application": {}
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn security() -> Security {
        Security {
            users: vec![User {
                name: "elastic".into(),
                password: "pw".into(),
                roles: vec!["superuser".into()],
                privileges: vec!["all"],
            }],
            api_keys: vec![
                ApiKey {
                    id: "VuaCfGcBCdbkQm-e5aOx".into(),
                    secret: "ui2lp2axTNmsyakw9tvNnw".into(),
                    name: "full".into(),
                    owner: "elastic".into(),
                    privileges: vec!["all"],
                },
                ApiKey {
                    id: "limitedlimitedlimite".into(),
                    secret: "s".into(),
                    name: "limited".into(),
                    owner: "elastic".into(),
                    privileges: LIMITED_PRIVILEGES.to_vec(),
                },
            ],
        }
    }

    #[test]
    fn the_encoded_form_is_the_documented_one() {
        let s = security();
        assert_eq!(
            s.api_keys[0].encoded(),
            "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=="
        );
        let header = format!("ApiKey {}", s.api_keys[0].encoded());
        assert!(s.authenticate(Some(&header), "/").is_ok());
        let basic = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode("elastic:pw")
        );
        assert!(s.authenticate(Some(&basic), "/").is_ok());
    }

    #[test]
    fn refuses_like_elasticsearch() {
        let s = security();
        let r = s.authenticate(None, "/_snapshot/r").unwrap_err();
        assert_eq!(r.status, 401);
        assert_eq!(
            r.body["error"]["reason"],
            "missing authentication credentials for REST request [/_snapshot/r]"
        );
        assert_eq!(
            r.body["error"]["root_cause"][0]["header"]["WWW-Authenticate"][0],
            "Basic realm=\"security\", charset=\"UTF-8\""
        );
        assert_eq!(r.headers.len(), 3);
        let raw = "ApiKey VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw";
        let r = s.authenticate(Some(raw), "/").unwrap_err();
        assert_eq!(r.body["error"]["reason"], ANONYMOUS_REFUSED);
        let wrong = format!(
            "ApiKey {}",
            base64::engine::general_purpose::STANDARD.encode("VuaCfGcBCdbkQm-e5aOx:nope")
        );
        let r = s.authenticate(Some(&wrong), "/").unwrap_err();
        assert_eq!(
            r.body["error"]["additional_unsuccessful_credentials"],
            "API key: invalid credentials for API key [VuaCfGcBCdbkQm-e5aOx]"
        );
        let basic = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode("elastic:nope")
        );
        let r = s.authenticate(Some(&basic), "/x?y=1").unwrap_err();
        assert_eq!(
            r.body["error"]["reason"],
            "unable to authenticate user [elastic] for REST request [/x?y=1]"
        );
    }

    #[test]
    fn a_limited_key_gets_the_403_of_its_action() {
        let s = security();
        let limited = Principal::ApiKey(&s.api_keys[1]);
        let r = authorize(limited, "cluster:admin/repository/put").unwrap_err();
        assert_eq!(r.status, 403);
        assert_eq!(
            r.body["error"]["reason"],
            "action [cluster:admin/repository/put] is unauthorized for API key id [limitedlimitedlimite] of user [elastic], this action is granted by the cluster privileges [manage,all]"
        );
        assert!(authorize(limited, "cluster:admin/repository/get").is_ok());
        assert!(authorize(limited, "cluster:admin/slm/get").is_ok());
        let r = authorize(limited, "cluster:admin/slm/put").unwrap_err();
        assert!(r.body["error"]["reason"]
            .as_str()
            .unwrap()
            .ends_with("[manage_slm,manage,all]"));
        let user = User {
            name: "viewer".into(),
            password: String::new(),
            roles: vec!["viewer".into()],
            privileges: vec!["monitor"],
        };
        let r = authorize(
            Principal::User(&user),
            "cluster:admin/nodes/reload_secure_settings",
        )
        .unwrap_err();
        assert_eq!(
            r.body["error"]["reason"],
            "action [cluster:admin/nodes/reload_secure_settings] is unauthorized for user [viewer] with effective roles [viewer], this action is granted by the cluster privileges [manage,all]"
        );
        assert!(authorize(
            Principal::ApiKey(&s.api_keys[0]),
            "cluster:admin/repository/put"
        )
        .is_ok());
    }

    #[test]
    fn has_privileges_answers_per_privilege() {
        let s = security();
        let r = has_privileges(
            Principal::ApiKey(&s.api_keys[1]),
            br#"{"cluster":["manage","monitor_snapshot"]}"#,
        );
        assert_eq!(
            r.body["cluster"],
            json!({"manage": false, "monitor_snapshot": true})
        );
        assert_eq!(r.body["has_all_requested"], false);
    }
}
