//! Embeds the rule data files (data/) without their indentation: the JSON is the same, the browser
//! bundles that carry it are smaller (~1 KB gzip for the widget). Whitespace outside strings is dropped;
//! nothing else changes. The files under data/ stay readable and are what is versioned and reviewed.

use std::path::Path;

const FILES: &[&str] = &[
    "rulesets/longgang-2026.1-draft.json",
    "codes.json",
    "departments.json",
    "streets.json",
    "calendars/2025.json",
    "calendars/2026.json",
];

fn compact(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_str, mut escaped) = (false, false);
    for c in json.chars() {
        if in_str {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_str = false,
                _ => {}
            }
        } else if c == '"' {
            in_str = true;
            out.push(c);
        } else if !c.is_ascii_whitespace() {
            out.push(c);
        }
    }
    out
}

fn main() {
    let out_dir = std::env::var("OUT_DIR").unwrap_or_else(|_| panic!("OUT_DIR is set by cargo"));
    println!("cargo:rerun-if-changed=data");
    for f in FILES {
        let src = Path::new("data").join(f);
        println!("cargo:rerun-if-changed={}", src.display());
        let text =
            std::fs::read_to_string(&src).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
        let dst = Path::new(&out_dir).join(f.replace('/', "-"));
        let text = if *f == "codes.json" {
            // §9's wording (the last keys, `manage_codes` and `manage_words`) is embedded apart, so
            // the widget, which never shows an inspection, carries none of it (the linker drops data
            // no live code reads). One catalogue to edit; two embedded pieces.
            let cut = text
                .find(",\n  \"manage_codes\":")
                .unwrap_or_else(|| panic!("codes.json: manage_codes must follow fact_names"));
            let manage = format!("{{{}", &text[cut + 1..]);
            let dst = Path::new(&out_dir).join("codes-manage.json");
            std::fs::write(&dst, compact(&manage))
                .unwrap_or_else(|e| panic!("{}: {e}", dst.display()));
            format!("{}\n}}", &text[..cut])
        } else {
            text
        };
        std::fs::write(&dst, compact(&text)).unwrap_or_else(|e| panic!("{}: {e}", dst.display()));
    }
}
