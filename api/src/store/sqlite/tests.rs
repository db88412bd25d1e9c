use super::*;

/// A data directory of its own, removed when the test ends.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("anbei-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        TempDir(dir)
    }
    fn db(&self) -> std::path::PathBuf {
        self.0.join("db.sqlite3")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn sealer() -> Arc<dyn Sealer> {
    Arc::new(crate::signing::Signer::from_seed([7; 32]))
}

/// A new store (the server's: it numbers) in a directory of its own.
fn temp_store(tag: &str) -> (TempDir, SqliteStore) {
    let dir = TempDir::new(tag);
    let store = SqliteStore::open(&dir.db(), sealer(), false).unwrap();
    (dir, store)
}

fn upload(id: &str) -> UploadMeta {
    UploadMeta {
        upload_id: id.to_owned(),
        sha256: "0".repeat(64),
        size: 1,
        content_type: "application/pdf".into(),
        created_at: "2026-11-23T10:00:00+08:00".into(),
    }
}

/// One write of a group fails after it has written: the group is rolled back and run again with a
/// savepoint per write, so its own row is gone while every other write of the group is committed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_write_takes_nothing_else_of_its_group_with_it() {
    let (_dir, store) = temp_store("group");
    // Hold the writer so that everything below queues up and forms one group.
    let hold = store.write(|_| {
        std::thread::sleep(std::time::Duration::from_millis(200));
        Ok(())
    });
    let mut before = Vec::new();
    for i in 0..20 {
        before.push(store.put_upload(upload(&format!("u-before-{i}"))));
    }
    let failing = store.write(|c| {
        c.execute(
            "INSERT INTO uploads (id, sha256, size, content_type, created_at) VALUES ('u-failing', 'x', 1, 'application/pdf', 'now')",
            [],
        )
        .map_err(db)?;
        Err::<(), _>(StoreError::Conflict)
    });
    let mut after = Vec::new();
    for i in 0..20 {
        after.push(store.put_upload(upload(&format!("u-after-{i}"))));
    }
    hold.await.unwrap();
    for f in before.into_iter().chain(after) {
        f.await.unwrap();
    }
    assert!(matches!(failing.await, Err(StoreError::Conflict)));
    assert!(
        store.get_upload("u-failing").await.unwrap().is_none(),
        "the failed write left its row"
    );
    for i in 0..20 {
        for side in ["before", "after"] {
            let id = format!("u-{side}-{i}");
            assert!(
                store.get_upload(&id).await.unwrap().is_some(),
                "{id} was lost with the failed write"
            );
        }
    }
}

async fn file(store: &Arc<SqliteStore>, key: &str) -> (String, String) {
    match store.create_filing(NewFiling::example(key)).await.unwrap() {
        Created::New(r) => (r.filing_no.clone(), r.receipt.unwrap().receipt_no),
        Created::Existing { .. } => panic!("{key} was new"),
    }
}

/// Numbers handed out in memory: concurrent filings get distinct consecutive numbers; after a
/// restart the series goes on after the highest committed number (also one only the legacy
/// `counters` table knows), never reusing one; a replay gives back the numbers it took unless
/// another filing went past them; a store opened with shared access cannot file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn numbers_are_unique_and_go_on_after_a_restart() {
    let (dir, store) = temp_store("numbers");
    let path = dir.db();
    let store = Arc::new(store);
    let mut tasks = Vec::new();
    for i in 0..50 {
        let s = store.clone();
        tasks.push(tokio::spawn(
            async move { file(&s, &format!("k{i}")).await },
        ));
    }
    let mut got = Vec::new();
    for t in tasks {
        got.push(t.await.unwrap());
    }
    let mut filings: Vec<String> = got.iter().map(|g| g.0.clone()).collect();
    let mut receipts: Vec<String> = got.iter().map(|g| g.1.clone()).collect();
    filings.sort();
    receipts.sort();
    let want_f: Vec<String> = (1..=50)
        .map(|n| format!("F-bantian-20261123-{n:06}"))
        .collect();
    let want_r: Vec<String> = (1..=50)
        .map(|n| format!("LG-bantian-20261123-{n:06}"))
        .collect();
    assert_eq!(filings, want_f);
    assert_eq!(receipts, want_r);
    let shared = Arc::new(SqliteStore::open(&path, sealer(), true).unwrap());
    assert!(matches!(
        shared.create_filing(NewFiling::example("shared")).await,
        Err(StoreError::Db(_))
    ));
    drop(shared);
    drop(store);
    // A database from before in-memory numbering counted receipts up to 70 in `counters`.
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute("INSERT INTO counters (kind, street, day, value) VALUES ('R', 'bantian', '20261123', 70)", [])
        .unwrap();
    let store = Arc::new(SqliteStore::open(&path, sealer(), false).unwrap());
    assert_eq!(
        file(&store, "after-restart").await,
        (
            "F-bantian-20261123-000051".to_owned(),
            "LG-bantian-20261123-000071".to_owned()
        )
    );
    // A replay sent straight to the insert gives its numbers back...
    assert!(matches!(
        store.create_filing(NewFiling::example("k7")).await.unwrap(),
        Created::Existing { .. }
    ));
    assert_eq!(
        file(&store, "after-replay").await,
        (
            "F-bantian-20261123-000052".to_owned(),
            "LG-bantian-20261123-000072".to_owned()
        )
    );
    // ...but never one that another filing has gone past: that stays a gap, never a duplicate.
    let numbers = store.numbers.as_ref().unwrap();
    let taken = store
        .next_number(Kind::Receipt, "bantian", "20261123")
        .unwrap();
    assert_eq!(taken, 73);
    assert_eq!(
        store
            .next_number(Kind::Receipt, "bantian", "20261123")
            .unwrap(),
        74
    );
    numbers.give_back(Kind::Receipt, "bantian", "20261123", taken);
    assert_eq!(
        store
            .next_number(Kind::Receipt, "bantian", "20261123")
            .unwrap(),
        75
    );
}

/// Every page of the ledger, from the start: (filing numbers in order, rows per page).
async fn walk_ledger(store: &SqliteStore, filter: &ListFilter) -> (Vec<String>, Vec<usize>) {
    let (mut rows, mut sizes, mut after) = (Vec::new(), Vec::new(), None);
    loop {
        let page = store
            .ledger_page(filter.clone(), after, LEDGER_PAGE)
            .await
            .unwrap();
        sizes.push(page.entries.len());
        rows.extend(page.entries.into_iter().map(|e| e.filing_no));
        match page.next {
            Some(n) => after = Some(n),
            None => return (rows, sizes),
        }
    }
}

/// A ledger page looks at no more than LEDGER_SCAN filings, whatever the filter: where the rows a
/// filter matches lie beyond that, the page comes back empty with a cursor to go on from (not after
/// a scan of the whole table, holding its snapshot). Walked to the end, the pages hold every
/// matching filing exactly once, in order, never more than LEDGER_PAGE at a time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ledger_pages_look_at_a_bounded_window() {
    let (_dir, store) = temp_store("ledger");
    let store = Arc::new(store);
    let n = 2 * LEDGER_SCAN as usize + 500;
    let mut tasks = Vec::new();
    for i in 0..n {
        let s = store.clone();
        let mut f = NewFiling::example(&format!("ledger-{i}"));
        // Every tenth in another street, whose numbers sort after all of bantian's.
        if i % 10 == 0 {
            f.street = "nanwan".into();
        }
        if i >= n - 150 {
            f.filed_on = "2026-12-01".into();
        }
        tasks.push(tokio::spawn(async move {
            match s.create_filing(f).await.unwrap() {
                Created::New(r) => (r.filing_no, r.street, r.filed_on),
                Created::Existing { .. } => panic!("a new key was a replay"),
            }
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.push(t.await.unwrap());
    }
    all.sort();
    let expect = |keep: &dyn Fn(&(String, String, String)) -> bool| -> Vec<String> {
        all.iter()
            .filter(|r| keep(r))
            .map(|r| r.0.clone())
            .collect()
    };
    let street = |s: &str| ListFilter {
        street: Some(s.into()),
        ..ListFilter::default()
    };

    let (rows, sizes) = walk_ledger(&store, &ListFilter::default()).await;
    assert_eq!(rows, expect(&|_| true));
    assert!(
        sizes.iter().all(|&k| k <= LEDGER_PAGE as usize),
        "{sizes:?}"
    );

    // nanwan's 250 filings all sort after bantian's 2,250: the first pages see none of them.
    let (rows, sizes) = walk_ledger(&store, &street("nanwan")).await;
    assert_eq!(rows, expect(&|r| r.1 == "nanwan"));
    assert_eq!(&sizes[..2], &[0, 0], "{sizes:?}");
    assert!(
        sizes.iter().all(|&k| k <= LEDGER_PAGE as usize),
        "{sizes:?}"
    );

    let from = ListFilter {
        from: Some("2026-12-01".into()),
        ..ListFilter::default()
    };
    let (rows, _) = walk_ledger(&store, &from).await;
    assert_eq!(rows, expect(&|r| r.2.as_str() >= "2026-12-01"));
    assert_eq!(rows.len(), 150);
    let (rows, _) = walk_ledger(&store, &street("bantian")).await;
    assert_eq!(rows, expect(&|r| r.1 == "bantian"));
    let (rows, sizes) = walk_ledger(&store, &street("pingdi")).await;
    assert!(rows.is_empty());
    assert_eq!(sizes.len(), 3, "{sizes:?}");
}

/// Under continuous writes the WAL still starts over: it holds only the frames since the last
/// checkpoint, not everything ever written (it grew to 1.7 GB in a 60 s benchmark before).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wal_starts_over_under_continuous_writes() {
    let (_dir, store) = temp_store("wal");
    let until = std::time::Instant::now() + 8 * group::WRITER_CHECKPOINT_EVERY;
    let mut commits = 0u64;
    while std::time::Instant::now() < until {
        // One write at a time: each is a group and a COMMIT of its own (≥ 2 WAL frames).
        store
            .put_upload(upload(&format!("w-{commits}")))
            .await
            .unwrap();
        commits += 1;
    }
    // The frame count comes with a checkpoint attempt; it is -1 while another checkpoint (the
    // checkpoint thread's or the writer's) holds the lock: ask again.
    let mut frames = -1i64;
    for _ in 0..200 {
        frames = store
            .read_now(|c| {
                c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1))
                    .map_err(db)
            })
            .await
            .unwrap();
        if frames >= 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    assert!(
        frames >= 0,
        "no frame count: the checkpoint lock was never free"
    );
    assert!(commits > 100, "too few writes to tell ({commits})");
    // Never started over: ≥ 2 frames per commit. Started over every checkpoint period: about a
    // quarter of that at most.
    assert!(
        (frames as u64) < commits,
        "the WAL holds {frames} frames after {commits} commits: it never started over"
    );
}

/// A group whose writes all succeed commits them together (no savepoints needed).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_of_good_writes_commits_all_of_them() {
    let (_dir, store) = temp_store("group-ok");
    let futs: Vec<_> = (0..300)
        .map(|i| store.put_upload(upload(&format!("ok-{i}"))))
        .collect();
    for f in futs {
        f.await.unwrap();
    }
    let n: i64 = store
        .read_now(|c| {
            c.query_row("SELECT count(*) FROM uploads", [], |r| r.get(0))
                .map_err(db)
        })
        .await
        .unwrap();
    assert_eq!(n, 300);
}
