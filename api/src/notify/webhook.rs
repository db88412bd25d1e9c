//! The signed webhook (Stripe's scheme): `POST` of the event as JSON with
//! `Anbei-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">` under the shared secret. A 2xx
//! answer is delivered; anything else, or no answer within the timeout, is retried. HTTP/1.1 over a
//! fresh connection each time (`Connection: close`), https through rustls: a request a minute does not
//! need a pooled client.

use super::net::{self, Url};
use super::texts::Rendered;
use crate::store::OutboxRow;
use hmac::{Hmac, Mac};
use serde_json::{Map, Value};
use sha2::Sha256;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};

#[derive(Clone)]
pub struct WebhookConfig {
    pub url: Url,
    pub secret: String,
    /// A PEM file of CA certificates to trust besides the public roots (a private CA).
    pub ca_file: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for WebhookConfig {
    /// Never the secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WebhookConfig({:?})", self.url)
    }
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

impl WebhookConfig {
    /// `--webhook-url` and `--webhook-secret` (at least 16 characters).
    pub fn parse(
        url: &str,
        secret: &str,
        ca_file: Option<std::path::PathBuf>,
    ) -> Result<WebhookConfig, String> {
        let url = Url::parse(url, default_port).map_err(|e| format!("--webhook-url: {e}"))?;
        if url.user.is_some() {
            return Err(
                "--webhook-url: no user or password in the URL (the signature authenticates)"
                    .into(),
            );
        }
        if secret.chars().count() < 16 {
            return Err("--webhook-secret: at least 16 characters".into());
        }
        Ok(WebhookConfig {
            url,
            secret: secret.to_owned(),
            ca_file,
        })
    }
}

/// `t=<t>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
pub fn signature(secret: &str, t: i64, body: &[u8]) -> String {
    let mut m = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => return String::new(), // unreachable: HMAC takes any key length
    };
    m.update(t.to_string().as_bytes());
    m.update(b".");
    m.update(body);
    format!(
        "t={t},v1={}",
        crate::signing::hex(&m.finalize().into_bytes())
    )
}

/// The webhook's JSON: the row's common fields, the texts, then the event's details.
pub fn body(row: &OutboxRow, msg: &Rendered) -> Vec<u8> {
    let mut m = Map::new();
    for (k, v) in [
        ("id", &row.id),
        ("type", &row.kind),
        ("occurred_at", &row.occurred_at),
        ("filing_no", &row.filing_no),
        ("street", &row.street),
        ("status", &row.status),
        ("lang", &row.lang),
        ("subject", &msg.subject),
        ("text", &msg.text),
    ] {
        m.insert(k.into(), Value::String(v.clone()));
    }
    for (k, v) in &msg.details {
        m.entry(k.clone()).or_insert_with(|| v.clone());
    }
    Value::Object(m).to_string().into_bytes()
}

/// Sends events to the configured URL.
pub struct Poster {
    cfg: WebhookConfig,
    tls: Option<tokio_rustls::TlsConnector>,
}

impl Poster {
    pub fn new(cfg: WebhookConfig) -> Result<Poster, String> {
        let tls = (cfg.url.scheme == "https")
            .then(|| net::tls(cfg.ca_file.as_deref()))
            .transpose()?;
        Ok(Poster { cfg, tls })
    }

    /// POSTs `body`, signed now; `Ok` on a 2xx answer.
    pub async fn post(&self, body: &[u8]) -> Result<(), String> {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        let u = &self.cfg.url;
        let head = format!(
            "POST {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: anbei\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nAnbei-Signature: {}\r\nConnection: close\r\n\r\n",
            u.path,
            u.host_header(default_port(&u.scheme).unwrap_or(0)),
            body.len(),
            signature(&self.cfg.secret, t, body)
        );
        let tcp = net::connect(&u.host, u.port).await?;
        let status = match &self.tls {
            Some(tls) => exchange(net::handshake(tls, &u.host, tcp).await?, &head, body).await?,
            None => exchange(tcp, &head, body).await?,
        };
        if (200..300).contains(&status) {
            Ok(())
        } else {
            Err(format!("HTTP status {status}"))
        }
    }
}

/// Writes the request, reads the status line; the status code.
async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(
    mut s: S,
    head: &str,
    body: &[u8],
) -> Result<u16, String> {
    let io = async {
        s.write_all(head.as_bytes()).await?;
        s.write_all(body).await?;
        s.flush().await?;
        let mut line = String::new();
        BufReader::new(&mut s).read_line(&mut line).await?;
        Ok::<_, std::io::Error>(line)
    };
    let line = tokio::time::timeout(net::TIMEOUT, io)
        .await
        .map_err(|_| "no answer within the timeout".to_owned())?
        .map_err(|e| format!("HTTP: {e}"))?;
    let mut parts = line.split_whitespace();
    match (
        parts.next(),
        parts.next().and_then(|c| c.parse::<u16>().ok()),
    ) {
        (Some(v), Some(code)) if v.starts_with("HTTP/1.") => Ok(code),
        _ => Err("not an HTTP answer".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The signature is HMAC-SHA256 of "t.body"; the digest computed independently:
    /// `printf '1.what do ya want for nothing?' | openssl dgst -sha256 -hmac Jefe`.
    #[test]
    fn signature_is_hmac_of_t_dot_body() {
        let s = signature("Jefe", 1, b"what do ya want for nothing?");
        assert_eq!(
            s,
            "t=1,v1=a9049465ce89cfb8e9aac62333abda66f80e3403f51f57f6bae3c3a4485eca38"
        );
        assert_ne!(s, signature("Jefe", 2, b"what do ya want for nothing?"));
    }
}
