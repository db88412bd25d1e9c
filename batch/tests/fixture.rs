//! tests/fixtures/batch/twenty.xlsx, the browser test's upload: the template's two header rows and 20
//! jobs of the parity corpus — 15 decided, 2 with a bad value, 3 with answers missing. Written from the
//! corpus here (`ANBEI_BLESS=1` rewrites it), so the file and the corpus cannot drift apart.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns

use anbei_batch::xlsx::{self, Cell, Sheet};
use anbei_batch::{Batch, read_file};
use anbei_core::{Date, Engine};
use std::path::PathBuf;

const REFS: &[&str] = &[
    "A01", "A02", "A03", "A04", "A05", "A06", "A07", "A08", "C01", "A09", "A10", "B01", "A11",
    "A12", "A13", "B02", "A14", "C02", "A15", "B03",
];

#[test]
fn the_twenty_job_upload_is_the_corpus_and_has_two_bad_and_three_incomplete_rows() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/batch");
    let rows = read_file(
        &std::fs::read(dir.join("corpus.csv")).expect("corpus"),
        |_| String::new(),
    )
    .expect("csv");
    let mut out: Vec<Vec<String>> = rows[..2].to_vec();
    for r in REFS {
        out.push(
            rows.iter()
                .find(|row| row.first().map(String::as_str) == Some(*r))
                .expect("ref in corpus")
                .clone(),
        );
    }
    let book = xlsx::write(&[Sheet {
        name: "工单 Jobs".into(),
        rows: out
            .iter()
            .map(|r| r.iter().cloned().map(Cell::Text).collect())
            .collect(),
        header_rows: 2,
    }]);
    let path = dir.join("twenty.xlsx");
    if std::env::var_os("ANBEI_BLESS").is_some() {
        std::fs::write(&path, &book).expect("write");
    }
    assert_eq!(
        std::fs::read(&path).expect("twenty.xlsx"),
        book,
        "ANBEI_BLESS=1 cargo test -p anbei-batch --test fixture"
    );
    let e = Engine::embedded().expect("rules");
    let b = Batch::new(
        &e,
        Date::parse("2026-05-06").expect("date"),
        read_file(&book, |_| String::new()).expect("xlsx"),
    );
    let c = b.counts();
    assert_eq!((c.total, c.invalid, c.incomplete), (20, 2, 3), "{c:?}");
}
