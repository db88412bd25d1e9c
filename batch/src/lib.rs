//! # anbei-batch
//!
//! Batch pre-screening for property managers (issue 18): a sheet of odd jobs (`.xlsx`, `.csv` in UTF-8
//! or GB18030, or rows pasted from a sheet) decided row by row in the browser by the core — nothing is
//! uploaded. Its own small bundle (plain wasm-bindgen, no Yew), served at `/batch/`, so the applicant's
//! widget does not grow.
//!
//! | module | does |
//! |---|---|
//! | [`zip`], [`xlsx`] | the smallest zip and SpreadsheetML an `.xlsx` needs, both ways |
//! | [`text`] | CSV and pasted TSV, UTF-8 or GB18030 |
//! | [`sheet`] | template columns (data/columns.tsv), header matching once per column, cell readers |
//! | [`batch`] | each row through the core: invalid, incomplete (what is missing) or decided; inline answers |
//! | [`output`] | result columns, results `.xlsx`/`.csv` with a summary sheet, templates |
//! | [`render`] | the page's HTML (summary, 50-row pages, the inline question) |
//! | `wasm` | the browser entry points (`BatchPage`), wasm32 only |

pub mod batch;
pub mod output;
pub mod render;
pub mod sheet;
pub mod text;
#[cfg(target_arch = "wasm32")]
mod wasm;
pub mod words;
pub mod xlsx;
pub mod zip;

pub use batch::{Batch, Counts, Decision, Outcome, Row};
pub use words::Lang;

/// A sheet's rows from a file's bytes: an `.xlsx` (zip) or delimited text (`gb18030` decodes text that
/// is not UTF-8).
pub fn read_file(
    bytes: &[u8],
    gb18030: impl FnOnce(&[u8]) -> String,
) -> Result<Vec<Vec<String>>, xlsx::XlsxError> {
    if bytes.starts_with(b"PK\x03\x04") {
        xlsx::read_rows(bytes)
    } else {
        Ok(text::rows(&text::decode(bytes, gb18030)))
    }
}
