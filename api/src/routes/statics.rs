//! The widget bundle and the demo page: `/` → `www/index.html`, `/widget/*` → `www/dist/*`; the street
//! office's console: `/console` and `/console/` → `www/console/index.html`, `/console/*` →
//! `www/console/*` (`scripts/build-console.sh`).

use crate::app::AppState;
use axum::Router;
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};

pub fn router(www: &Path) -> Router<AppState> {
    Router::new()
        .route_service("/", ServeFile::new(www.join("index.html")))
        .nest_service("/widget", ServeDir::new(www.join("dist")))
        // a nested service answers at `/console` and `/console/` too, where ServeDir serves the
        // directory's index.html (the page names its files by absolute paths, so both work)
        .nest_service("/console", ServeDir::new(www.join("console")))
}
