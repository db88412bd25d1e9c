//! Delimited text: CSV as Excel saves it (UTF-8 with or without BOM, or GB18030 — decoded by the
//! caller, the browser's `TextDecoder('gb18030')`), and rows pasted from a sheet (tab-separated).

/// The file's bytes as text: UTF-8 (BOM dropped) when they are valid UTF-8, otherwise GB18030 through
/// `gb18030` (what Excel in China writes for "CSV (逗号分隔)").
pub fn decode(bytes: &[u8], gb18030: impl FnOnce(&[u8]) -> String) -> String {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(b) {
        Ok(s) => s.to_owned(),
        Err(_) => gb18030(b),
    }
}

/// Rows of `text`, split on tabs if the first line has one (pasted from a sheet), else on commas.
/// Quoted fields (`"a, ""b"""`, line breaks inside) as RFC 4180; `\r\n` and `\n` both end a row.
pub fn rows(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or("");
    let delim = if first.contains('\t') { '\t' } else { ',' };
    let mut out = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if at_start => {
                quoted = true;
                at_start = false;
            }
            c if c == delim => {
                row.push(std::mem::take(&mut field));
                at_start = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                row.push(std::mem::take(&mut field));
                out.push(trimmed(std::mem::take(&mut row)));
                at_start = true;
            }
            c => {
                field.push(c);
                at_start = false;
            }
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        out.push(trimmed(row));
    }
    out
}

/// A row without its trailing empty cells (a blank line is an empty row).
fn trimmed(mut row: Vec<String>) -> Vec<String> {
    while row.last().is_some_and(|c| c.trim().is_empty()) {
        row.pop();
    }
    row
}

/// One CSV field, quoted when it needs to be.
pub fn field(s: &str, out: &mut String) {
    if s.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

/// Rows as CSV with a UTF-8 BOM (so Excel opens Chinese text correctly) and `\r\n` line ends.
pub fn to_csv(rows: &[Vec<String>]) -> String {
    let mut out = String::from("\u{feff}");
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            field(c, &mut out);
        }
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_csv_with_quotes_and_crlf() {
        let r = rows("\u{feff}a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n\r\n1,,\r\n");
        assert_eq!(
            r,
            vec![
                vec!["a".to_string(), "b".into(), "c".into()],
                vec!["x, y".to_string(), "say \"hi\"".into(), "two\nlines".into()],
                vec![],
                vec!["1".to_string()],
            ]
        );
    }

    #[test]
    fn pasted_rows_are_tab_separated() {
        let r = rows("作业类型\t合同金额（元）\n外墙清洗\t8万, 含税\n");
        assert_eq!(r[1], ["外墙清洗", "8万, 含税"]);
    }

    #[test]
    fn csv_round_trip() {
        let rows_in = vec![
            vec!["a,b".to_string(), "q\"".into()],
            vec!["中文".to_string()],
        ];
        assert_eq!(rows(&to_csv(&rows_in)), rows_in);
    }

    #[test]
    fn utf8_first_then_gb18030() {
        assert_eq!(decode(b"\xEF\xBB\xBFok", |_| "gb".into()), "ok");
        assert_eq!(decode(b"\xCA\xC7", |_| "gb".into()), "gb");
    }
}
