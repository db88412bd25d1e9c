//! A small SMTP client (RFC 5321) for notifications: EHLO, STARTTLS when the server offers it (RFC
//! 3207), AUTH PLAIN only over TLS, MAIL FROM, RCPT TO, DATA with dot-stuffing, QUIT. The message
//! (RFC 5322) is text/plain UTF-8 in base64, its subject RFC 2047 encoded; its Message-ID is the event
//! id, so a redelivered e-mail can be recognised as the same one.

use super::net::{self, Url};
use super::texts::Rendered;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};

#[derive(Clone)]
pub struct SmtpConfig {
    pub url: Url,
    /// The From address (`--smtp-from`).
    pub from: String,
    /// A PEM file of CA certificates to trust besides the public roots (a private CA); given, the
    /// server must offer STARTTLS.
    pub ca_file: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for SmtpConfig {
    /// Never the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SmtpConfig({:?}, from {})", self.url, self.from)
    }
}

impl SmtpConfig {
    /// `--smtp-url smtp://[user:password@]host[:port]`, `--smtp-from`, `--smtp-ca-file`.
    pub fn parse(
        url: &str,
        from: &str,
        ca_file: Option<std::path::PathBuf>,
    ) -> Result<SmtpConfig, String> {
        let url = Url::parse(url, |s| (s == "smtp").then_some(25))
            .map_err(|e| format!("--smtp-url: {e}"))?;
        if !is_address(from) {
            return Err(format!("--smtp-from: {from:?} is not an e-mail address"));
        }
        Ok(SmtpConfig {
            url,
            from: from.to_owned(),
            ca_file,
        })
    }
}

/// A plain `local@domain` with nothing that could break out of a command or a header.
pub fn is_address(a: &str) -> bool {
    let ok = |c: char| {
        c.is_ascii_graphic()
            && !matches!(
                c,
                '<' | '>' | '(' | ')' | ',' | ';' | ':' | '"' | '\\' | '[' | ']'
            )
    };
    match a.split_once('@') {
        Some((l, d)) => {
            !l.is_empty()
                && d.contains('.')
                && !d.starts_with('.')
                && a.len() <= 254
                && l.chars().all(ok)
                && d.chars().all(ok)
                && !d.contains('@')
        }
        None => false,
    }
}

pub struct Mailer {
    cfg: SmtpConfig,
    tls: tokio_rustls::TlsConnector,
}

/// A reply: its code and text (lines joined).
type Reply = (u16, String);

struct Conn<S> {
    s: BufReader<S>,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Conn<S> {
    async fn reply(&mut self) -> Result<Reply, String> {
        let mut text = String::new();
        loop {
            let mut line = String::new();
            let n = tokio::time::timeout(net::TIMEOUT, self.s.read_line(&mut line))
                .await
                .map_err(|_| "SMTP: no reply within the timeout".to_owned())?
                .map_err(|e| format!("SMTP: {e}"))?;
            if n == 0 {
                return Err("SMTP: connection closed".into());
            }
            let code = line
                .get(..3)
                .and_then(|c| c.parse::<u16>().ok())
                .ok_or_else(|| "SMTP: not a reply".to_owned())?;
            text.push_str(line.get(4..).unwrap_or("").trim_end());
            text.push('\n');
            if line.as_bytes().get(3) != Some(&b'-') {
                return Ok((code, text));
            }
        }
    }

    async fn send(&mut self, data: &[u8]) -> Result<(), String> {
        let w = self.s.get_mut();
        tokio::time::timeout(net::TIMEOUT, async {
            w.write_all(data).await?;
            w.flush().await
        })
        .await
        .map_err(|_| "SMTP: write timed out".to_owned())?
        .map_err(|e| format!("SMTP: {e}"))
    }

    /// Sends `line` (CRLF added) and expects a reply in `ok`; the command's verb names a failure.
    async fn cmd(&mut self, line: &str, ok: &[u16]) -> Result<Reply, String> {
        self.send(format!("{line}\r\n").as_bytes()).await?;
        let (code, text) = self.reply().await?;
        if ok.contains(&code) {
            Ok((code, text))
        } else {
            // The code only: a server's text may echo an address (personal data) into the log.
            let verb = line.split([' ', ':']).next().unwrap_or("");
            Err(format!("SMTP {verb}: {code}"))
        }
    }

    async fn ehlo(&mut self) -> Result<String, String> {
        Ok(self.cmd("EHLO anbei", &[250]).await?.1)
    }
}

/// The bytes after DATA: CRLF line ends, a leading dot doubled, the final `.` line.
pub fn dot_stuffed(message: &str) -> Vec<u8> {
    let mut out = String::with_capacity(message.len() + 16);
    for line in message.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.starts_with('.') {
            out.push('.');
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str(".\r\n");
    out.into_bytes()
}

/// RFC 2047 encoded words (base64, UTF-8), each at most 75 characters, folded.
pub fn encoded_words(s: &str) -> String {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) && !s.contains("=?") {
        return s.to_owned();
    }
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in s.chars() {
        if chunk.len() + c.len_utf8() > 45 {
            words.push(format!("=?UTF-8?B?{}?=", B64.encode(chunk.as_bytes())));
            chunk.clear();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(format!("=?UTF-8?B?{}?=", B64.encode(chunk.as_bytes())));
    }
    words.join("\r\n ")
}

/// `Wed, 02 Dec 2026 14:05:00 +0000` (RFC 5322 §3.3) for ms since the epoch.
pub fn rfc5322_date(ms: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let epoch = anbei_core::Date::from_ymd(1970, 1, 1);
    let (y, m, d) = epoch.map_or((1970, 1, 1), |e| e.add_days(days as i32).ymd());
    format!(
        "{}, {d:02} {} {y} {:02}:{:02}:{:02} +0000",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS.get(m as usize - 1).copied().unwrap_or("Jan"),
        sod / 3600,
        sod / 60 % 60,
        sod % 60
    )
}

/// The whole message (headers and base64 body), LF line ends (made CRLF when sent).
pub fn message(from: &str, to: &[String], event_id: &str, msg: &Rendered, now_ms: i64) -> String {
    let body = B64.encode(msg.text.replace('\n', "\r\n").as_bytes());
    let mut lines: Vec<String> = vec![
        format!("From: {from}"),
        format!("To: {}", to.join(", ")),
        format!(
            "Subject: {}",
            encoded_words(&msg.subject).replace("\r\n", "\n")
        ),
        format!("Date: {}", rfc5322_date(now_ms)),
        format!("Message-ID: <{event_id}@anbei.invalid>"),
        format!("Content-Language: {}", msg.lang.catalogue().tag),
        "MIME-Version: 1.0".into(),
        "Content-Type: text/plain; charset=utf-8".into(),
        "Content-Transfer-Encoding: base64".into(),
        String::new(),
    ];
    for chunk in body.as_bytes().chunks(76) {
        lines.push(String::from_utf8_lossy(chunk).into_owned());
    }
    lines.join("\n")
}

impl Mailer {
    pub fn new(cfg: SmtpConfig) -> Result<Mailer, String> {
        let tls = net::tls(cfg.ca_file.as_deref())?;
        Ok(Mailer { cfg, tls })
    }

    /// Sends `msg` to `to` (each address checked first).
    pub async fn send(&self, event_id: &str, to: &[String], msg: &Rendered) -> Result<(), String> {
        if !to.iter().all(|a| is_address(a)) {
            return Err("a recipient is not a plain e-mail address".into());
        }
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        let data = dot_stuffed(&message(&self.cfg.from, to, event_id, msg, now));
        let u = &self.cfg.url;
        let tcp = net::connect(&u.host, u.port).await?;
        let mut c = Conn {
            s: BufReader::new(tcp),
        };
        let (code, _) = c.reply().await?;
        if code != 220 {
            return Err(format!("SMTP greeting: {code}"));
        }
        let caps = c.ehlo().await?;
        let offers_tls = caps
            .lines()
            .any(|l| l.trim().eq_ignore_ascii_case("STARTTLS"));
        if offers_tls {
            c.cmd("STARTTLS", &[220]).await?;
            let tls = net::handshake(&self.tls, &u.host, c.s.into_inner()).await?;
            let mut c = Conn {
                s: BufReader::new(tls),
            };
            c.ehlo().await?;
            self.transaction(&mut c, to, &data).await
        } else if u.user.is_some() {
            Err("refusing to send credentials: the SMTP server does not offer STARTTLS".into())
        } else if self.cfg.ca_file.is_some() {
            Err("the SMTP server does not offer STARTTLS (--smtp-ca-file asks for TLS)".into())
        } else {
            self.transaction(&mut c, to, &data).await
        }
    }

    async fn transaction<S: AsyncRead + AsyncWrite + Unpin>(
        &self,
        c: &mut Conn<S>,
        to: &[String],
        data: &[u8],
    ) -> Result<(), String> {
        if let Some((user, pass)) = &self.cfg.url.user {
            let token = B64.encode(format!("\0{user}\0{pass}").as_bytes());
            c.cmd(&format!("AUTH PLAIN {token}"), &[235])
                .await
                .map_err(|_| "SMTP AUTH refused".to_owned())?;
        }
        c.cmd(&format!("MAIL FROM:<{}>", self.cfg.from), &[250])
            .await?;
        for a in to {
            c.cmd(&format!("RCPT TO:<{a}>"), &[250, 251]).await?;
        }
        c.cmd("DATA", &[354]).await?;
        c.send(data).await?;
        let (code, _) = c.reply().await?;
        if code != 250 {
            return Err(format!("SMTP DATA: {code}"));
        }
        let _ = c.cmd("QUIT", &[221]).await;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dots_are_stuffed_and_lines_end_in_crlf() {
        assert_eq!(
            dot_stuffed("a\n.b\n..\nc"),
            b"a\r\n..b\r\n...\r\nc\r\n.\r\n".to_vec()
        );
    }

    #[test]
    fn subjects_are_encoded_words_of_at_most_75_characters() {
        assert_eq!(encoded_words("plain"), "plain");
        let s = encoded_words("【安备】登记申报已收到：F-bantian-20261202-000001");
        for w in s.split("\r\n ") {
            assert!(
                w.len() <= 75 && w.starts_with("=?UTF-8?B?") && w.ends_with("?="),
                "{w}"
            );
        }
    }

    #[test]
    fn dates_and_addresses() {
        assert_eq!(rfc5322_date(0), "Thu, 01 Jan 1970 00:00:00 +0000");
        assert_eq!(
            rfc5322_date(1_796_220_000_000),
            "Wed, 02 Dec 2026 14:00:00 +0000"
        );
        assert!(is_address("zhang.san@example.com"));
        for bad in ["", "a@b", "a b@c.d", "a@b.c>\r\nRCPT", "<a@b.c>", "a@@b.c"] {
            assert!(!is_address(bad), "{bad}");
        }
    }
}
