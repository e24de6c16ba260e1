//! The connection session: memory only, for the browser session. It holds
//! the credential, so it has no serde and a `Debug` that shows no secret.

use ecekit_core::api::connection::{AuthMethod, Credential, KeystoreDiff, SendError};
use ecekit_core::api::response::{DeploymentSummary, KeyExpiry};
use std::rc::Rc;
use yew::Reducible;

/// Default time limit of one request, in seconds.
pub const DEFAULT_TIMEOUT_SECS: u32 = 20;

/// The operations of the Connection area (each has its own result line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    Connect,
    Vault,
    Tab,
    Grant,
    ListKeys,
    Apply,
    Remove,
    Resync,
    Reload,
    Repository,
    PlatformRepository,
}

impl Op {
    pub fn label(self) -> &'static str {
        match self {
            Op::Connect => "Connect",
            Op::Vault => "Saved key",
            Op::Tab => "Current tab",
            Op::Grant => "Access",
            Op::ListKeys => "List keys",
            Op::Apply => "Apply the keystore change",
            Op::Remove => "Remove keys",
            Op::Resync => "Resync keys",
            Op::Reload => "Reload secure settings",
            Op::Repository => "Register and verify the repository",
            Op::PlatformRepository => "Register the platform repository",
        }
    }
}

/// How an operation ended (or where it is).
#[derive(Debug, Clone, PartialEq)]
pub enum OpStatus {
    Progress(String),
    Done {
        message: String,
        details: Vec<String>,
    },
    Failed(Box<SendError>),
    /// A local problem (nothing was sent).
    Refused(String),
}

/// A write waiting for the user's explicit confirmation. The body may hold
/// secret values: it stays in memory and is never shown as such.
#[derive(Clone, PartialEq)]
pub struct Pending {
    pub op: Op,
    /// The PATCH bodies to send in order (resync: remove, then re-add).
    pub bodies: Vec<String>,
    pub diff: KeystoreDiff,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Pending({:?}, {} bodies, redacted)",
            self.op,
            self.bodies.len()
        )
    }
}

#[derive(Clone, PartialEq)]
pub struct Session {
    pub credential: Option<Credential>,
    pub auth: AuthMethod,
    pub username: String,
    pub timeout_secs: u32,
    pub expiry: Option<KeyExpiry>,
    pub deployments: Option<Vec<DeploymentSummary>>,
    /// The key names of the last keystore listing.
    pub keys: Option<Vec<String>>,
    /// The coordinator origin that blocked a plain page's request (CORS):
    /// another coordinator gets its own chance.
    pub cors_blocked: Option<String>,
    /// The extension holds the host permission for the coordinator.
    pub granted: Option<bool>,
    /// The operation in flight: every Send is off meanwhile.
    pub busy: Option<Op>,
    /// The latest status of each operation, with its update number.
    pub results: Vec<(Op, OpStatus, u32)>,
    /// Statuses set so far: numbers each one, so that a new result can be
    /// told from the last one even when it reads the same.
    pub updates: u32,
    pub pending: Option<Pending>,
}

impl Default for Session {
    fn default() -> Self {
        Session {
            credential: None,
            auth: AuthMethod::ApiKey,
            username: "admin".into(),
            timeout_secs: DEFAULT_TIMEOUT_SECS,
            expiry: None,
            deployments: None,
            keys: None,
            cors_blocked: None,
            granted: None,
            busy: None,
            results: Vec::new(),
            updates: 0,
            pending: None,
        }
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Session(credential: {}, busy: {:?})",
            if self.credential.is_some() {
                "<redacted>"
            } else {
                "none"
            },
            self.busy
        )
    }
}

impl Session {
    pub fn result(&self, op: Op) -> Option<&OpStatus> {
        self.results
            .iter()
            .find(|(o, ..)| *o == op)
            .map(|(_, s, _)| s)
    }

    /// The update number of `op`'s latest status (0: none yet).
    pub fn update_of(&self, op: Op) -> u32 {
        self.results
            .iter()
            .find(|(o, ..)| *o == op)
            .map_or(0, |(.., n)| *n)
    }
}

#[derive(Clone, PartialEq)]
pub enum SessionAction {
    SetAuth(AuthMethod),
    SetUsername(String),
    SetTimeout(u32),
    Connected(Credential),
    /// Drops the credential (and any pending write) from memory.
    Lock,
    Expiry(Option<KeyExpiry>),
    Deployments(Vec<DeploymentSummary>),
    Keys(Vec<String>),
    /// The origin that refused a plain page's request.
    CorsBlocked(String),
    Granted(Option<bool>),
    Busy(Option<Op>),
    Status(Op, OpStatus),
    Pending(Option<Pending>),
}

impl Reducible for Session {
    type Action = SessionAction;

    fn reduce(self: Rc<Self>, action: SessionAction) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            SessionAction::SetAuth(a) => s.auth = a,
            SessionAction::SetUsername(u) => s.username = u,
            SessionAction::SetTimeout(t) => s.timeout_secs = t.clamp(1, 600),
            SessionAction::Connected(c) => s.credential = Some(c),
            SessionAction::Lock => {
                s.credential = None;
                s.pending = None;
                s.expiry = None;
            }
            SessionAction::Expiry(e) => s.expiry = e,
            SessionAction::Deployments(d) => s.deployments = Some(d),
            SessionAction::Keys(k) => s.keys = Some(k),
            SessionAction::CorsBlocked(origin) => s.cors_blocked = Some(origin),
            SessionAction::Granted(g) => s.granted = g,
            SessionAction::Busy(b) => s.busy = b,
            SessionAction::Status(op, status) => {
                s.updates += 1;
                s.results.retain(|(o, ..)| *o != op);
                s.results.push((op, status, s.updates));
            }
            SessionAction::Pending(p) => s.pending = p,
        }
        Rc::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reduce(s: Session, a: SessionAction) -> Session {
        (*Rc::new(s).reduce(a)).clone()
    }

    #[test]
    fn lock_drops_the_credential_and_the_pending_write() {
        let s = reduce(
            Session::default(),
            SessionAction::Connected(Credential::ApiKey("k3y-value".into())),
        );
        let s = reduce(
            s,
            SessionAction::Pending(Some(Pending {
                op: Op::Apply,
                bodies: vec!["{\"secrets\":{\"a\":{\"value\":\"v4lue\"}}}".into()],
                diff: KeystoreDiff::default(),
            })),
        );
        assert!(!format!("{s:?} {:?}", s.pending).contains("k3y-value"));
        assert!(!format!("{:?}", s.pending).contains("v4lue"));
        let s = reduce(s, SessionAction::Lock);
        assert!(s.credential.is_none() && s.pending.is_none());
    }

    #[test]
    fn one_result_per_operation_the_latest_wins() {
        let s = reduce(
            Session::default(),
            SessionAction::Status(Op::ListKeys, OpStatus::Progress("…".into())),
        );
        let s = reduce(
            s,
            SessionAction::Status(Op::ListKeys, OpStatus::Refused("no".into())),
        );
        assert_eq!(s.results.len(), 1);
        assert_eq!(
            s.result(Op::ListKeys),
            Some(&OpStatus::Refused("no".into()))
        );
        // The same status again is still a new update.
        let before = s.update_of(Op::ListKeys);
        let s = reduce(
            s,
            SessionAction::Status(Op::ListKeys, OpStatus::Refused("no".into())),
        );
        assert_eq!(s.update_of(Op::ListKeys), before + 1);
        assert_eq!(s.update_of(Op::Apply), 0);
        assert_eq!(reduce(s, SessionAction::SetTimeout(0)).timeout_secs, 1);
    }
}
