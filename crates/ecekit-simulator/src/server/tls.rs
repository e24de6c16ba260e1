//! `--tls`: a self-signed certificate made at start, served through rustls
//! (ring provider, the one TLS stack of the workspace).

use crate::Error;
use std::sync::Arc;

/// The self-signed certificate and the server configuration that serves it.
pub struct SelfSigned {
    pub config: Arc<rustls::ServerConfig>,
    /// The certificate, PEM.
    pub pem: String,
    /// SHA-256 of the certificate (DER), upper-case hex with colons.
    pub sha256: String,
}

/// Makes a certificate for `localhost`, `127.0.0.1` and `::1`.
pub fn self_signed() -> Result<SelfSigned, Error> {
    let names = vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
    ];
    let certified = rcgen::generate_simple_self_signed(names)
        .map_err(|e| Error(format!("cannot make the self-signed certificate: {e}")))?;
    let der = certified.cert.der().clone();
    let fingerprint = ring::digest::digest(&ring::digest::SHA256, der.as_ref())
        .as_ref()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":");
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(rustls::pki_types::PrivatePkcs8KeyDer::from(
        certified.signing_key.serialize_der(),
    ));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error(format!("TLS setup failed: {e}")))?
        .with_no_client_auth()
        .with_single_cert(vec![der], key)
        .map_err(|e| Error(format!("TLS setup failed: {e}")))?;
    // The simulator speaks HTTP/1.1 only; say so to clients that offer h2.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(SelfSigned {
        config: Arc::new(config),
        pem: certified.cert.pem(),
        sha256: fingerprint,
    })
}
