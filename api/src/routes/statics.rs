//! The widget bundle, the console and the demo page, with the cache policy a portal's visitors need
//! (issue 17): `/` → `www/index.html`, `/widget/*` → `www/dist/*`, `/console` and `/console/` →
//! `www/console/index.html`, `/console/*` → `www/console/*`; the property managers' batch pre-screen
//! (issue 18) the same way under `/batch` → `www/batch/`.
//!
//! The build (`scripts/build-widget.sh`, `scripts/build-console.sh`, then `scripts/precompress.mjs`)
//! names the large files by their content (`anbei-widget_bg.<hash16>.wasm`) and writes a brotli
//! (quality 11) and a gzip copy next to every file. Here:
//! - the encoding is chosen from `Accept-Encoding` (brotli, then gzip, then none; `q=0` refuses one),
//!   with `Vary: Accept-Encoding`; a compressed copy older than its file is ignored, never served stale;
//! - a content-named file is cached for a year, `immutable`; a stable name (the loader portals embed,
//!   `/widget/anbei-widget.js`, and the HTML pages) is cached briefly and revalidated by `ETag`
//!   (`If-None-Match` → 304), so a deploy reaches every visitor within minutes;
//! - files are read once and kept in memory while their size and modification time stay the same (a
//!   rebuild while the server runs is picked up at the next request).

use crate::app::AppState;
use axum::Router;
use axum::body::Body;
use axum::extract::Path as UrlPath;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// Files larger than this are not static assets of this service (the wasm is ~600 KB).
const MAX_ASSET: u64 = 16 << 20;
/// How long a stable name may be used without asking again (the widget's loader, the pages).
const SHORT: &str = "public, max-age=300";
/// HTML pages: always revalidated, so a new build's file names are seen at once.
const PAGE: &str = "no-cache";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

pub fn router(www: &Path) -> Router<AppState> {
    let assets = Assets::new(www);
    Router::new()
        .route("/", get(page_root))
        .route("/console", get(page_console))
        .route("/console/", get(page_console))
        .route("/console/{*path}", get(in_console))
        .route("/batch", get(page_batch))
        .route("/batch/", get(page_batch))
        .route("/batch/{*path}", get(in_batch))
        .route("/widget/{*path}", get(in_widget))
        .layer(axum::Extension(assets))
}

type Ext = axum::Extension<Assets>;

async fn page_root(axum::Extension(a): Ext, h: HeaderMap) -> Response {
    a.serve(Path::new("index.html"), &h).await
}

async fn page_console(axum::Extension(a): Ext, h: HeaderMap) -> Response {
    a.serve(Path::new("console/index.html"), &h).await
}

async fn in_console(
    axum::Extension(a): Ext,
    UrlPath(path): UrlPath<String>,
    h: HeaderMap,
) -> Response {
    match relative(&path) {
        Some(p) if p.as_os_str().is_empty() => a.serve(Path::new("console/index.html"), &h).await,
        Some(p) => a.serve(&Path::new("console").join(p), &h).await,
        None => not_found(),
    }
}

async fn page_batch(axum::Extension(a): Ext, h: HeaderMap) -> Response {
    a.serve(Path::new("batch/index.html"), &h).await
}

async fn in_batch(
    axum::Extension(a): Ext,
    UrlPath(path): UrlPath<String>,
    h: HeaderMap,
) -> Response {
    match relative(&path) {
        Some(p) if p.as_os_str().is_empty() => a.serve(Path::new("batch/index.html"), &h).await,
        Some(p) => a.serve(&Path::new("batch").join(p), &h).await,
        None => not_found(),
    }
}

async fn in_widget(
    axum::Extension(a): Ext,
    UrlPath(path): UrlPath<String>,
    h: HeaderMap,
) -> Response {
    match relative(&path) {
        Some(p) if !p.as_os_str().is_empty() => a.serve(&Path::new("dist").join(p), &h).await,
        _ => not_found(),
    }
}

/// A URL path below a mount as a relative file path: plain names only (no `..`, no hidden files, no
/// compressed copies asked for by name — those are chosen by `Accept-Encoding`).
fn relative(url: &str) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for part in url.split('/').filter(|p| !p.is_empty()) {
        if part.starts_with('.')
            || part.contains('\\')
            || part.ends_with(".br")
            || part.ends_with(".gz")
        {
            return None;
        }
        match Path::new(part).components().next() {
            Some(Component::Normal(_)) => out.push(part),
            _ => return None,
        }
    }
    Some(out)
}

fn not_found() -> Response {
    crate::error::ApiError::NotFound.into_response()
}

/// `name.<16 lowercase hex>.ext`: named by its content, so it never changes.
pub fn content_named(name: &str) -> bool {
    let mut parts = name.rsplit('.');
    let (_ext, hash) = (parts.next(), parts.next());
    parts.next().is_some()
        && hash.is_some_and(|h| {
            h.len() == 16
                && h.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Coding {
    Brotli,
    Gzip,
    Identity,
}

impl Coding {
    /// Where its body is kept in an [`Entry`].
    fn slot(self) -> usize {
        match self {
            Coding::Identity => 0,
            Coding::Brotli => 1,
            Coding::Gzip => 2,
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            Coding::Brotli => ".br",
            Coding::Gzip => ".gz",
            Coding::Identity => "",
        }
    }
}

/// The codings a client accepts, best first among those we have (RFC 9110 §12.5.3: `q=0` means "not
/// acceptable"; `*` stands for any coding not named).
pub fn accepted(h: &HeaderMap) -> Vec<Coding> {
    let mut br = None;
    let mut gz = None;
    let mut star = None;
    for v in h.get_all(header::ACCEPT_ENCODING) {
        let Ok(v) = v.to_str() else { continue };
        for item in v.split(',') {
            let mut it = item.split(';');
            let name = it.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = it
                .filter_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .or_else(|| p.trim().strip_prefix("Q="))
                })
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            match name.as_str() {
                "br" => br = Some(q),
                "gzip" | "x-gzip" => gz = Some(q),
                "*" => star = Some(q),
                _ => {}
            }
        }
    }
    let mut out = Vec::with_capacity(3);
    if br.or(star).is_some_and(|q| q > 0.0) {
        out.push(Coding::Brotli);
    }
    if gz.or(star).is_some_and(|q| q > 0.0) {
        out.push(Coding::Gzip);
    }
    out.push(Coding::Identity);
    out
}

struct Entry {
    len: u64,
    modified: Option<SystemTime>,
    /// Identity, then the brotli and gzip copies when they exist and are not older than the file.
    bodies: [Option<Bytes>; 3],
    /// The first 16 hex digits of the file's SHA-256.
    tag: String,
}

#[derive(Clone)]
struct Assets {
    root: Arc<PathBuf>,
    cache: Arc<Mutex<HashMap<PathBuf, Arc<Entry>>>>,
}

impl Assets {
    fn new(root: &Path) -> Self {
        Assets {
            root: Arc::new(root.to_path_buf()),
            cache: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    async fn serve(&self, rel: &Path, h: &HeaderMap) -> Response {
        let path = self.root.join(rel);
        let entry = match self.load(&path).await {
            Some(e) => e,
            None => return not_found(),
        };
        let name = rel.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let cache = if content_named(name) {
            IMMUTABLE
        } else if name.ends_with(".html") {
            PAGE
        } else {
            SHORT
        };
        let (coding, body) = accepted(h)
            .into_iter()
            .find_map(|c| entry.bodies[c.slot()].clone().map(|b| (c, b)))
            .unwrap_or((Coding::Identity, Bytes::new()));
        // one strong validator per representation (RFC 9110 §8.8.3: a compressed copy is another one)
        let etag = format!("\"{}{}\"", entry.tag, coding.suffix().replace('.', "-"));
        let mut resp = if if_none_match(h, &etag) {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            let mut r = Response::new(Body::from(body));
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(content_type(rel)),
            );
            if coding != Coding::Identity {
                let v = if coding == Coding::Brotli {
                    "br"
                } else {
                    "gzip"
                };
                r.headers_mut()
                    .insert(header::CONTENT_ENCODING, HeaderValue::from_static(v));
            }
            r
        };
        let hs = resp.headers_mut();
        hs.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        hs.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        if let Ok(v) = HeaderValue::from_str(&etag) {
            hs.insert(header::ETAG, v);
        }
        resp
    }

    /// The file's entry, read again when its size or modification time changed.
    async fn load(&self, path: &Path) -> Option<Arc<Entry>> {
        let meta = tokio::fs::metadata(path).await.ok()?;
        if !meta.is_file() || meta.len() > MAX_ASSET {
            return None;
        }
        let modified = meta.modified().ok();
        if let Ok(cache) = self.cache.lock()
            && let Some(e) = cache.get(path)
            && e.len == meta.len()
            && e.modified == modified
        {
            return Some(e.clone());
        }
        let body = Bytes::from(tokio::fs::read(path).await.ok()?);
        let tag: String = Sha256::digest(&body)
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect();
        let mut bodies = [Some(body), None, None];
        for c in [Coding::Brotli, Coding::Gzip] {
            let mut p = path.as_os_str().to_owned();
            p.push(c.suffix());
            let p = PathBuf::from(p);
            let Ok(m) = tokio::fs::metadata(&p).await else {
                continue;
            };
            // a copy older than its file was made from an earlier build: never serve it
            if m.is_file() && m.len() <= MAX_ASSET && m.modified().ok() >= modified {
                bodies[c.slot()] = tokio::fs::read(&p).await.ok().map(Bytes::from);
            }
        }
        let e = Arc::new(Entry {
            len: meta.len(),
            modified,
            bodies,
            tag,
        });
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(path.to_path_buf(), e.clone());
        }
        Some(e)
    }
}

fn if_none_match(h: &HeaderMap, etag: &str) -> bool {
    h.get_all(header::IF_NONE_MATCH).iter().any(|v| {
        v.to_str().is_ok_and(|v| {
            v.split(',').any(|t| {
                let t = t.trim();
                t == "*" || t.trim_start_matches("W/") == etag
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ae(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn encodings_follow_accept_encoding() {
        use Coding::*;
        assert_eq!(
            accepted(&ae("gzip, deflate, br, zstd")),
            [Brotli, Gzip, Identity]
        );
        assert_eq!(accepted(&ae("gzip")), [Gzip, Identity]);
        assert_eq!(accepted(&ae("br;q=0, gzip;q=0.5")), [Gzip, Identity]);
        assert_eq!(accepted(&ae("*")), [Brotli, Gzip, Identity]);
        assert_eq!(accepted(&ae("*;q=0, br")), [Brotli, Identity]);
        assert_eq!(accepted(&HeaderMap::new()), [Identity]);
    }

    #[test]
    fn content_names_and_paths() {
        assert!(content_named("anbei-widget_bg.0123456789abcdef.wasm"));
        assert!(!content_named("anbei-widget.js"));
        assert!(!content_named("anbei-widget_bg.0123456789ABCDEF.wasm"));
        assert!(!content_named("0123456789abcdef.wasm"));
        assert_eq!(relative("a/b.js"), Some(PathBuf::from("a/b.js")));
        assert_eq!(relative("../etc/passwd"), None);
        assert_eq!(relative(".git/config"), None);
        assert_eq!(relative("anbei-widget.js.br"), None);
    }
}
