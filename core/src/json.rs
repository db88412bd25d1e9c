//! A hand-written JSON writer for [`Assessment`] — the batch CLI and the API write millions of these, and
//! serde_json's byte-by-byte string escaping was 30 % of the time. Output is byte-for-byte what
//! `serde_json::to_string(&assessment)` produces (a property test holds the two together).

use crate::date::Date;
use crate::model::Kind;
use crate::result::*;

#[inline]
fn has_special(chunk: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let lt_space = chunk.wrapping_sub(ONES * 0x20) & !chunk & HIGH;
    let q = chunk ^ (ONES * b'"' as u64);
    let quote = q.wrapping_sub(ONES) & !q & HIGH;
    let b = chunk ^ (ONES * b'\\' as u64);
    let backslash = b.wrapping_sub(ONES) & !b & HIGH;
    (lt_space | quote | backslash) != 0
}

/// Writes `s` as a JSON string, escaping exactly as serde_json does. Output is a `String`: text is
/// only ever cut before an ASCII byte that needs escaping, so no UTF-8 check is needed afterwards.
pub fn write_str(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let b = s.as_bytes();
    out.reserve(b.len() + 2);
    out.push('"');
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        if i + 8 <= b.len() {
            let mut w = [0u8; 8];
            w.copy_from_slice(&b[i..i + 8]);
            if !has_special(u64::from_le_bytes(w)) {
                i += 8;
                continue;
            }
        }
        let c = b[i];
        let esc: &str = match c {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            0x0c => "\\f",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x00..=0x1f => {
                out.push_str(&s[start..i]);
                out.push_str("\\u00");
                out.push(HEX[(c >> 4) as usize] as char);
                out.push(HEX[(c & 0xf) as usize] as char);
                i += 1;
                start = i;
                continue;
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[start..i]);
        out.push_str(esc);
        i += 1;
        start = i;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

fn opt_str(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => write_str(out, s),
        None => out.push_str("null"),
    }
}

fn opt_bool(out: &mut String, b: Option<bool>) {
    out.push_str(match b {
        Some(true) => "true",
        Some(false) => "false",
        None => "null",
    });
}

fn date(out: &mut String, d: Date) {
    let (y, m, dd) = d.ymd();
    let digits = [
        b'"',
        b'0' + (y / 1000 % 10) as u8,
        b'0' + (y / 100 % 10) as u8,
        b'0' + (y / 10 % 10) as u8,
        b'0' + (y % 10) as u8,
        b'-',
        b'0' + (m / 10) as u8,
        b'0' + (m % 10) as u8,
        b'-',
        b'0' + (dd / 10) as u8,
        b'0' + (dd % 10) as u8,
        b'"',
    ];
    out.extend(digits.iter().map(|&d| d as char));
}

fn opt_date(out: &mut String, d: Option<Date>) {
    match d {
        Some(d) => date(out, d),
        None => out.push_str("null"),
    }
}

fn text(out: &mut String, t: &Text<'_>) {
    out.push_str("{\"zh\":");
    write_str(out, &t.zh);
    out.push_str(",\"en\":");
    write_str(out, &t.en);
    out.push('}');
}

/// A JSON array: `[`, each item as `each` writes it, commas between, `]`.
pub fn list<T>(out: &mut String, items: &[T], mut each: impl FnMut(&mut String, &T)) {
    out.push('[');
    for (i, it) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        each(out, it);
    }
    out.push(']');
}

fn items(out: &mut String, v: &[Item<'_>]) {
    list(out, v, |out, it| {
        out.push_str("{\"code\":");
        write_str(out, it.code.as_str());
        out.push_str(",\"article\":");
        write_str(out, it.article);
        out.push_str(",\"because\":");
        text(out, &it.because);
        out.push('}');
    });
}

impl Assessment<'_> {
    /// Appends the result as compact JSON (identical to serde_json's output).
    pub fn write_json(&self, out: &mut String) {
        out.reserve(6 * 1024);
        out.push_str("{\"ruleset\":{\"id\":");
        write_str(out, self.ruleset.id);
        out.push_str(",\"version\":");
        write_str(out, self.ruleset.version);
        out.push_str(",\"status\":");
        write_str(out, self.ruleset.status);
        out.push_str(",\"effective_from\":");
        date(out, self.ruleset.effective_from);
        out.push_str("},\"activity\":");
        opt_str(out, self.activity);
        out.push_str(",\"kind\":");
        opt_str(
            out,
            self.kind.map(|k| match k {
                Kind::Engineering => "engineering",
                Kind::OddJob => "odd_job",
            }),
        );
        out.push_str(",\"scope\":");
        opt_str(out, self.scope.map(Code::as_str));
        out.push_str(",\"scope_article\":");
        opt_str(out, self.scope_article);
        out.push_str(",\"scope_because\":");
        match &self.scope_because {
            Some(t) => text(out, t),
            None => out.push_str("null"),
        }
        out.push_str(",\"high_risk\":");
        opt_bool(out, self.high_risk);
        out.push_str(",\"high_risk_triggers\":");
        items(out, &self.high_risk_triggers);
        out.push_str(",\"supervision\":");
        opt_str(out, self.supervision.map(Code::as_str));
        out.push_str(",\"qualified_contractor_required\":");
        opt_bool(out, self.qualified_contractor_required);
        out.push_str(",\"documents\":");
        items(out, &self.documents);
        out.push_str(",\"obligations\":");
        list(out, &self.obligations, |out, o| {
            out.push_str("{\"code\":");
            write_str(out, o.code.as_str());
            out.push_str(",\"article\":");
            write_str(out, o.article);
            out.push('}');
        });
        out.push_str(",\"channels\":");
        list(out, &self.channels, |out, c| write_str(out, c.as_str()));
        out.push_str(",\"street_office\":");
        opt_str(out, self.street_office);
        out.push_str(",\"departments\":{\"primary\":");
        list(out, &self.departments.primary, |out, d| write_str(out, d));
        out.push_str(",\"co\":");
        list(out, &self.departments.co, |out, d| write_str(out, d));
        let dl = &self.deadlines;
        out.push_str("},\"deadlines\":{\"acceptance_due\":");
        opt_date(out, dl.acceptance_due);
        out.push_str(",\"inspection_due\":");
        opt_date(out, dl.inspection_due);
        out.push_str(",\"valid_until\":");
        opt_date(out, dl.valid_until);
        out.push_str(",\"extension_window_start\":");
        opt_date(out, dl.extension_window_start);
        out.push_str(",\"cancellation_due\":");
        opt_date(out, dl.cancellation_due);
        out.push_str(",\"calendar_provisional\":");
        opt_bool(out, Some(dl.calendar_provisional));
        out.push_str("},\"risk_factors\":");
        list(out, &self.risk_factors, |out, r| write_str(out, r));
        out.push_str(",\"notes\":");
        list(out, &self.notes, |out, n| {
            out.push_str("{\"code\":");
            write_str(out, n.code);
            out.push_str(",\"text\":");
            text(out, &n.text);
            out.push('}');
        });
        out.push_str(",\"missing_facts\":");
        list(out, &self.missing_facts, |out, m| write_str(out, m));
        out.push('}');
    }

    /// The result as compact JSON.
    pub fn to_json(&self) -> String {
        let mut v = String::new();
        self.write_json(&mut v);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::write_str;

    #[test]
    fn escapes_like_serde_json() {
        for s in [
            "",
            "plain",
            "quote \" and \\ back",
            "控制\u{1}字符\u{1f}",
            "tab\tnl\ncr\rff\u{c}bs\u{8}",
            "\u{7f}\u{80}€𝄞",
            "12345678\"2345678\\",
            "长文本长文本长文本长文本\"长",
        ] {
            let mut out = String::new();
            write_str(&mut out, s);
            assert_eq!(out, serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }
}
