//! The store's contract for what it reads back, on SQLite and PostgreSQL alike: a row is decoded by
//! column name by one decoder for both backends, and a value the service does not know is an error
//! naming the column and the value — never a guess.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use anbei_api::store::{ListFilter, StoreError};
use common::*;

both_backends!(an_unknown_status_in_a_row_is_an_error_not_filed);

/// The column and value of a [`StoreError::BadValue`]; anything else fails the test.
fn bad_value<T: std::fmt::Debug>(r: Result<T, StoreError>) -> (&'static str, String) {
    match r {
        Err(StoreError::BadValue { column, value }) => (column, value),
        other => panic!("expected an unknown-value error, got {other:?}"),
    }
}

/// A status no version of the service writes (a newer version's, or a hand edit) must not be read as
/// `filed` — which would put a registration back into an officer's queue (rules.md §7) — but stop
/// every read of that row with an error that names it.
async fn an_unknown_status_in_a_row_is_an_error_not_filed(b: Backend) {
    let app = spawn(b).await;
    let body = app.filing(ordinary_facts()).await;
    let (st, v) = app.file("unknown-status", &body).await;
    assert_eq!(st, 201, "{v}");
    let no = v["filing_no"].as_str().unwrap().to_owned();
    let rno = v["receipt"]["receipt_no"].as_str().unwrap().to_owned();
    let store = app.state.store.clone();
    assert!(store.get_filing(&no).await.unwrap().is_some());

    app.sql(&format!(
        "UPDATE filings SET status = 'archived' WHERE filing_no = '{no}'"
    ))
    .await;
    let want = ("status", "archived".to_owned());
    assert_eq!(bad_value(store.get_filing(&no).await), want);
    assert_eq!(bad_value(store.get_by_receipt(&rno).await), want);
    let page = store.ledger_page(ListFilter::default(), None, 100).await;
    assert_eq!(bad_value(page), want);
    assert!(
        StoreError::bad_value("status", "archived")
            .to_string()
            .contains("status"),
    );

    // Over HTTP: a server error, never the registration shown under a status it does not have.
    let officer = app.officer("bantian", "officer").await;
    let (st, p) = app
        .get(&format!("/api/v1/registrations/{no}"), Some(&officer))
        .await;
    assert_eq!(st, 500, "{p}");
    let (st, p) = app
        .get(
            &app.with_code(&format!("/api/v1/receipts/{rno}/verify"))
                .await,
            None,
        )
        .await;
    assert_eq!(st, 500, "{p}");
}
