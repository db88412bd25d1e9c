//! PostgreSQL group commit of new filings (store/pg_batch.rs), against the real database: numbers stay
//! unique and gap-free within a group, one bad filing fails alone, and a key filed twice in one group
//! converges on one filing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use anbei_api::signing::Signer;
use anbei_api::store::postgres::PgStore;
use anbei_api::store::{Created, NewFiling, Store};
use std::collections::HashSet;
use std::sync::Arc;

struct Schema(String);
impl Drop for Schema {
    fn drop(&mut self) {
        let name = self.0.clone();
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let pool = sqlx::PgPool::connect(&common::pg_url()).await.unwrap();
                let _ = sqlx::query(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
                    .execute(&pool)
                    .await;
            });
        })
        .join();
    }
}

async fn store(tag: &str) -> (Arc<PgStore>, Schema, std::path::PathBuf) {
    let name = format!("anbei_group_{tag}_{}", std::process::id());
    let pool = sqlx::PgPool::connect(&common::pg_url()).await.unwrap();
    sqlx::query(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query(&format!("CREATE SCHEMA {name}"))
        .execute(&pool)
        .await
        .unwrap();
    let dir = std::env::temp_dir().join(&name);
    let signer = Arc::new(Signer::load_or_create(&dir).unwrap());
    let s = PgStore::connect(&common::pg_url(), Some(&name), signer)
        .await
        .unwrap();
    (Arc::new(s), Schema(name), dir)
}

/// The store's own fixture with this request (and a hash of it).
fn filing(key: &str, request: &str) -> NewFiling {
    NewFiling {
        outbox: vec![],
        request_hash: format!("hash-{request}"),
        request: request.into(),
        ..NewFiling::example(key)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_bad_filing_fails_alone_and_numbers_stay_unique() {
    let (s, _schema, dir) = store("bad").await;
    let mut tasks = Vec::new();
    for i in 0..120 {
        // PostgreSQL text cannot hold NUL: this one row makes its whole group fail.
        let request = if i == 60 {
            "{\"x\":\"\0\"}".to_owned()
        } else {
            format!("{{\"n\":{i}}}")
        };
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            s.create_filing(filing(&format!("key-{i}"), &request)).await
        }));
    }
    let mut filing_nos = HashSet::new();
    let mut receipt_nos = HashSet::new();
    let mut failed = Vec::new();
    for (i, t) in tasks.into_iter().enumerate() {
        match t.await.unwrap() {
            Ok(Created::New(r)) => {
                assert!(
                    filing_nos.insert(r.filing_no.clone()),
                    "filing number {} twice",
                    r.filing_no
                );
                let rc = r.receipt.expect("registered at once: a receipt");
                assert!(
                    receipt_nos.insert(rc.receipt_no.clone()),
                    "receipt number {} twice",
                    rc.receipt_no
                );
                // What the store answered is what it kept.
                let back = s.get_filing(&r.filing_no).await.unwrap().expect("stored");
                assert_eq!(back.receipt.unwrap().signature, rc.signature);
                assert_eq!(back.events.len(), 1);
            }
            Ok(Created::Existing { .. }) => panic!("filing {i}: no key was used twice"),
            Err(_) => failed.push(i),
        }
    }
    assert_eq!(failed, vec![60], "only the bad filing may fail");
    assert_eq!(filing_nos.len(), 119);
    assert_eq!(receipt_nos.len(), 119);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_filed_twice_at_once_gives_one_filing() {
    let (s, _schema, dir) = store("dup").await;
    let mut tasks = Vec::new();
    for i in 0..40 {
        let s = s.clone();
        // Pairs of the same key, sent together so that they can land in the same group.
        tasks.push(tokio::spawn(async move {
            s.create_filing(filing(&format!("k-{}", i / 2), "{}")).await
        }));
    }
    let mut new = HashSet::new();
    let mut existing = Vec::new();
    for t in tasks {
        match t.await.unwrap().unwrap() {
            Created::New(r) => assert!(
                new.insert(r.idempotency_key.clone()),
                "two filings for {}",
                r.idempotency_key
            ),
            Created::Existing { filing_no, .. } => existing.push(filing_no),
        }
    }
    assert_eq!(new.len(), 20, "one filing per key");
    assert_eq!(
        existing.len(),
        20,
        "the second of each pair is answered with the first"
    );
    for no in existing {
        assert!(s.get_filing(&no).await.unwrap().is_some());
    }
    let _ = std::fs::remove_dir_all(dir);
}
