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

/// Writes `s` as a JSON string, escaping exactly as serde_json does.
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let b = s.as_bytes();
    out.reserve(b.len() + 2);
    out.push(b'"');
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
        let esc: &[u8] = match c {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x0c => b"\\f",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x00..=0x1f => {
                out.extend_from_slice(&b[start..i]);
                out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[(c >> 4) as usize], HEX[(c & 0xf) as usize]]);
                i += 1;
                start = i;
                continue;
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&b[start..i]);
        out.extend_from_slice(esc);
        i += 1;
        start = i;
    }
    out.extend_from_slice(&b[start..]);
    out.push(b'"');
}

fn opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => write_str(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

fn opt_bool(out: &mut Vec<u8>, b: Option<bool>) {
    out.extend_from_slice(match b {
        Some(true) => b"true",
        Some(false) => b"false",
        None => b"null",
    });
}

fn date(out: &mut Vec<u8>, d: Date) {
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
    out.extend_from_slice(&digits);
}

fn opt_date(out: &mut Vec<u8>, d: Option<Date>) {
    match d {
        Some(d) => date(out, d),
        None => out.extend_from_slice(b"null"),
    }
}

fn text(out: &mut Vec<u8>, t: &Text<'_>) {
    out.extend_from_slice(b"{\"zh\":");
    write_str(out, &t.zh);
    out.extend_from_slice(b",\"en\":");
    write_str(out, &t.en);
    out.push(b'}');
}

fn list<T>(out: &mut Vec<u8>, items: &[T], mut each: impl FnMut(&mut Vec<u8>, &T)) {
    out.push(b'[');
    for (i, it) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        each(out, it);
    }
    out.push(b']');
}

fn items(out: &mut Vec<u8>, v: &[Item<'_>]) {
    list(out, v, |out, it| {
        out.extend_from_slice(b"{\"code\":");
        write_str(out, it.code.as_str());
        out.extend_from_slice(b",\"article\":");
        write_str(out, it.article);
        out.extend_from_slice(b",\"because\":");
        text(out, &it.because);
        out.push(b'}');
    });
}

impl Assessment<'_> {
    /// Appends the result as compact JSON (identical to serde_json's output).
    pub fn write_json(&self, out: &mut Vec<u8>) {
        out.reserve(6 * 1024);
        out.extend_from_slice(b"{\"ruleset\":{\"id\":");
        write_str(out, self.ruleset.id);
        out.extend_from_slice(b",\"version\":");
        write_str(out, self.ruleset.version);
        out.extend_from_slice(b",\"status\":");
        write_str(out, self.ruleset.status);
        out.extend_from_slice(b",\"effective_from\":");
        date(out, self.ruleset.effective_from);
        out.extend_from_slice(b"},\"activity\":");
        opt_str(out, self.activity);
        out.extend_from_slice(b",\"kind\":");
        opt_str(out, self.kind.map(|k| match k {
            Kind::Engineering => "engineering",
            Kind::OddJob => "odd_job",
        }));
        out.extend_from_slice(b",\"scope\":");
        opt_str(out, self.scope.map(Code::as_str));
        out.extend_from_slice(b",\"scope_article\":");
        opt_str(out, self.scope_article);
        out.extend_from_slice(b",\"scope_because\":");
        match &self.scope_because {
            Some(t) => text(out, t),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"high_risk\":");
        opt_bool(out, self.high_risk);
        out.extend_from_slice(b",\"high_risk_triggers\":");
        items(out, &self.high_risk_triggers);
        out.extend_from_slice(b",\"supervision\":");
        opt_str(out, self.supervision.map(Code::as_str));
        out.extend_from_slice(b",\"qualified_contractor_required\":");
        opt_bool(out, self.qualified_contractor_required);
        out.extend_from_slice(b",\"documents\":");
        items(out, &self.documents);
        out.extend_from_slice(b",\"obligations\":");
        list(out, &self.obligations, |out, o| {
            out.extend_from_slice(b"{\"code\":");
            write_str(out, o.code.as_str());
            out.extend_from_slice(b",\"article\":");
            write_str(out, o.article);
            out.push(b'}');
        });
        out.extend_from_slice(b",\"channels\":");
        list(out, &self.channels, |out, c| write_str(out, c.as_str()));
        out.extend_from_slice(b",\"street_office\":");
        opt_str(out, self.street_office);
        out.extend_from_slice(b",\"departments\":{\"primary\":");
        list(out, &self.departments.primary, |out, d| write_str(out, d));
        out.extend_from_slice(b",\"co\":");
        list(out, &self.departments.co, |out, d| write_str(out, d));
        let dl = &self.deadlines;
        out.extend_from_slice(b"},\"deadlines\":{\"acceptance_due\":");
        opt_date(out, dl.acceptance_due);
        out.extend_from_slice(b",\"inspection_due\":");
        opt_date(out, dl.inspection_due);
        out.extend_from_slice(b",\"valid_until\":");
        opt_date(out, dl.valid_until);
        out.extend_from_slice(b",\"extension_window_start\":");
        opt_date(out, dl.extension_window_start);
        out.extend_from_slice(b",\"cancellation_due\":");
        opt_date(out, dl.cancellation_due);
        out.extend_from_slice(b",\"calendar_provisional\":");
        opt_bool(out, Some(dl.calendar_provisional));
        out.extend_from_slice(b"},\"risk_factors\":");
        list(out, &self.risk_factors, |out, r| write_str(out, r));
        out.extend_from_slice(b",\"notes\":");
        list(out, &self.notes, |out, n| {
            out.extend_from_slice(b"{\"code\":");
            write_str(out, n.code);
            out.extend_from_slice(b",\"text\":");
            text(out, &n.text);
            out.push(b'}');
        });
        out.extend_from_slice(b",\"missing_facts\":");
        list(out, &self.missing_facts, |out, m| write_str(out, m));
        out.push(b'}');
    }

    /// The result as compact JSON.
    pub fn to_json(&self) -> String {
        let mut v = Vec::new();
        self.write_json(&mut v);
        // Only valid UTF-8 (from &str) and ASCII punctuation were written.
        String::from_utf8(v).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::write_str;

    #[test]
    fn escapes_like_serde_json() {
        for s in ["", "plain", "quote \" and \\ back", "控制\u{1}字符\u{1f}", "tab\tnl\ncr\rff\u{c}bs\u{8}", "\u{7f}\u{80}€𝄞", "12345678\"2345678\\", "长文本长文本长文本长文本\"长"] {
            let mut out = Vec::new();
            write_str(&mut out, s);
            assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }
}
