//! Assets as a portal's visitors fetch them (issue 17): the compressed copy the browser accepts, a year's
//! cache for content-named files, a short cache revalidated by ETag for the stable loader and the pages,
//! never a stale compressed copy, nothing outside the bundle directories; JSON over 1 KB gzip-compressed.
//! The static handling does not touch the database: SQLite only.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::fs;
use std::time::{Duration, SystemTime};

const WASM: &str = "anbei-widget_bg.0123456789abcdef.wasm";

/// A bundle laid out as scripts/assets.mjs leaves it: each file with a `.br` and a `.gz` copy (their
/// bytes are markers — the server sends them as they are, it never decompresses).
fn lay_out(app: &TestApp) -> std::path::PathBuf {
    let www = app.data_dir().join("www");
    let dist = www.join("dist");
    let console = www.join("console");
    let batch = www.join("batch");
    fs::create_dir_all(&dist).unwrap();
    fs::create_dir_all(&console).unwrap();
    fs::create_dir_all(&batch).unwrap();
    for (dir, name, body) in [
        (&dist, "anbei-widget.js", "loader v1"),
        (&dist, WASM, "wasm bytes"),
        (
            &console,
            "index.html",
            "<!doctype html><title>console</title>",
        ),
        (&batch, "index.html", "<!doctype html><title>batch</title>"),
        (&batch, "anbei-batch_bg.0123456789abcdef.wasm", "batch wasm"),
    ] {
        fs::write(dir.join(name), body).unwrap();
        fs::write(dir.join(format!("{name}.br")), format!("BR:{body}")).unwrap();
        fs::write(dir.join(format!("{name}.gz")), format!("GZ:{body}")).unwrap();
    }
    // over a kilobyte, so the on-the-fly compression would take it if it were not an asset
    let demo = format!(
        "<!doctype html><title>demo</title><p>{}</p>",
        "坂田街道".repeat(200)
    );
    fs::write(www.join("index.html"), demo).unwrap();
    fs::write(www.join("secret.txt"), "outside the bundle").unwrap();
    www
}

async fn fetch(
    app: &TestApp,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, reqwest::header::HeaderMap, String) {
    let mut rq = app.http.get(app.url(path));
    for (k, v) in headers {
        rq = rq.header(*k, *v);
    }
    let r = rq.send().await.unwrap();
    let status = r.status().as_u16();
    let h = r.headers().clone();
    (status, h, r.text().await.unwrap_or_default())
}

fn header<'a>(h: &'a reqwest::header::HeaderMap, k: &str) -> &'a str {
    h.get(k).and_then(|v| v.to_str().ok()).unwrap_or("")
}

#[tokio::test]
async fn the_browser_gets_the_encoding_it_accepts() {
    let app = spawn(Backend::Sqlite).await;
    lay_out(&app);
    let chrome = [("accept-encoding", "gzip, deflate, br, zstd")];
    let (s, h, body) = fetch(&app, "/widget/anbei-widget.js", &chrome).await;
    assert_eq!((s, body.as_str()), (200, "BR:loader v1"));
    assert_eq!(header(&h, "content-encoding"), "br");
    assert_eq!(header(&h, "content-type"), "text/javascript; charset=utf-8");
    assert_eq!(header(&h, "vary"), "Accept-Encoding");

    let (_, h, body) = fetch(
        &app,
        "/widget/anbei-widget.js",
        &[("accept-encoding", "gzip")],
    )
    .await;
    assert_eq!(
        (body.as_str(), header(&h, "content-encoding")),
        ("GZ:loader v1", "gzip")
    );
    // `q=0` refuses a coding
    let (_, _, body) = fetch(
        &app,
        "/widget/anbei-widget.js",
        &[("accept-encoding", "br;q=0, gzip")],
    )
    .await;
    assert_eq!(body, "GZ:loader v1");
    // no Accept-Encoding: the file itself
    let (_, h, body) = fetch(&app, "/widget/anbei-widget.js", &[]).await;
    assert_eq!(
        (body.as_str(), header(&h, "content-encoding")),
        ("loader v1", "")
    );
    let (_, h, body) = fetch(&app, &format!("/widget/{WASM}"), &chrome).await;
    assert_eq!(
        (body.as_str(), header(&h, "content-type")),
        ("BR:wasm bytes", "application/wasm")
    );
}

#[tokio::test]
async fn content_named_files_are_immutable_and_the_loader_revalidates() {
    let app = spawn(Backend::Sqlite).await;
    lay_out(&app);
    let (_, h, _) = fetch(&app, &format!("/widget/{WASM}"), &[]).await;
    assert_eq!(
        header(&h, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    // the batch page's bundle: the console's policy, its precompressed copy chosen by Accept-Encoding
    let (s, h, body) = fetch(
        &app,
        "/batch/anbei-batch_bg.0123456789abcdef.wasm",
        &[("accept-encoding", "gzip")],
    )
    .await;
    assert_eq!(
        (s, header(&h, "cache-control"), body.as_str()),
        (200, "public, max-age=31536000, immutable", "GZ:batch wasm")
    );

    let chrome = [("accept-encoding", "br")];
    let (_, h, _) = fetch(&app, "/widget/anbei-widget.js", &chrome).await;
    assert_eq!(header(&h, "cache-control"), "public, max-age=300");
    let etag = header(&h, "etag").to_owned();
    assert!(etag.starts_with('"') && etag.len() > 8, "{etag}");
    // the same representation again: 304, no body
    let (s, _, body) = fetch(
        &app,
        "/widget/anbei-widget.js",
        &[("accept-encoding", "br"), ("if-none-match", &etag)],
    )
    .await;
    assert_eq!((s, body.as_str()), (304, ""));
    // another encoding is another representation with its own validator
    let (s, h, _) = fetch(
        &app,
        "/widget/anbei-widget.js",
        &[("accept-encoding", "gzip"), ("if-none-match", &etag)],
    )
    .await;
    assert_eq!(s, 200);
    assert_ne!(header(&h, "etag"), etag);

    // a new release under the stable name: the old validator no longer matches, the new bytes are sent
    std::thread::sleep(Duration::from_millis(20));
    let dist = app.data_dir().join("www/dist");
    fs::write(dist.join("anbei-widget.js"), "loader v2 (longer)").unwrap();
    fs::write(dist.join("anbei-widget.js.br"), "BR:loader v2 (longer)").unwrap();
    fs::write(dist.join("anbei-widget.js.gz"), "GZ:loader v2 (longer)").unwrap();
    let (s, h, body) = fetch(
        &app,
        "/widget/anbei-widget.js",
        &[("accept-encoding", "br"), ("if-none-match", &etag)],
    )
    .await;
    assert_eq!((s, body.as_str()), (200, "BR:loader v2 (longer)"));
    assert_ne!(header(&h, "etag"), etag);

    // pages are revalidated at every visit
    for page in ["/", "/console/", "/console", "/batch/", "/batch"] {
        let (s, h, body) = fetch(&app, page, &[]).await;
        assert_eq!(
            (s, header(&h, "cache-control")),
            (200, "no-cache"),
            "{page}"
        );
        assert!(body.starts_with("<!doctype html>"), "{page}: {body}");
        assert_eq!(header(&h, "content-type"), "text/html; charset=utf-8");
    }
    // the demo page has no compressed copy: sent as it is, under its one validator (not gzipped on
    // the fly behind the identity's ETag)
    let (_, h, body) = fetch(&app, "/", &[("accept-encoding", "gzip")]).await;
    assert!(body.len() > 1024);
    assert_eq!(header(&h, "content-encoding"), "");
}

#[tokio::test]
async fn a_compressed_copy_older_than_its_file_is_never_sent() {
    let app = spawn(Backend::Sqlite).await;
    lay_out(&app);
    let dist = app.data_dir().join("www/dist");
    // the file rebuilt after its copies were made (a build interrupted before compressing)
    let old = SystemTime::now() - Duration::from_secs(3600);
    for c in ["br", "gz"] {
        fs::File::options()
            .write(true)
            .open(dist.join(format!("anbei-widget.js.{c}")))
            .unwrap()
            .set_modified(old)
            .unwrap();
    }
    fs::write(dist.join("anbei-widget.js"), "loader v3").unwrap();
    let (_, h, body) = fetch(
        &app,
        "/widget/anbei-widget.js",
        &[("accept-encoding", "br, gzip")],
    )
    .await;
    assert_eq!(
        (body.as_str(), header(&h, "content-encoding")),
        ("loader v3", "")
    );
}

#[tokio::test]
async fn nothing_outside_the_bundles_and_no_copy_by_name() {
    let app = spawn(Backend::Sqlite).await;
    lay_out(&app);
    for path in [
        "/widget/../secret.txt",
        "/widget/%2e%2e/secret.txt",
        "/widget/..%2fsecret.txt",
        "/console/../secret.txt",
        "/batch/../secret.txt",
        "/batch/anbei-batch_bg.0123456789abcdef.wasm.gz",
        "/widget/anbei-widget.js.br",
        "/widget/.hidden",
        "/widget/",
        "/widget/missing.js",
        "/secret.txt",
    ] {
        let (s, _, body) = fetch(&app, path, &[]).await;
        assert_eq!(s, 404, "{path}");
        assert!(!body.contains("outside the bundle"), "{path}");
    }
}

#[tokio::test]
async fn json_over_a_kilobyte_is_gzip_compressed_when_accepted() {
    let app = spawn(Backend::Sqlite).await;
    // the rule set view is tens of kilobytes of JSON
    let (s, h, _) = fetch(&app, "/api/v1/ruleset", &[("accept-encoding", "gzip")]).await;
    assert_eq!((s, header(&h, "content-encoding")), (200, "gzip"));
    let (_, h, body) = fetch(&app, "/api/v1/ruleset", &[]).await;
    assert_eq!(header(&h, "content-encoding"), "");
    assert!(serde_json::from_str::<serde_json::Value>(&body).is_ok());
    // a small answer is not worth it
    let (s, h, body) = fetch(&app, "/api/v1/keys", &[("accept-encoding", "gzip")]).await;
    assert!(body.len() < 1024, "{} bytes", body.len());
    assert_eq!((s, header(&h, "content-encoding")), (200, ""));
}
