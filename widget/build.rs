//! Embeds the widget's style sheet without its comment and indentation: the same rules, ~0.2 KB gzip
//! less in the bundle. `src/style.css` stays the readable one (and documents the host's custom
//! properties). Quoted strings are kept as they are; a space goes only where it may matter — never next
//! to `{ } ; ,` nor after a `:` (before one it may: `.aw :focus`).

use std::path::Path;

fn minify(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    let mut space = false;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("/*") {
            rest = after.split_once("*/").map_or("", |(_, r)| r);
            space = true;
            continue;
        }
        rest = &rest[c.len_utf8()..];
        if c.is_whitespace() {
            space = true;
            continue;
        }
        let tight = |ch: char| matches!(ch, '{' | '}' | ';' | ',');
        if space && !out.ends_with(|p: char| tight(p) || p == ':') && !tight(c) && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
        if c == '"' || c == '\'' {
            let end = rest.find(c).map_or(rest.len(), |i| i + 1);
            out.push_str(&rest[..end]);
            rest = &rest[end..];
        }
    }
    out
}

fn main() {
    let out_dir = std::env::var("OUT_DIR").unwrap_or_else(|_| panic!("OUT_DIR is set by cargo"));
    println!("cargo:rerun-if-changed=src/style.css");
    // `--cfg anbei_page_bundle` (RUSTFLAGS of scripts/build-bundle.sh: the console's and the batch page's
    // bundles) leaves out `mount` / `unmount`
    println!("cargo::rustc-check-cfg=cfg(anbei_page_bundle)");
    let css =
        std::fs::read_to_string("src/style.css").unwrap_or_else(|e| panic!("src/style.css: {e}"));
    let dst = Path::new(&out_dir).join("style.css");
    std::fs::write(&dst, minify(&css)).unwrap_or_else(|e| panic!("{}: {e}", dst.display()));
}
