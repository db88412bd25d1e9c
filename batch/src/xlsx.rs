//! Reading the first sheet of an `.xlsx` as rows of text, and writing workbooks of text and number cells
//! (inline strings, no shared-string table). Enough of SpreadsheetML for what Excel, WPS and LibreOffice
//! save and open; formulas are read by their cached value.

use crate::zip::{self, Archive};

/// One cell to write.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Num(f64),
}

/// A sheet to write: its name (≤ 31 characters, no `[]:*?/\`) and rows; `header_rows` are bold and frozen.
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<Cell>>,
    pub header_rows: usize,
}

/// Why a workbook could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XlsxError {
    NotAZip,
    NoSheet,
}

/// `&amp;` and friends, numeric references too.
fn unescape(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let ent = &rest[1..end];
        let c = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => ent
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| ent.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}

fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // characters XML 1.0 cannot carry
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
}

/// A tag met while scanning: its name (without prefix), its attribute text, closing or self-closing.
struct Tag<'a> {
    name: &'a str,
    attrs: &'a str,
    close: bool,
    empty: bool,
}

/// Scans `xml` calling `f(tag, text_before_next_tag)` for every tag.
fn scan<'a>(xml: &'a str, mut f: impl FnMut(&Tag<'a>, &'a str)) {
    let mut p = 0;
    let b = xml.as_bytes();
    while let Some(lt) = xml[p..].find('<').map(|i| p + i) {
        let Some(gt) = xml[lt..].find('>').map(|i| lt + i) else {
            return;
        };
        let inner = &xml[lt + 1..gt];
        p = gt + 1;
        if inner.starts_with('?') || inner.starts_with('!') {
            continue;
        }
        let close = inner.starts_with('/');
        let empty = inner.ends_with('/');
        let body = inner.trim_start_matches('/').trim_end_matches('/');
        let (qname, attrs) = body
            .split_once(|c: char| c.is_ascii_whitespace())
            .unwrap_or((body, ""));
        let name = qname.rsplit(':').next().unwrap_or(qname);
        let text_end = xml[p..].find('<').map_or(b.len(), |i| p + i);
        f(
            &Tag {
                name,
                attrs,
                close,
                empty,
            },
            &xml[p..text_end],
        );
    }
}

/// The value of attribute `key` (without prefix match: `r`, `t`, `r:id` by full name).
fn attr<'a>(attrs: &'a str, key: &str) -> Option<&'a str> {
    let mut rest = attrs;
    loop {
        let eq = rest.find('=')?;
        let k = rest[..eq].trim();
        let q = rest[eq + 1..].trim_start();
        let quote = q.chars().next()?;
        let v_end = q[1..].find(quote)?;
        let v = &q[1..1 + v_end];
        if k == key {
            return Some(v);
        }
        rest = &q[v_end + 2..];
    }
}

/// "BC12" → column index 54 (0-based).
fn column_of(r: &str) -> Option<usize> {
    let letters = r.bytes().take_while(u8::is_ascii_alphabetic);
    let mut n = 0usize;
    let mut any = false;
    for l in letters {
        n = n * 26 + usize::from(l.to_ascii_uppercase() - b'A') + 1;
        any = true;
    }
    any.then(|| n - 1)
}

fn column_name(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

fn shared_strings(xml: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut in_t, mut in_ph) = (false, false);
    scan(xml, |t, text| match (t.name, t.close) {
        ("si", false) if !t.empty => cur.clear(),
        ("si", false) => out.push(String::new()),
        ("si", true) => out.push(std::mem::take(&mut cur)),
        ("rPh", c) => in_ph = !c && !t.empty,
        ("t", false) if !t.empty => {
            in_t = true;
            if !in_ph {
                unescape(text, &mut cur);
            }
        }
        ("t", true) => in_t = false,
        _ => {
            let _ = in_t;
        }
    });
    out
}

/// The path of the workbook's first sheet (by workbook.xml and its relationships), or sheet1.xml.
fn first_sheet(a: &Archive<'_>) -> Option<String> {
    let text = |n: &str| a.read(n).map(|b| String::from_utf8_lossy(&b).into_owned());
    let from_rels = || {
        let wb = text("xl/workbook.xml")?;
        let mut rid = None;
        scan(&wb, |t, _| {
            if t.name == "sheet" && !t.close && rid.is_none() {
                rid = attr(t.attrs, "r:id").map(str::to_owned);
            }
        });
        let rid = rid?;
        let rels = text("xl/_rels/workbook.xml.rels")?;
        let mut target = None;
        scan(&rels, |t, _| {
            if t.name == "Relationship" && attr(t.attrs, "Id") == Some(rid.as_str()) {
                target = attr(t.attrs, "Target").map(str::to_owned);
            }
        });
        let t = target?;
        Some(match t.strip_prefix('/') {
            Some(abs) => abs.to_owned(),
            None => format!("xl/{t}"),
        })
    };
    from_rels()
        .filter(|p| a.names().any(|n| n == p))
        .or_else(|| {
            a.names()
                .find(|n| n.starts_with("xl/worksheets/sheet"))
                .map(str::to_owned)
        })
}

/// The first sheet's rows as text, empty cells as "" (rows keep their position: a blank row is an empty
/// vector). Numbers as Excel stored them ("80000", "3.2").
pub fn read_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, XlsxError> {
    let a = Archive::open(bytes).ok_or(XlsxError::NotAZip)?;
    let sst = a
        .read("xl/sharedStrings.xml")
        .map(|b| shared_strings(&String::from_utf8_lossy(&b)))
        .unwrap_or_default();
    let path = first_sheet(&a).ok_or(XlsxError::NoSheet)?;
    let xml = a.read(&path).ok_or(XlsxError::NoSheet)?;
    let xml = String::from_utf8_lossy(&xml);
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let (mut col, mut kind) = (0usize, b'v');
    let mut value = String::new();
    let mut in_row = false;
    let (mut in_v, mut in_is) = (false, false);
    let mut row_no = 0usize;
    scan(&xml, |t, text| match (t.name, t.close) {
        ("row", false) => {
            let r = attr(t.attrs, "r")
                .and_then(|r| r.parse::<usize>().ok())
                .unwrap_or(row_no + 1);
            while rows.len() + 1 < r {
                rows.push(Vec::new());
            }
            row_no = r;
            row.clear();
            in_row = !t.empty;
            if t.empty {
                rows.push(Vec::new());
            }
        }
        ("row", true) if in_row => {
            while row.last().is_some_and(String::is_empty) {
                row.pop();
            }
            rows.push(std::mem::take(&mut row));
            in_row = false;
        }
        ("c", false) => {
            col = attr(t.attrs, "r").and_then(column_of).unwrap_or(row.len());
            kind = match attr(t.attrs, "t") {
                Some("s") => b's',
                Some("b") => b'b',
                _ => b'v',
            };
            value.clear();
            if t.empty {
                col = usize::MAX;
            }
        }
        ("c", true) if col != usize::MAX => {
            let v = match kind {
                b's' => value
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| sst.get(i).cloned())
                    .unwrap_or_default(),
                b'b' => (if value.trim() == "1" { "TRUE" } else { "FALSE" }).to_owned(),
                _ => std::mem::take(&mut value),
            };
            if row.len() <= col {
                row.resize(col + 1, String::new());
            }
            row[col] = v;
            col = usize::MAX;
        }
        ("v", false) if !t.empty => {
            in_v = true;
            unescape(text, &mut value);
        }
        ("v", true) => in_v = false,
        ("is", c) => in_is = !c && !t.empty,
        ("t", false) if in_is && !t.empty => unescape(text, &mut value),
        _ => {
            let _ = in_v;
        }
    });
    Ok(rows)
}

const CONTENT_TYPES_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#;
const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs></styleSheet>"#;
const NS: &str = r#"xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;

fn sheet_xml(s: &Sheet, num: &dyn Fn(f64) -> String) -> String {
    let mut x = String::with_capacity(64 + s.rows.len() * 256);
    x.push_str(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#);
    x.push_str(&format!("\n<worksheet {NS}>"));
    if s.header_rows > 0 {
        x.push_str(&format!(
            r#"<sheetViews><sheetView workbookViewId="0"><pane ySplit="{h}" topLeftCell="A{t}" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>"#,
            h = s.header_rows,
            t = s.header_rows + 1
        ));
    }
    x.push_str("<sheetData>");
    for (ri, row) in s.rows.iter().enumerate() {
        let style = if ri < s.header_rows { r#" s="1""# } else { "" };
        x.push_str(&format!(r#"<row r="{}">"#, ri + 1));
        for (ci, c) in row.iter().enumerate() {
            let r = format!("{}{}", column_name(ci), ri + 1);
            match c {
                Cell::Text(t) if t.is_empty() => {}
                Cell::Text(t) => {
                    x.push_str(&format!(
                        r#"<c r="{r}"{style} t="inlineStr"><is><t xml:space="preserve">"#
                    ));
                    escape(t, &mut x);
                    x.push_str("</t></is></c>");
                }
                Cell::Num(n) => x.push_str(&format!(r#"<c r="{r}"{style}><v>{}</v></c>"#, num(*n))),
            }
        }
        x.push_str("</row>");
    }
    x.push_str("</sheetData></worksheet>");
    x
}

/// A workbook of `sheets` as `.xlsx` bytes.
pub fn write(sheets: &[Sheet]) -> Vec<u8> {
    let num = |n: f64| n.to_string();
    let mut types = String::from(CONTENT_TYPES_HEAD);
    let mut wb = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook {NS}><sheets>"#
    );
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    for (i, s) in sheets.iter().enumerate() {
        let n = i + 1;
        types.push_str(&format!(r#"<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#));
        wb.push_str(r#"<sheet name=""#);
        escape(&s.name, &mut wb);
        wb.push_str(&format!(r#"" sheetId="{n}" r:id="rId{n}"/>"#));
        rels.push_str(&format!(r#"<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>"#));
        parts.push((
            format!("xl/worksheets/sheet{n}.xml"),
            sheet_xml(s, &num).into_bytes(),
        ));
    }
    let k = sheets.len() + 1;
    rels.push_str(&format!(r#"<Relationship Id="rId{k}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#));
    types.push_str("</Types>");
    wb.push_str("</sheets></workbook>");
    let mut entries: Vec<(&str, Vec<u8>)> = vec![
        ("[Content_Types].xml", types.into_bytes()),
        ("_rels/.rels", ROOT_RELS.as_bytes().to_vec()),
        ("xl/workbook.xml", wb.into_bytes()),
        ("xl/_rels/workbook.xml.rels", rels.into_bytes()),
        ("xl/styles.xml", STYLES.as_bytes().to_vec()),
    ];
    for (name, data) in &parts {
        entries.push((name.as_str(), data.clone()));
    }
    zip::write(&entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_workbook_reads_back() {
        let t = |s: &str| Cell::Text(s.into());
        let book = write(&[
            Sheet {
                name: "工单".into(),
                rows: vec![
                    vec![t("作业类型"), t("金额 <元> & \"税\"")],
                    vec![],
                    vec![t("外墙"), Cell::Num(80000.0), t(""), t("x")],
                ],
                header_rows: 1,
            },
            Sheet {
                name: "values".into(),
                rows: vec![vec![t("b")]],
                header_rows: 0,
            },
        ]);
        let rows = read_rows(&book).expect("reads");
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0], ["作业类型", "金额 <元> & \"税\""]);
        assert!(rows[1].is_empty());
        assert_eq!(rows[2], ["外墙", "80000", "", "x"]);
    }

    #[test]
    fn shared_strings_and_sparse_cells_as_excel_writes_them() {
        let sst = r#"<sst><si><t>是</t></si><si><r><t>外</t></r><r><t>墙</t></r><rPh><t>ワイ</t></rPh></si><si><t/></si></sst>"#;
        let sheet = r#"<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>1</v></c><c r="C1" t="s"><v>0</v></c></row><row r="3"><c r="B3"><v>3.5</v></c><c r="C3" t="b"><v>1</v></c><c r="D3" t="str"><f>A1</f><v>x&amp;y</v></c></row></sheetData></worksheet>"#;
        let z = zip::write(&[
            ("xl/sharedStrings.xml", sst.as_bytes().to_vec()),
            ("xl/worksheets/sheet1.xml", sheet.as_bytes().to_vec()),
        ]);
        let rows = read_rows(&z).expect("reads");
        assert_eq!(
            rows,
            vec![
                vec!["外墙".to_string(), String::new(), "是".into()],
                vec![],
                vec![String::new(), "3.5".into(), "TRUE".into(), "x&y".into()],
            ]
        );
        assert_eq!(read_rows(b"not a zip"), Err(XlsxError::NotAZip));
    }

    #[test]
    fn column_names() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_of("AA7"), Some(26));
        assert_eq!(column_of("BC12"), Some(54));
    }
}
