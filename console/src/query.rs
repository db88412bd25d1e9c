//! The filters of the queue, the ledger and the audit log, and the query strings they become
//! (`/api/v1/queue?status=filed&high_risk=true`). Empty filters are left out, values are
//! percent-encoded like `encodeURIComponent`.

/// `s` percent-encoded for a query value (everything but `A–Z a–z 0–9 - _ . ~`, as UTF-8 bytes).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
    }
    out
}

/// `?k=v&…` of the pairs whose value is not blank (trimmed); "" when there is none.
pub fn query(pairs: &[(&str, &str)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v.trim())))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// `true` / `false` / "" (either).
fn tri(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "true",
        Some(false) => "false",
        None => "",
    }
}

/// How many rows a page of the queue, the ledger or the audit log asks for.
pub const PAGE: u32 = 50;

/// The queue's filters (`GET /api/v1/queue`).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct QueueFilter {
    /// "" is the API's default, `filed`.
    pub status: String,
    pub community: String,
    /// `SCOPE_SMALL_PROJECT`, `SCOPE_SPORADIC_WORK` or "".
    pub scope: String,
    pub high_risk: Option<bool>,
    /// Filing date from / to, `YYYY-MM-DD`.
    pub from: String,
    pub to: String,
    /// Filing number, receipt number or applicant name.
    pub q: String,
}

impl QueueFilter {
    /// The page's address: the filters, then `after` (the previous page's `next`) and the page size.
    pub fn url(&self, after: &str) -> String {
        let limit = PAGE.to_string();
        format!(
            "/api/v1/queue{}",
            query(&[
                ("status", &self.status),
                ("community", &self.community),
                ("scope", &self.scope),
                ("high_risk", tri(self.high_risk)),
                ("from", &self.from),
                ("to", &self.to),
                ("q", &self.q),
                ("after", after),
                ("limit", &limit),
            ])
        )
    }
}

/// The ledger's filters (`GET /api/v1/registrations`).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct LedgerFilter {
    pub status: String,
    pub community: String,
    pub from: String,
    pub to: String,
}

impl LedgerFilter {
    fn pairs(&self) -> [(&str, &str); 4] {
        [
            ("status", &self.status),
            ("community", &self.community),
            ("from", &self.from),
            ("to", &self.to),
        ]
    }
    pub fn url(&self, after: &str) -> String {
        let limit = PAGE.to_string();
        let mut p = self.pairs().to_vec();
        p.extend([("after", after), ("limit", limit.as_str())]);
        format!("/api/v1/registrations{}", query(&p))
    }
    /// The whole filtered ledger as CSV: a plain link (the session cookie goes with it).
    pub fn csv_url(&self) -> String {
        let mut p = self.pairs().to_vec();
        p.push(("format", "csv"));
        format!("/api/v1/registrations{}", query(&p))
    }
}

/// The audit log's filters (`GET /api/v1/audit`).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct AuditFilter {
    pub account: String,
    pub action: String,
    pub from: String,
    pub to: String,
}

impl AuditFilter {
    fn pairs(&self) -> [(&str, &str); 4] {
        [
            ("account", &self.account),
            ("action", &self.action),
            ("from", &self.from),
            ("to", &self.to),
        ]
    }
    pub fn url(&self, after: &str) -> String {
        let limit = PAGE.to_string();
        let mut p = self.pairs().to_vec();
        p.extend([("after", after), ("limit", limit.as_str())]);
        format!("/api/v1/audit{}", query(&p))
    }
    pub fn csv_url(&self) -> String {
        let mut p = self.pairs().to_vec();
        p.push(("format", "csv"));
        format!("/api/v1/audit{}", query(&p))
    }
}

/// A path segment (a login, a filing number, an upload id) percent-encoded.
pub fn segment(s: &str) -> String {
    encode(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_encoded_like_encode_uri_component() {
        assert_eq!(encode("abc-_.~09"), "abc-_.~09");
        assert_eq!(encode("a b&c=d"), "a%20b%26c%3Dd");
        assert_eq!(encode("岗头"), "%E5%B2%97%E5%A4%B4");
        assert_eq!(encode("sha256:ab"), "sha256%3Aab");
        assert_eq!(encode("#/?+"), "%23%2F%3F%2B");
    }

    #[test]
    fn blank_filters_are_left_out() {
        assert_eq!(query(&[]), "");
        assert_eq!(query(&[("a", ""), ("b", "  ")]), "");
        assert_eq!(query(&[("a", " x "), ("b", ""), ("c", "y")]), "?a=x&c=y");
    }

    #[test]
    fn the_queue_url_carries_every_filter_in_order() {
        let f = QueueFilter::default();
        assert_eq!(f.url(""), "/api/v1/queue?limit=50");
        let f = QueueFilter {
            status: "returned".into(),
            community: "岗头社区".into(),
            scope: "SCOPE_SMALL_PROJECT".into(),
            high_risk: Some(false),
            from: "2026-11-01".into(),
            to: "2026-11-30".into(),
            q: "李 伟".into(),
        };
        assert_eq!(
            f.url("c42"),
            "/api/v1/queue?status=returned&community=%E5%B2%97%E5%A4%B4%E7%A4%BE%E5%8C%BA\
             &scope=SCOPE_SMALL_PROJECT&high_risk=false&from=2026-11-01&to=2026-11-30&q=%E6%9D%8E%20%E4%BC%9F\
             &after=c42&limit=50"
        );
        let f = QueueFilter {
            high_risk: Some(true),
            ..QueueFilter::default()
        };
        assert_eq!(f.url(""), "/api/v1/queue?high_risk=true&limit=50");
    }

    #[test]
    fn ledger_and_audit_pages_and_csv_links() {
        let l = LedgerFilter {
            status: "registered".into(),
            from: "2026-01-01".into(),
            ..LedgerFilter::default()
        };
        assert_eq!(
            l.url("2026-BT-0009"),
            "/api/v1/registrations?status=registered&from=2026-01-01&after=2026-BT-0009&limit=50"
        );
        assert_eq!(
            l.csv_url(),
            "/api/v1/registrations?status=registered&from=2026-01-01&format=csv"
        );
        let a = AuditFilter {
            account: "li.wei".into(),
            action: "sign_in".into(),
            ..AuditFilter::default()
        };
        assert_eq!(
            a.url(""),
            "/api/v1/audit?account=li.wei&action=sign_in&limit=50"
        );
        assert_eq!(
            a.csv_url(),
            "/api/v1/audit?account=li.wei&action=sign_in&format=csv"
        );
        assert_eq!(AuditFilter::default().csv_url(), "/api/v1/audit?format=csv");
    }
}
