//! The widget bundle and the demo page: `/` → `www/index.html`, `/widget/*` → `www/dist/*`.

use crate::app::AppState;
use axum::Router;
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};

pub fn router(www: &Path) -> Router<AppState> {
    Router::new()
        .route_service("/", ServeFile::new(www.join("index.html")))
        .nest_service("/widget", ServeDir::new(www.join("dist")))
}
