//! # anbei-widget
//!
//! The embeddable self-check and filing widget of Anbei (安备). A portal adds one script and one element:
//!
//! ```html
//! <script type="module" src="/widget/anbei-widget.js"></script>
//! <anbei-widget api="https://example.invalid" lang="zh-CN" street="bantian"></anbei-widget>
//! ```
//!
//! The interview runs the rules engine (`anbei-core`) in the page, so the self-check works offline; the
//! API is only used for uploads and filing. The pure parts (reducer, share-link encoding, string
//! catalogue, the filing form and its checks — `anbei-filing`'s, the server's own) compile and are tested
//! natively; the DOM parts live in `ui` and the `mount` entry point.

pub mod filing;
pub mod i18n;
pub mod json;
pub mod share;
pub mod state;
pub mod summary;
pub mod track;
pub mod ui;
