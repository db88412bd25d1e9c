//! # anbei-console
//!
//! The street office's console of Anbei (安备): officers sign in (password, then a TOTP code when the
//! account has one), work through the queue of filings that await their decision, open a filing — the
//! assessment exactly as its applicant saw it (the widget's own result page), every field of the form,
//! the documents in the page, the history — and accept, return (every change at once), refuse or revoke
//! it; they keep the ledger; administrators manage accounts and tokens and read the audit log.
//!
//! ```html
//! <!-- served by `anbei serve` at /console/ (scripts/build-console.sh builds www/console/) -->
//! <header id="console-header"></header>
//! <main id="content"></main>
//! <script type="module" src="/console/anbei-console.js"></script>
//! ```
//!
//! A second app beside the widget with its own bundle: it reuses the widget's result view, QR code,
//! languages, catalogue of field names, small JSON value and browser helpers (`anbei-widget`), the core
//! (`anbei-core`) and the filing's rules (`anbei-filing`). The pure parts — routes, the app's reducer,
//! query strings, reading the API's answers, the return body, the catalogue — are tested natively; the
//! DOM lives in `ui`.

pub mod assess;
pub mod i18n;
pub mod inspect;
pub mod manage;
pub mod model;
pub mod query;
pub mod returns;
pub mod route;
pub mod state;
pub mod ui;
