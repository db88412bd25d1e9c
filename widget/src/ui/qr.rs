//! The receipt's QR code as inline SVG (one path), from the receipt's `qr_payload`.

use qrcodegen::{QrCode, QrCodeEcc};
use yew::prelude::*;

/// A plain function, not a component: one component type less in the bundle.
pub fn qr(payload: &str, label: &str) -> Html {
    let Ok(code) = QrCode::encode_text(payload, QrCodeEcc::Medium) else {
        return html! {};
    };
    let n = code.size();
    let mut d = String::new();
    for y in 0..n {
        for x in 0..n {
            if code.get_module(x, y) {
                d.push_str(&format!("M{} {}h1v1h-1z", x + 4, y + 4));
            }
        }
    }
    let vb = format!("0 0 {} {}", n + 8, n + 8);
    html! {
        <svg class="aw-qr" viewBox={vb} role="img" aria-label={label.to_string()} shape-rendering="crispEdges">
            <rect width="100%" height="100%" fill="#fff" />
            <path d={d} fill="#000" />
        </svg>
    }
}
