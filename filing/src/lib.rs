//! # anbei-filing
//!
//! The filing (申报) of Anbei, once, for the server and the browser: its schema ([`Filing`]), the checks
//! of resident ID numbers (GB 11643), unified social credit codes (GB 32100) and mobiles ([`ids`]), the
//! rule of which checklist items need an upload ([`documents`]), the safety pledge ([`pledge`]) and the
//! whole body's check ([`check()`]), each problem worded by one catalogue ([`msg`]). The API
//! (`anbei-api`) refuses a filing with these problems; the widget (`anbei-widget`) shows the same ones
//! next to the form's fields before anything is sent, in the same words. Pure like the core: no I/O, no
//! clock (the caller passes "today" and the time to record).
//!
//! ```
//! use anbei_filing::{Msg, ids::IdNumber, documents::needs_upload};
//! use anbei_core::Code;
//! assert_eq!(IdNumber::parse("110105194912310021").unwrap_err(), Msg::IdChecksum);
//! assert_eq!(Msg::IdChecksum.rule(), "checksum");
//! assert_eq!(Msg::IdChecksum.zh(), "身份证号码校验位不对，请核对。");
//! // spec v3: the worker list is filled in, not uploaded (第二十八条)
//! assert!(!needs_upload(Code::D_WORKER_LIST) && needs_upload(Code::D_CONTRACT));
//! ```
//!
//! The JSON is read through [`Doc`]: serde_json's `Value` with the feature `serde_json` (the server's),
//! the widget's own small value type in the widget (which carries no serde_json). The feature
//! `fixtures` loads the shared test data of `tests/fixtures/`.

pub mod check;
pub mod doc;
pub mod documents;
pub mod ids;
pub mod msg;
pub mod pledge;
pub mod schema;

#[cfg(any(feature = "serde_json", test))]
pub mod canonical;
#[cfg(any(feature = "fixtures", test))]
pub mod fixtures;

pub use check::{Context, Outcome, check};

/// The most characters of an applicant's answer to a finding (its `note`, 第三十四条): the API refuses
/// a longer one and the widget counts against the same number.
pub const RECTIFICATION_NOTE_MAX: usize = 1000;
pub use doc::Doc;
pub use msg::{Given, Msg, Problem};
pub use schema::{Contact, Contractor, Filing, Person, Pledge, Signer, Site, Worker};

#[cfg(test)]
mod tests;
