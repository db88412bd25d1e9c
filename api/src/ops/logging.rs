//! Logs as JSON lines (or text on a terminal), one per event, each request's lines carrying its
//! request id; and a masking writer between the formatter and the output, so that no resident ID
//! number, mobile number, e-mail address or `anb_` token ever reaches the log, whatever a message or a
//! field happens to contain: they are written as `[redacted]`.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use std::fmt;
use std::io::{self, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, FormattedFields, MakeWriter};
use tracing_subscriber::registry::LookupSpan;

/// What personal data becomes in the log.
pub const REDACTED: &str = "[redacted]";
/// The response (and accepted request) header naming a request.
pub const REQUEST_ID: &str = "x-request-id";

/// `--log-format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Text,
}

impl LogFormat {
    /// `json`, `text`, or `auto`: JSON unless the log goes to a terminal (stderr).
    pub fn parse(s: &str) -> Result<LogFormat, String> {
        match s {
            "json" => Ok(LogFormat::Json),
            "text" => Ok(LogFormat::Text),
            "auto" => {
                use std::io::IsTerminal;
                Ok(if io::stderr().is_terminal() {
                    LogFormat::Text
                } else {
                    LogFormat::Json
                })
            }
            _ => Err(format!("--log-format {s}: json, text or auto")),
        }
    }
}

/// Installs the process's log subscriber (level from `RUST_LOG`, default `info`), writing to stderr
/// through the masking writer.
pub fn init(format: LogFormat) {
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let b = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(Masking(io::stderr));
    match format {
        LogFormat::Text => b.init(),
        LogFormat::Json => b.fmt_fields(JsonFields).event_format(JsonLines).init(),
    }
}

// ---------------------------------------------------------------------------------------------
// Masking

/// Every span of `s` holding personal data: byte ranges, sorted, not overlapping.
fn sensitive_spans(s: &str) -> Vec<(usize, usize)> {
    let b = s.as_bytes();
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        // `anb_` tokens
        if b[i..].starts_with(b"anb_") && (i == 0 || !is_word(b[i - 1])) {
            let mut j = i + 4;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] == b'-') {
                j += 1;
            }
            out.push((i, j));
            i = j;
            continue;
        }
        // digit groups (a run of digits, possibly split by single spaces or hyphens)
        if b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_digit()) {
            let (mut j, mut digits, mut last_digit_end) = (i, 0usize, i);
            let mut first_group = 0usize;
            while j < b.len() {
                if b[j].is_ascii_digit() {
                    digits += 1;
                    j += 1;
                    last_digit_end = j;
                } else if (b[j] == b' ' || b[j] == b'-')
                    && j + 1 < b.len()
                    && b[j + 1].is_ascii_digit()
                    && j > i
                    && b[j - 1].is_ascii_digit()
                {
                    if first_group == 0 {
                        first_group = digits;
                    }
                    j += 1;
                } else {
                    break;
                }
            }
            let mut end = last_digit_end;
            let mut n = digits;
            // an ID number's check character
            if n == 17 && end < b.len() && (b[end] == b'X' || b[end] == b'x') {
                end += 1;
                n += 1;
            }
            let lead = b[i];
            let plain = first_group == 0;
            let id_number = n >= 15 && (plain || n == 18);
            // plain or split as 138 1234 5678; or with the country code 86
            let mobile = (n == 11 && lead == b'1') || (n == 13 && b[i..].starts_with(b"861"));
            if id_number || mobile {
                out.push((i, end));
            } else if !plain {
                // a date or several short numbers: look at each group on its own
                i += 1;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                continue;
            }
            i = end.max(i + 1);
            continue;
        }
        // e-mail addresses
        if b[i] == b'@' {
            let mut start = i;
            while start > 0 && is_local(b[start - 1]) {
                start -= 1;
            }
            let mut end = i + 1;
            while end < b.len()
                && (b[end].is_ascii_alphanumeric() || b[end] == b'.' || b[end] == b'-')
            {
                end += 1;
            }
            while end > i + 1 && b[end - 1] == b'.' {
                end -= 1;
            }
            let domain = &s[i + 1..end];
            if start < i && domain.contains('.') && !domain.starts_with('.') {
                while out.last().is_some_and(|&(_, e)| e > start) {
                    let (a, _) = out.pop().unwrap_or_default();
                    start = start.min(a);
                }
                out.push((start, end));
                i = end;
                continue;
            }
        }
        i += 1;
    }
    out
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

fn is_local(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-')
}

/// `s` with every ID number, mobile number, e-mail address and `anb_` token replaced by
/// [`REDACTED`].
pub fn redact(s: &str) -> std::borrow::Cow<'_, str> {
    let spans = sensitive_spans(s);
    if spans.is_empty() {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut o = String::with_capacity(s.len());
    let mut at = 0;
    for (a, e) in spans {
        o.push_str(&s[at..a]);
        o.push_str(REDACTED);
        at = e;
    }
    o.push_str(&s[at..]);
    std::borrow::Cow::Owned(o)
}

/// A [`MakeWriter`] whose writers collect one event's text and write it masked, in one piece.
pub struct Masking<M>(pub M);

pub struct MaskedLine<W: Write> {
    buf: Vec<u8>,
    out: W,
}

impl<W: Write> Write for MaskedLine<W> {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<W: Write> Drop for MaskedLine<W> {
    fn drop(&mut self) {
        let text = String::from_utf8_lossy(&self.buf);
        let _ = self.out.write_all(redact(&text).as_bytes());
        let _ = self.out.flush();
    }
}

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Masking<M> {
    type Writer = MaskedLine<M::Writer>;
    fn make_writer(&'a self) -> Self::Writer {
        MaskedLine {
            buf: Vec::with_capacity(256),
            out: self.0.make_writer(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// JSON lines

/// Formats fields as the members of a JSON object (`"k":v,"k2":v2`): a span's are kept so, and
/// spliced into each event's line.
pub struct JsonFields;

struct JsonVisitor<'a> {
    out: &'a mut String,
    message: Option<String>,
}

impl JsonVisitor<'_> {
    fn member(&mut self, name: &str, value: serde_json::Value) {
        if !self.out.is_empty() {
            self.out.push(',');
        }
        self.out
            .push_str(&serde_json::Value::from(name).to_string());
        self.out.push(':');
        self.out.push_str(&value.to_string());
    }
}

impl Visit for JsonVisitor<'_> {
    fn record_debug(&mut self, f: &Field, v: &dyn fmt::Debug) {
        let text = format!("{v:?}");
        if f.name() == "message" {
            self.message = Some(text);
        } else {
            self.member(f.name(), text.into());
        }
    }
    fn record_str(&mut self, f: &Field, v: &str) {
        if f.name() == "message" {
            self.message = Some(v.to_owned());
        } else {
            self.member(f.name(), v.into());
        }
    }
    fn record_i64(&mut self, f: &Field, v: i64) {
        self.member(f.name(), v.into());
    }
    fn record_u64(&mut self, f: &Field, v: u64) {
        self.member(f.name(), v.into());
    }
    fn record_f64(&mut self, f: &Field, v: f64) {
        self.member(f.name(), v.into());
    }
    fn record_bool(&mut self, f: &Field, v: bool) {
        self.member(f.name(), v.into());
    }
}

impl<'w> FormatFields<'w> for JsonFields {
    fn format_fields<R: tracing_subscriber::field::RecordFields>(
        &self,
        mut w: Writer<'w>,
        fields: R,
    ) -> fmt::Result {
        let mut s = String::new();
        let mut v = JsonVisitor {
            out: &mut s,
            message: None,
        };
        fields.record(&mut v);
        if let Some(m) = v.message.take() {
            v.member("message", m.into());
        }
        w.write_str(&s)
    }

    fn add_fields(
        &self,
        current: &'w mut FormattedFields<Self>,
        fields: &tracing::span::Record<'_>,
    ) -> fmt::Result {
        let mut s = String::new();
        let mut v = JsonVisitor {
            out: &mut s,
            message: None,
        };
        fields.record(&mut v);
        if !s.is_empty() {
            if !current.fields.is_empty() {
                current.fields.push(',');
            }
            current.fields.push_str(&s);
        }
        Ok(())
    }
}

/// One JSON object per event: time, level, target, message, the event's fields and its spans'.
pub struct JsonLines;

impl<S, N> FormatEvent<S, N> for JsonLines
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut w: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        let meta = event.metadata();
        let mut body = String::new();
        let mut v = JsonVisitor {
            out: &mut body,
            message: None,
        };
        event.record(&mut v);
        let message = v.message.take().unwrap_or_default();
        let mut line = format!(
            "{{\"ts\":\"{}\",\"level\":\"{}\",\"target\":{},\"msg\":{}",
            crate::clock::rfc3339(now),
            meta.level(),
            serde_json::Value::from(meta.target()),
            serde_json::Value::from(message)
        );
        if let Some(scope) = ctx.event_scope() {
            for span in scope.from_root() {
                let ext = span.extensions();
                if let Some(f) = ext.get::<FormattedFields<N>>()
                    && !f.fields.is_empty()
                {
                    line.push(',');
                    line.push_str(&f.fields);
                }
            }
        }
        if !body.is_empty() {
            line.push(',');
            line.push_str(&body);
        }
        line.push('}');
        writeln!(w, "{line}")
    }
}

// ---------------------------------------------------------------------------------------------
// Request ids and the access log

static NEXT_ID: AtomicU64 = AtomicU64::new(0);

/// An incoming `X-Request-Id` worth keeping (a proxy's): 1–64 characters of letters, digits, `-`,
/// `_`, `.` and `:` — nothing that could forge a log line or carry personal data at length.
pub fn sane_request_id(v: &HeaderValue) -> Option<&str> {
    let s = v.to_str().ok()?;
    let ok = !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b':'));
    (ok && sensitive_spans(s).is_empty()).then_some(s)
}

/// A new request id: this process's random prefix and a counter (unique, no system call per request).
pub fn new_request_id() -> String {
    static PREFIX: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let p = PREFIX.get_or_init(|| {
        crate::signing::random_bytes::<4>()
            .map(|b| crate::signing::hex(&b))
            .unwrap_or_else(|_| format!("{:08x}", std::process::id()))
    });
    format!("{p}-{:x}", NEXT_ID.fetch_add(1, Ordering::Relaxed))
}

/// The outermost layer: names the request (`X-Request-Id` on every response), counts it in the
/// metrics by route template and status, and writes one access line (request id, method, route,
/// status, latency) — never the raw URL, whose path or query may carry a token.
pub async fn access(mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(sane_request_id)
        .map_or_else(new_request_id, str::to_owned);
    let method = method_label(req.method());
    let header = HeaderValue::from_str(&id).ok();
    if let Some(h) = &header {
        req.headers_mut().insert(REQUEST_ID, h.clone());
    }
    let span = tracing::info_span!("request", request_id = %id);
    let _in_flight = super::metrics::InFlightGuard::enter();
    let mut resp = {
        use tracing::Instrument;
        next.run(req).instrument(span.clone()).await
    };
    let elapsed = started.elapsed();
    let route = super::metrics::route_of(&resp).to_owned();
    let status = resp.status().as_u16();
    super::metrics::observe(&route, method, status, elapsed.as_secs_f64());
    span.in_scope(|| {
        tracing::info!(
            target: "anbei::access",
            method,
            route = %route,
            status,
            latency_ms = (elapsed.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0,
            "request"
        );
    });
    if let Some(h) = header {
        resp.headers_mut().insert(REQUEST_ID, h);
    }
    resp
}

fn method_label(m: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::DELETE => "DELETE",
        Method::PUT => "PUT",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::PATCH => "PATCH",
        _ => "OTHER",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_data_never_reaches_the_log() {
        for (raw, want) in [
            ("id 44030319900101123X filed", "id [redacted] filed"),
            (
                "{\"id_no\":\"440303199001011234\"}",
                "{\"id_no\":\"[redacted]\"}",
            ),
            ("mobile=13812345678,", "mobile=[redacted],"),
            ("tel +8613812345678", "tel +[redacted]"),
            ("call 138 1234 5678 now", "call [redacted] now"),
            ("call 138-1234-5678", "call [redacted]"),
            ("mail wang.wei+a@example.com.cn.", "mail [redacted]."),
            ("token anb_o_AbC-dE_f9 used", "token [redacted] used"),
            ("Bearer anb_c_xyz", "Bearer [redacted]"),
            ("old id 440303900101123", "old id [redacted]"),
        ] {
            assert_eq!(redact(raw), want, "{raw}");
        }
        // what a log needs stays readable
        for keep in [
            "F-LG01-20261203-000001 filed 2026-12-03T05:11:57.123+08:00",
            "latency_ms=12.5 status=201 request_id=1a2b3c4d-ff",
            "user@localhost port 5432 pool 10",
            "anbei_receipts_issued_total 1764739200000",
        ] {
            assert_eq!(redact(keep), keep);
        }
    }

    #[test]
    fn the_masking_writer_masks_what_passes_through_it() {
        let out = std::sync::Arc::new(std::sync::Mutex::new(Vec::<u8>::new()));
        struct Sink(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
        impl Write for Sink {
            fn write(&mut self, b: &[u8]) -> io::Result<usize> {
                self.0
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let sink = out.clone();
        let make = Masking(move || Sink(sink.clone()));
        {
            let mut w = make.make_writer();
            let _ = w.write_all(b"{\"msg\":\"filed by 4403031990");
            let _ = w.write_all(b"01011234 at 13912345678\"}\n");
        }
        let got = String::from_utf8(out.lock().unwrap_or_else(|p| p.into_inner()).clone())
            .unwrap_or_default();
        assert_eq!(got, "{\"msg\":\"filed by [redacted] at [redacted]\"}\n");
    }

    #[test]
    fn only_sane_request_ids_are_kept() {
        for ok in ["abc-123", "7f3e.1:2_x"] {
            assert_eq!(sane_request_id(&HeaderValue::from_static(ok)), Some(ok));
        }
        for bad in ["", "a b", "x\"}", "13812345678", &"a".repeat(65)] {
            let h = HeaderValue::from_str(bad).unwrap_or(HeaderValue::from_static(" "));
            assert_eq!(sane_request_id(&h), None, "{bad}");
        }
        assert_ne!(new_request_id(), new_request_id());
    }
}
