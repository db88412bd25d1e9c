//! What both channels need of the network: a small URL reader, TLS (rustls with the ring provider;
//! Mozilla's roots from `webpki-roots`, plus a private CA from a PEM file), and timeouts.

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

/// Longest wait for a connection, and for each reply of a server.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// `scheme://[user[:password]@]host[:port][/path]`, the parts this service uses.
#[derive(Clone, PartialEq, Eq)]
pub struct Url {
    pub scheme: String,
    pub user: Option<(String, String)>,
    pub host: String,
    pub port: u16,
    /// `/…` (at least `/`).
    pub path: String,
}

impl std::fmt::Debug for Url {
    /// Never the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}://{}:{}{}",
            self.scheme, self.host, self.port, self.path
        )
    }
}

/// `%XX` decoded (user names and passwords in URLs).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Some(v) = std::str::from_utf8(&b[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Url {
    /// Reads `s`; `default_port` by scheme.
    pub fn parse(s: &str, default_port: impl Fn(&str) -> Option<u16>) -> Result<Url, String> {
        let (scheme, rest) = s
            .split_once("://")
            .ok_or_else(|| format!("{s:?} is not a URL (scheme://host…)"))?;
        let scheme = scheme.to_ascii_lowercase();
        let port_default =
            default_port(&scheme).ok_or_else(|| format!("unsupported URL scheme {scheme:?}"))?;
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let (user, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => {
                let (name, pw) = u.split_once(':').unwrap_or((u, ""));
                (Some((percent_decode(name), percent_decode(pw))), h)
            }
            None => (None, authority),
        };
        let (host, port) = if let Some(h) = hostport.strip_prefix('[') {
            let (h, p) = h.split_once(']').ok_or("bad IPv6 address in URL")?;
            (h.to_owned(), p.strip_prefix(':'))
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) => (h.to_owned(), Some(p)),
                None => (hostport.to_owned(), None),
            }
        };
        if host.is_empty() {
            return Err(format!("no host in URL {scheme}://…"));
        }
        let port = match port {
            Some(p) => p.parse().map_err(|_| format!("bad port {p:?} in URL"))?,
            None => port_default,
        };
        Ok(Url {
            scheme,
            user,
            host,
            port,
            path: path.to_owned(),
        })
    }

    /// `host:port` for a Host header (the port only when it is not the scheme's default).
    pub fn host_header(&self, default: u16) -> String {
        let h = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        if self.port == default {
            h
        } else {
            format!("{h}:{}", self.port)
        }
    }
}

/// A TLS client configuration trusting Mozilla's roots and, if given, the CA certificates of a PEM
/// file (a private CA).
pub fn tls(ca_file: Option<&Path>) -> Result<TlsConnector, String> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(p) = ca_file {
        let mut n = 0;
        for c in CertificateDer::pem_file_iter(p)
            .map_err(|e| format!("cannot read CA file {}: {e}", p.display()))?
        {
            let c = c.map_err(|e| format!("bad certificate in {}: {e}", p.display()))?;
            roots
                .add(c)
                .map_err(|e| format!("bad CA certificate in {}: {e}", p.display()))?;
            n += 1;
        }
        if n == 0 {
            return Err(format!("no certificate in CA file {}", p.display()));
        }
    }
    let cfg = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| e.to_string())?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(TlsConnector::from(Arc::new(cfg)))
}

/// A TCP connection to `host:port`, within [`TIMEOUT`].
pub async fn connect(host: &str, port: u16) -> Result<TcpStream, String> {
    let s = tokio::time::timeout(TIMEOUT, TcpStream::connect((host, port)))
        .await
        .map_err(|_| format!("connect to {host}:{port}: timed out"))?
        .map_err(|e| format!("connect to {host}:{port}: {e}"))?;
    let _ = s.set_nodelay(true);
    Ok(s)
}

/// TLS over `tcp`, the server's certificate checked for `host`.
pub async fn handshake(
    tls: &TlsConnector,
    host: &str,
    tcp: TcpStream,
) -> Result<TlsStream<TcpStream>, String> {
    let name = ServerName::try_from(host.to_owned()).map_err(|e| format!("server name: {e}"))?;
    tokio::time::timeout(TIMEOUT, tls.connect(name, tcp))
        .await
        .map_err(|_| "TLS handshake timed out".to_owned())?
        .map_err(|e| format!("TLS: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn smtp(s: &str) -> Option<u16> {
        (s == "smtp").then_some(25)
    }

    #[test]
    fn urls() {
        let u = Url::parse("smtp://us%40er:p%3Ass@mail.example.com:587", smtp).unwrap();
        assert_eq!(u.user, Some(("us@er".into(), "p:ss".into())));
        assert_eq!(
            (u.host.as_str(), u.port, u.path.as_str()),
            ("mail.example.com", 587, "/")
        );
        assert!(!format!("{u:?}").contains("p:ss"));
        let u = Url::parse("smtp://127.0.0.1", smtp).unwrap();
        assert_eq!(u.port, 25);
        assert!(Url::parse("http://x", smtp).is_err());
        assert!(Url::parse("nonsense", smtp).is_err());
    }
}
