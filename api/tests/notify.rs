//! Notifications (issue 15, rules.md §11) on SQLite and PostgreSQL against real components: the outbox
//! row commits with its state change (and a change that fails writes none), the worker delivers to a
//! webhook receiver running here on 127.0.0.1:0 with a signature checked independently, retries after
//! the receiver fails (same id, attempts counted), reminders follow the injected clock, and e-mail goes
//! to a real SMTP server (aiosmtpd, `tests/notify/smtp_sink.py`), in plain text and under STARTTLS.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use anbei_api::notify::webhook::WebhookConfig;
use anbei_api::store::{FilingUpdate, OutboxDraft, OutboxFilter, OutboxRow, Status, StoreError};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use common::*;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

both_backends!(
    a_state_change_writes_its_outbox_row_in_its_transaction,
    the_webhook_gets_each_event_signed,
    a_failed_delivery_is_retried_with_the_same_id,
    reminders_follow_the_clock_and_drop_when_they_no_longer_apply,
    concurrent_claims_never_share_a_row_and_an_expired_lease_is_claimed_again,
    a_finding_and_the_decision_on_its_rectification_reach_the_applicant,
    the_completion_reminder_goes_out_on_planned_end_unless_cancelled,
    the_rectification_reminder_goes_out_on_rectify_by_unless_answered,
    officers_are_reminded_of_an_inspection_due_then_overdue_unless_done,
    officers_are_reminded_of_overdue_rectifications_and_same_day_referrals_until_made,
);

const SECRET: &str = "test-webhook-secret-0123456789";

/// What the receiver got: the signature header and the body.
#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<(String, Bytes)>>>,
    /// Statuses to answer with, in order; 200 once they run out.
    answers: Arc<Mutex<VecDeque<u16>>>,
}

async fn hook(State(r): State<Receiver>, h: HeaderMap, body: Bytes) -> StatusCode {
    let sig = h
        .get("anbei-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    r.got.lock().unwrap().push((sig, body));
    let code = r.answers.lock().unwrap().pop_front().unwrap_or(200);
    StatusCode::from_u16(code).unwrap()
}

impl Receiver {
    /// A receiver on 127.0.0.1:0; its URL.
    async fn start(answers: &[u16]) -> (Receiver, String) {
        let r = Receiver::default();
        r.answers.lock().unwrap().extend(answers);
        let app = axum::Router::new()
            .route("/hook", axum::routing::post(hook))
            .with_state(r.clone());
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", l.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(l, app).await });
        (r, url)
    }

    /// The events received so far, each checked against its signature.
    fn events(&self) -> Vec<Value> {
        self.got
            .lock()
            .unwrap()
            .iter()
            .map(|(sig, body)| {
                verify(sig, body);
                serde_json::from_slice(body).unwrap()
            })
            .collect()
    }

    /// Waits (up to 10 s) for an event of `kind` and returns it.
    async fn wait_for(&self, kind: &str) -> Value {
        self.wait_for_where(kind, |_| true).await
    }

    /// Waits (up to 10 s) for an event of `kind` satisfying `ok` and returns it.
    async fn wait_for_where(&self, kind: &str, ok: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(e) = self
                .events()
                .into_iter()
                .find(|e| e["type"] == kind && ok(e))
            {
                return e;
            }
            assert!(
                Instant::now() < deadline,
                "no {kind} event: {:?}",
                self.events()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Checks `Anbei-Signature: t=…,v1=…` as a receiver would: HMAC-SHA256 of "t.body" under the secret.
fn verify(sig: &str, body: &[u8]) {
    let (t, v1) = sig
        .strip_prefix("t=")
        .and_then(|s| s.split_once(",v1="))
        .unwrap_or_else(|| panic!("signature header {sig:?}"));
    let mut m = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    m.update(t.as_bytes());
    m.update(b".");
    m.update(body);
    let want: String = m
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(v1, want, "signature of {}", String::from_utf8_lossy(body));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!((now - t.parse::<i64>().unwrap()).abs() < 300, "t is now");
}

async fn with_webhook(b: Backend, answers: &[u16]) -> (TestApp, Receiver) {
    let (r, url) = Receiver::start(answers).await;
    let app = spawn_with(b, |cfg| {
        cfg.notify.webhook = Some(WebhookConfig::parse(&url, SECRET, None).unwrap());
    })
    .await;
    (app, r)
}

async fn outbox(app: &TestApp, filing_no: &str) -> Vec<OutboxRow> {
    app.state
        .store
        .outbox_list(OutboxFilter {
            filing_no: Some(filing_no.into()),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap()
}

/// Waits (up to 10 s) until the row of `kind` satisfies `ok`.
async fn wait_row(
    app: &TestApp,
    no: &str,
    kind: &str,
    ok: impl Fn(&OutboxRow) -> bool,
) -> OutboxRow {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let rows = outbox(app, no).await;
        if let Some(r) = rows.iter().find(|r| r.kind == kind && ok(r)) {
            return r.clone();
        }
        assert!(Instant::now() < deadline, "{kind}: {rows:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn kinds(rows: &[OutboxRow]) -> Vec<&str> {
    let mut v: Vec<&str> = rows.iter().map(|r| r.kind.as_str()).collect();
    v.sort_unstable();
    v
}

/// 依据：rules.md §11 ("delivery is at least once through an outbox"): the row commits with the change
/// and only with it.
async fn a_state_change_writes_its_outbox_row_in_its_transaction(b: Backend) {
    let app = spawn(b).await; // no channel: rows stay pending, nothing is sent
    let a = app.file_complete("ob-1", ordinary_facts()).await;
    let no = a["filing_no"].as_str().unwrap();
    let rows = outbox(&app, no).await;
    // 快速受理: registered (its reminders follow in the same row once it is sent).
    assert_eq!(kinds(&rows), ["registered"]);
    for r in &rows {
        assert!(r.id.starts_with("evt_") && r.id.len() == 36, "{}", r.id);
        assert_eq!((r.state.as_str(), r.attempts), ("pending", 0));
        assert_eq!(
            (r.street.as_str(), r.status.as_str(), r.lang.as_str()),
            ("bantian", "registered", "zh-CN")
        );
    }
    let reg = rows.iter().find(|r| r.kind == "registered").unwrap();
    assert!(
        !reg.payload.contains("anb_a_"),
        "the access code is never stored in the outbox"
    );

    // A high-risk filing waits for the street: `filed` for the applicant, `officer_filing_awaiting` for
    // the street's officers (rules.md §11, in the office's language); the officer returns it: `returned`.
    let h = app.file_complete("ob-2", high_risk_facts()).await;
    let hno = h["filing_no"].as_str().unwrap();
    let rows = outbox(&app, hno).await;
    assert_eq!(kinds(&rows), ["filed", "officer_filing_awaiting"]);
    let awaiting = rows
        .iter()
        .find(|r| r.kind == "officer_filing_awaiting")
        .unwrap();
    assert_eq!(awaiting.lang, "zh-CN");
    assert!(!awaiting.payload.contains("access_code"));
    let officer = app.officer("bantian", "officer").await;
    let changes = json!({"changes": [{"field": "workers.0.certificate_no", "message": {"zh": "证书编号看不清"}}]});
    let (st, _) = app
        .post(
            &format!("/api/v1/registrations/{hno}/return"),
            Some(&officer),
            &changes,
        )
        .await;
    assert_eq!(st, 200);
    assert_eq!(
        kinds(&outbox(&app, hno).await),
        ["filed", "officer_filing_awaiting", "returned"]
    );

    // A change refused by the lifecycle (409) writes nothing.
    let (st, _) = app
        .post(
            &format!("/api/v1/registrations/{hno}/return"),
            Some(&officer),
            &changes,
        )
        .await;
    assert_eq!(st, 409);
    assert_eq!(outbox(&app, hno).await.len(), 3);

    // A change the store rolls back (a concurrent update: stale version) takes its outbox row with it.
    let rec = app.state.store.get_filing(hno).await.unwrap().unwrap();
    let event = rec.events.last().unwrap().clone();
    let mut u = FilingUpdate::new(
        &rec,
        Status::Refused,
        "2026-11-23T10:00:00+08:00".into(),
        event,
    );
    u.expected_version = rec.version - 1;
    u.outbox = vec![OutboxDraft {
        id: "evt_rolled_back".into(),
        kind: "refused".into(),
        occurred_at: "2026-11-23T10:00:00+08:00".into(),
        street: "bantian".into(),
        status: Status::Refused,
        lang: "zh-CN".into(),
        payload: "{}".into(),
        deliver_after_ms: 0,
    }];
    assert!(matches!(
        app.state.store.update_filing(u).await,
        Err(StoreError::Conflict)
    ));
    assert!(
        app.sql("SELECT id FROM outbox WHERE id = 'evt_rolled_back'")
            .await
            .is_empty()
    );

    // A replayed Idempotency-Key stores nothing new, outbox included.
    let body = app.filing(ordinary_facts()).await;
    let (st, _) = app.file("ob-1", &body).await;
    assert!(st == 201 || st == 422, "{st}");
    assert_eq!(outbox(&app, no).await.len(), 1);
}

/// 依据：rules.md §11 — a signed webhook: `Anbei-Signature: t=…,v1=HMAC-SHA256("t.body")`, the
/// event's fields, its texts in the applicant's language, the access code on the first one.
async fn the_webhook_gets_each_event_signed(b: Backend) {
    let (app, r) = with_webhook(b, &[]).await;
    let t0 = Instant::now();
    let a = app.file_complete("wh-1", ordinary_facts()).await;
    let no = a["filing_no"].as_str().unwrap();
    let e = r.wait_for("registered").await;
    assert!(
        t0.elapsed() < Duration::from_secs(2),
        "delivered within 2 s: {:?}",
        t0.elapsed()
    );
    assert!(e["id"].as_str().unwrap().starts_with("evt_"));
    assert_eq!(e["filing_no"], no);
    assert_eq!(e["street"], "bantian");
    assert_eq!(e["status"], "registered");
    assert_eq!(e["lang"], "zh-CN");
    assert_eq!(e["receipt_no"], a["receipt"]["receipt_no"]);
    assert_eq!(
        e["access_code"], a["access_token"],
        "the access code, sent by notification"
    );
    assert!(
        e["print_url"]
            .as_str()
            .unwrap()
            .starts_with("https://anbei.test/receipts/LG-bantian-")
    );
    let subject = e["subject"].as_str().unwrap();
    assert_eq!(subject, format!("【安备】登记成功：{no}"));
    let text = e["text"].as_str().unwrap();
    assert!(
        text.contains("坂田") && text.contains("当前状态：已登记"),
        "{text}"
    );
    assert!(
        text.contains("有效期至：2027年5月23日"),
        "dates as people read them: {text}"
    );
    assert!(
        !text.contains("：bantian") && !text.contains("registered"),
        "{text}"
    );
    // Sent, the row becomes the first reminder (the planned completion, 2027-02-28, comes before the
    // extension window): a new event with its own id, due later.
    let row = wait_row(&app, no, "cancellation_due", |_| true).await;
    assert_eq!(
        (row.state.as_str(), row.webhook_state.as_str(), row.attempts),
        ("pending", "pending", 0)
    );
    assert_ne!(row.id, e["id"].as_str().unwrap());

    // In English when the filing asks for it; a refusal says its reason and article.
    let mut body = app.filing(high_risk_facts()).await;
    body["lang"] = json!("en");
    let (st, h) = app.file("wh-2", &body).await;
    assert_eq!(st, 201, "{h}");
    let hno = h["filing_no"].as_str().unwrap();
    let filed = r.wait_for("filed").await;
    assert_eq!(filed["lang"], "en");
    assert_eq!(filed["subject"], format!("[Anbei] filing received: {hno}"));
    assert!(filed["acceptance_due"].is_string());
    let text = filed["text"].as_str().unwrap();
    assert!(
        text.contains("Status: awaiting the street office's answer"),
        "{text}"
    );
    assert!(text.contains("Street: Bantian Subdistrict"), "{text}");
    let officer = app.officer("bantian", "officer").await;
    let (st, _) = app
        .post(
            &format!("/api/v1/registrations/{hno}/refusal"),
            Some(&officer),
            &json!({"reason": "需要施工许可证", "article": "第六条"}),
        )
        .await;
    assert_eq!(st, 200);
    let refused = r.wait_for("refused").await;
    assert_eq!(refused["reason"], "需要施工许可证");
    assert_eq!(refused["article"], "第六条");
    assert!(
        refused["text"]
            .as_str()
            .unwrap()
            .contains("Reason: 需要施工许可证")
    );
    assert!(
        refused.get("access_code").is_none(),
        "only the first notification carries it"
    );
    let ids: std::collections::HashSet<String> = r
        .events()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), r.events().len(), "distinct events, distinct ids");
}

/// 依据：rules.md §11 — at least once: a receiver that fails gets the same event again, same id.
async fn a_failed_delivery_is_retried_with_the_same_id(b: Backend) {
    let (app, r) = with_webhook(b, &[500]).await;
    let a = app.file_complete("rt-1", ordinary_facts()).await;
    let no = a["filing_no"].as_str().unwrap();
    let row = wait_row(&app, no, "registered", |r| {
        r.attempts == 1 && r.lease_until_ms == 0
    })
    .await;
    assert_eq!(row.state, "pending");
    assert_eq!(row.webhook_state, "pending");
    assert_eq!(row.last_error.as_deref(), Some("webhook: HTTP status 500"));
    assert!(row.next_attempt_ms > app.clock_ms(), "backed off");
    // The backoff passes (the injected clock): delivered on the next look, same id.
    app.clock.advance_ms(2_000);
    wait_row(&app, no, "cancellation_due", |_| true).await;
    let got: Vec<Value> = r
        .events()
        .into_iter()
        .filter(|e| e["type"] == "registered")
        .collect();
    assert_eq!(got.len(), 2);
    assert_eq!(
        got[0]["id"], got[1]["id"],
        "a redelivery reuses the event id"
    );
    assert_eq!(
        got[0]["id"].as_str(),
        Some(row.id.as_str()),
        "attempt 1's row"
    );
}

/// 依据：第二十五条, 第三十三条, rules.md §3.7 and §11 — the extension window opens on valid_until − 14
/// days; a planned completion inside the window is reminded in date order between the window and the
/// last day; a reminder that no longer applies (revoked) is dropped, not sent.
async fn reminders_follow_the_clock_and_drop_when_they_no_longer_apply(b: Backend) {
    let (app, r) = with_webhook(b, &[]).await;
    let mut body = app.filing(ordinary_facts()).await;
    body["planned_end"] = json!("2027-05-15");
    let (st, a) = app.file("rm-1", &body).await;
    assert_eq!(st, 201, "{a}");
    let no = a["filing_no"].as_str().unwrap();
    assert_eq!(a["receipt"]["valid_until"], "2027-05-23");
    r.wait_for("registered").await;
    let window = wait_row(&app, no, "extension_window_opens", |_| true).await;
    assert_eq!(window.state, "pending");
    assert_eq!(
        anbei_api::clock::rfc3339(window.deliver_after_ms),
        "2027-05-09T09:00:00.000+08:00"
    );
    // The day before: nothing yet.
    app.set_today("2027-05-08");
    tokio::time::sleep(anbei_api::notify::POLL * 2).await;
    assert!(
        r.events()
            .iter()
            .all(|e| e["type"] != "extension_window_opens")
    );
    // The day it opens (10:00 in Shanghai): sent.
    app.set_today("2027-05-09");
    let e = r.wait_for("extension_window_opens").await;
    assert_eq!(e["valid_until"], "2027-05-23");
    assert_eq!(e["extension_window_start"], "2027-05-09");
    assert!(
        e["text"]
            .as_str()
            .unwrap()
            .contains("自 2027年5月9日起可以申请延期"),
        "{e}"
    );
    // Sent, the reminder row becomes the planned completion's (2027-05-15, inside the window): a new
    // event, a new id.
    let done = wait_row(&app, no, "cancellation_due", |_| true).await;
    assert_ne!(done.id, e["id"].as_str().unwrap());
    assert_eq!(
        anbei_api::clock::rfc3339(done.deliver_after_ms),
        "2027-05-15T09:00:00.000+08:00"
    );
    app.set_today("2027-05-15");
    let c = r.wait_for("cancellation_due").await;
    // 2027-05-15 is a Saturday: Monday to Wednesday (no 2027 holiday table yet: provisional).
    assert_eq!(c["cancellation_due"], "2027-05-19");
    assert_eq!(c["calendar_provisional"], true);
    // Then the last day's.
    let next = wait_row(&app, no, "valid_until_reached", |_| true).await;
    assert_ne!(next.id, c["id"].as_str().unwrap());
    assert_eq!((next.state.as_str(), next.attempts), ("pending", 0));
    assert_eq!(
        anbei_api::clock::rfc3339(next.deliver_after_ms),
        "2027-05-23T09:00:00.000+08:00"
    );
    // Revoked: the last-day reminder no longer applies.
    let officer = app.officer("bantian", "officer").await;
    let (st, _) = app
        .post(
            &format!("/api/v1/registrations/{no}/revocation"),
            Some(&officer),
            &json!({"reason": "超出登记范围施工", "ground": "beyond_scope"}),
        )
        .await;
    assert_eq!(st, 200);
    let revoked = r.wait_for("revoked").await;
    assert_eq!(revoked["ground"], "beyond_scope");
    assert_eq!(revoked["article"], "第二十五条");
    app.set_today("2027-05-23");
    let last = wait_row(&app, no, "valid_until_reached", |r| r.state != "pending").await;
    assert_eq!(last.state, "dropped");
    assert!(
        r.events()
            .iter()
            .all(|e| e["type"] != "valid_until_reached")
    );
}

/// Several workers (instances) claiming at once never get the same row (PostgreSQL: `FOR UPDATE SKIP
/// LOCKED`); a row whose worker died is claimed again once its lease has expired, its attempt counted.
async fn concurrent_claims_never_share_a_row_and_an_expired_lease_is_claimed_again(b: Backend) {
    let app = spawn(b).await; // no channel, no worker: the test claims by hand
    for i in 0..6 {
        app.file_complete(&format!("cl-{i}"), ordinary_facts())
            .await;
    }
    let now = app.clock_ms();
    let lease = now + anbei_api::notify::LEASE_MS;
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let store = app.state.store.clone();
        set.spawn(async move { store.outbox_claim(now, lease, 2).await.unwrap() });
    }
    let mut ids = Vec::new();
    while let Some(r) = set.join_next().await {
        ids.extend(r.unwrap().into_iter().map(|r| (r.id, r.attempts)));
    }
    let distinct: std::collections::HashSet<_> = ids.iter().map(|(i, _)| i.clone()).collect();
    assert_eq!(
        ids.len(),
        6,
        "the six due rows (reminders are not due): {ids:?}"
    );
    assert_eq!(distinct.len(), 6, "no row claimed twice");
    assert!(ids.iter().all(|(_, a)| *a == 1));
    // Leased: nobody else gets them …
    assert!(
        app.state
            .store
            .outbox_claim(now + 1000, lease, 10)
            .await
            .unwrap()
            .is_empty()
    );
    // … until the lease expires (the worker holding them died): claimed again, second attempt.
    let again = app
        .state
        .store
        .outbox_claim(lease, lease + anbei_api::notify::LEASE_MS, 10)
        .await
        .unwrap();
    assert_eq!(again.len(), 6);
    assert!(
        again
            .iter()
            .all(|r| r.attempts == 2 && distinct.contains(&r.id))
    );
}

// E-mail: a real SMTP server (aiosmtpd), SQLite only (the delivery path does not depend on the backend).

/// The SMTP sink: its port, its output file, and the process (ended when dropped).
struct Sink {
    port: u16,
    out: std::path::PathBuf,
    child: std::process::Child,
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn python() -> std::path::PathBuf {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let venv = root.join("tools/venv/bin/python");
    assert!(
        venv.exists(),
        "aiosmtpd is needed for the e-mail tests: run scripts/setup.sh (it installs tools/venv)"
    );
    venv
}

fn start_sink(dir: &std::path::Path, tls: Option<(&std::path::Path, &std::path::Path)>) -> Sink {
    use std::io::BufRead;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = dir.join("mail.jsonl");
    let mut cmd = std::process::Command::new(python());
    cmd.arg(root.join("tests/notify/smtp_sink.py")).arg(&out);
    if let Some((cert, key)) = tls {
        cmd.arg("--cert").arg(cert).arg("--key").arg(key);
    }
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line.trim().strip_prefix("PORT ").unwrap().parse().unwrap();
    Sink { port, out, child }
}

impl Sink {
    async fn wait_mail(&self, n: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let text = std::fs::read_to_string(&self.out).unwrap_or_default();
            let mails: Vec<Value> = text
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            if mails.len() >= n {
                return mails;
            }
            assert!(Instant::now() < deadline, "no mail: {text}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

fn temp_dir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!(
        "anbei-notify-{tag}-{}-{}",
        std::process::id(),
        Instant::now().elapsed().as_nanos()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

async fn mail_test(tls: bool) {
    let dir = temp_dir(if tls { "tls" } else { "plain" });
    let (sink, host, ca) = if tls {
        let ca = make_certs(&dir);
        let s = start_sink(
            &dir,
            Some((&dir.join("server.pem"), &dir.join("server.key"))),
        );
        (s, "localhost", Some(ca))
    } else {
        (start_sink(&dir, None), "127.0.0.1", None)
    };
    let url = format!("smtp://{host}:{}", sink.port);
    let app = spawn_with(Backend::Sqlite, |cfg| {
        cfg.notify.smtp = Some(
            anbei_api::notify::smtp::SmtpConfig::parse(&url, "noreply@anbei.example.cn", ca)
                .unwrap(),
        );
    })
    .await;
    let mut body = app.filing(ordinary_facts()).await;
    body["applicant"]["email"] = json!("Zhang.San@Example.com");
    let (st, a) = app.file("mail-1", &body).await;
    assert_eq!(st, 201, "{a}");
    let no = a["filing_no"].as_str().unwrap();
    let mails = sink.wait_mail(1).await;
    let m = &mails[0];
    assert_eq!(m["rcpt_tos"], json!(["Zhang.San@example.com"]));
    assert_eq!(m["mail_from"], "noreply@anbei.example.cn");
    assert_eq!(m["subject"], format!("【安备】登记成功：{no}"));
    assert_eq!(
        (m["content_type"].as_str(), m["charset"].as_str()),
        (Some("text/plain"), Some("utf-8"))
    );
    let text = m["body"].as_str().unwrap();
    assert!(text.contains("登记回执编号：LG-bantian-"), "{text}");
    assert!(text.contains("有效期至：2027年5月23日"), "{text}");
    assert!(
        text.contains(a["access_token"].as_str().unwrap()),
        "the access code: {text}"
    );
    assert_eq!(m["tls"], json!(tls));
    let mid = m["message_id"].as_str().unwrap();
    assert!(
        mid.starts_with("<evt_") && mid.ends_with("@anbei.invalid>"),
        "{mid}"
    );
    // Sent: the row went on to the first reminder (the planned completion's).
    wait_row(&app, no, "cancellation_due", |_| true).await;
    // The e-mail address is masked where the public sees the registration.
    let (_, v) = app
        .get(
            &app.with_code(&format!(
                "/api/v1/receipts/{}/verify",
                a["receipt"]["receipt_no"].as_str().unwrap()
            ))
            .await,
            None,
        )
        .await;
    assert_eq!(v["filing_no"], no);
    assert!(!v.to_string().contains("Zhang.San@"), "{v}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A private CA and a server certificate for `localhost` signed by it (openssl at test time); the CA's
/// PEM path.
fn make_certs(dir: &std::path::Path) -> std::path::PathBuf {
    let run = |args: &[&str]| {
        let st = std::process::Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(st.success(), "openssl {args:?}");
    };
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=Anbei test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    ]);
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
    ]);
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
        "-out",
        "server.pem",
    ]);
    dir.join("ca.pem")
}

/// 依据：rules.md §11 — e-mail (SMTP) when the filing carries an address: recipient, subject and the
/// Chinese text arrive at a real SMTP server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_email_reaches_a_real_smtp_server() {
    mail_test(false).await;
}

/// STARTTLS when the server offers it, the server's certificate checked against --smtp-ca-file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_email_goes_under_starttls_to_a_server_of_a_private_ca() {
    mail_test(true).await;
}

/// A password is never sent to a server that does not offer STARTTLS.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_are_refused_over_plain_text() {
    let dir = temp_dir("creds");
    let sink = start_sink(&dir, None);
    let url = format!("smtp://user:secret@127.0.0.1:{}", sink.port);
    let app = spawn_with(Backend::Sqlite, |cfg| {
        cfg.notify.smtp = Some(
            anbei_api::notify::smtp::SmtpConfig::parse(&url, "noreply@anbei.example.cn", None)
                .unwrap(),
        );
    })
    .await;
    let mut body = app.filing(ordinary_facts()).await;
    body["applicant"]["email"] = json!("zhang.san@example.com");
    let (_, a) = app.file("creds-1", &body).await;
    let no = a["filing_no"].as_str().unwrap();
    let row = wait_row(&app, no, "registered", |r| {
        r.attempts >= 1 && r.lease_until_ms == 0
    })
    .await;
    assert_eq!(row.state, "pending");
    assert!(
        row.last_error
            .as_deref()
            .unwrap()
            .contains("does not offer STARTTLS"),
        "{row:?}"
    );
    assert!(
        std::fs::read_to_string(&sink.out)
            .unwrap_or_default()
            .is_empty()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// An e-mail address the filing gives is checked, and the problem names the field.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_email_address_is_named_in_both_languages() {
    let app = spawn(Backend::Sqlite).await;
    let mut body = app.filing(ordinary_facts()).await;
    body["applicant"]["email"] = json!("zhang.san@");
    let (st, p) = app.file("bad-mail", &body).await;
    assert_eq!(st, 422, "{p}");
    assert_eq!(fields(&p), ["applicant.email"]);
    let e = &p["errors"][0];
    assert_eq!(e["rule"], "email");
    assert!(
        e["message"]["zh"].as_str().unwrap().contains("电子邮箱"),
        "{e}"
    );
    assert!(
        e["message"]["en"].as_str().unwrap().contains("e-mail"),
        "{e}"
    );
}

/// 依据：rules.md §11 ("each finding with its `rectify_by`, rectification accepted or rejected"),
/// 第三十条, 第三十四条: the management events of issue 14 go out like the others, in plain words.
async fn a_finding_and_the_decision_on_its_rectification_reach_the_applicant(b: Backend) {
    let (app, r) = with_webhook(b, &[]).await;
    let a = app.file_complete("wh-finding", ordinary_facts()).await;
    let no = a["filing_no"].as_str().unwrap();
    let token = a["access_token"].as_str().unwrap();
    let patrol = app.officer("bantian", "patrol").await;
    let path = format!("/api/v1/registrations/{no}/inspections");
    // The 422 of an empty record names every checklist item; answer them all `ok`.
    let (_, p) = app
        .post(
            &path,
            Some(&patrol),
            &json!({ "kind": "INSPECTION_PATROL" }),
        )
        .await;
    let items: Vec<Value> = unanswered_items(&p)
        .iter()
        .map(|code| json!({ "code": code, "answer": "ok" }))
        .collect();
    let (st, rec) = app
        .post(
            &path,
            Some(&patrol),
            &json!({ "kind": "INSPECTION_PATROL", "items": items,
                     "findings": [{ "code": "F_UNSAFE_PRACTICE", "note": "临边无防护" }] }),
        )
        .await;
    assert_eq!(st, 201, "{rec}");
    let fid = rec["inspection"]["findings"][0]["id"].as_str().unwrap();
    let e = r.wait_for("finding").await;
    assert_eq!(e["filing_no"], no);
    assert_eq!(e["rectify_by"], "2026-11-26");
    assert_eq!(e["finding_id"], fid);
    let text = e["text"].as_str().unwrap();
    assert!(text.contains("2026年11月26日前完成整改"), "{text}");
    assert!(
        !text.contains("F_UNSAFE_PRACTICE"),
        "the finding in words: {text}"
    );
    let fpath = format!("/api/v1/registrations/{no}/findings/{fid}");
    let (st, _) = app
        .post(
            &format!("{fpath}/rectification"),
            Some(token),
            &json!({ "note": "已加装护栏" }),
        )
        .await;
    assert_eq!(st, 201);
    let (st, _) = app
        .post(
            &format!("{fpath}/decision"),
            Some(&patrol),
            &json!({ "accept": false, "reason": "护栏高度不足" }),
        )
        .await;
    assert_eq!(st, 200);
    let e = r.wait_for("rectification_rejected").await;
    assert_eq!(e["reason"], "护栏高度不足");
    assert!(
        e["text"].as_str().unwrap().contains("理由：护栏高度不足"),
        "{e}"
    );
    wait_row(&app, no, "rectification_rejected", |r| r.state == "done").await;
}

/// Answers the checklist of a patrol of `no` all `ok` (the 422 of an empty record names every item)
/// and records `findings`; the recorded inspection.
async fn record_patrol(app: &TestApp, no: &str, findings: Value) -> Value {
    let patrol = app.officer("bantian", "patrol").await;
    let path = format!("/api/v1/registrations/{no}/inspections");
    let (_, p) = app
        .post(
            &path,
            Some(&patrol),
            &json!({ "kind": "INSPECTION_PATROL" }),
        )
        .await;
    let items: Vec<Value> = unanswered_items(&p)
        .iter()
        .map(|code| json!({ "code": code, "answer": "ok" }))
        .collect();
    let (st, rec) = app
        .post(
            &path,
            Some(&patrol),
            &json!({ "kind": "INSPECTION_PATROL", "items": items, "findings": findings }),
        )
        .await;
    assert_eq!(st, 201, "{rec}");
    rec
}

/// 依据：第三十三条 ("完工后3个工作日内及时申报注销"), rules.md §3.7 and §11 (`cancellation_due`): at 09:00 on
/// the planned completion the applicant is told to declare completion and cancel within the rule set's
/// working days, with the date in words, in the filing's language and without the access code — not
/// the day before, and not at all once the registration was cancelled.
async fn the_completion_reminder_goes_out_on_planned_end_unless_cancelled(b: Backend) {
    let (app, r) = with_webhook(b, &[]).await;
    // The fixture's planned_end: 2027-02-28 (a Sunday), before the extension window (2027-05-09).
    let zh = app.file_complete("cd-zh", ordinary_facts()).await;
    let zh_no = zh["filing_no"].as_str().unwrap();
    let mut body = app.filing(ordinary_facts()).await;
    body["lang"] = json!("en");
    let (st, en) = app.file("cd-en", &body).await;
    assert_eq!(st, 201, "{en}");
    let en_no = en["filing_no"].as_str().unwrap();
    let gone = app.file_complete("cd-gone", ordinary_facts()).await;
    let gone_no = gone["filing_no"].as_str().unwrap();
    for no in [zh_no, en_no, gone_no] {
        let row = wait_row(&app, no, "cancellation_due", |_| true).await;
        assert_eq!((row.state.as_str(), row.attempts), ("pending", 0));
        assert_eq!(
            anbei_api::clock::rfc3339(row.deliver_after_ms),
            "2027-02-28T09:00:00.000+08:00"
        );
    }
    // One of them finishes early and cancels (注销) now: its reminder no longer applies.
    let record = app.upload_pdf("waste").await;
    let (st, c) = app
        .post(
            &format!("/api/v1/registrations/{gone_no}/cancellation"),
            Some(gone["access_token"].as_str().unwrap()),
            &json!({ "completion_date": "2026-11-23", "waste_disposal_record": record }),
        )
        .await;
    assert_eq!(st, 200, "{c}");
    let d = r.wait_for("completion_declared").await;
    assert_eq!(d["status"], "completion_declared");
    let text = d["text"].as_str().unwrap();
    assert!(
        text.contains("已申报完工，待街道核实") && text.contains("现场核实完工"),
        "{text}"
    );
    assert!(!text.contains("2026-1"), "dates in words: {text}");
    // The day before: nothing yet.
    app.set_today("2027-02-27");
    tokio::time::sleep(anbei_api::notify::POLL * 2).await;
    assert!(r.events().iter().all(|e| e["type"] != "cancellation_due"));
    // On the day (10:00 in Shanghai): sent.
    app.set_today("2027-02-28");
    let e = r
        .wait_for_where("cancellation_due", |e| e["filing_no"] == zh_no)
        .await;
    assert_eq!(e["lang"], "zh-CN");
    assert_eq!(e["planned_end"], "2027-02-28");
    // Monday 1 … Wednesday 3 March (2027 has no holiday table yet: counted Monday–Friday, and said so).
    assert_eq!(e["cancellation_due"], "2027-03-03");
    assert_eq!(e["cancellation_working_days"], 3);
    assert_eq!(e["calendar_provisional"], true);
    assert_eq!(
        e["subject"],
        format!("【安备】完工后请及时申报注销：{zh_no}")
    );
    let text = e["text"].as_str().unwrap();
    assert!(
        text.contains("计划完工日期是今天（2027年2月28日）")
            && text.contains("3 个工作日内")
            && text.contains("请于 2027年3月3日前办理")
            && text.contains("建筑废弃物处置记录"),
        "{text}"
    );
    assert!(!text.contains("2027-0"), "dates in words: {text}");
    assert!(e.get("access_code").is_none(), "{e}");
    assert!(!text.contains(zh["access_token"].as_str().unwrap()));
    let e = r
        .wait_for_where("cancellation_due", |e| e["filing_no"] == en_no)
        .await;
    assert_eq!(
        e["subject"],
        format!("[Anbei] declare completion and cancel your registration: {en_no}")
    );
    let text = e["text"].as_str().unwrap();
    assert!(
        text.contains("today (28 February 2027)") && text.contains("by 3 March 2027"),
        "{text}"
    );
    assert!(!text.contains(en["access_token"].as_str().unwrap()));
    // The cancelled one: dropped, never sent.
    let dropped = wait_row(&app, gone_no, "cancellation_due", |r| r.state != "pending").await;
    assert_eq!(dropped.state, "dropped");
    assert!(
        r.events()
            .iter()
            .all(|e| !(e["type"] == "cancellation_due" && e["filing_no"] == gone_no))
    );
    // The others go on to the window's reminder, a new event with its own id.
    let next = wait_row(&app, zh_no, "extension_window_opens", |_| true).await;
    assert_eq!(
        anbei_api::clock::rfc3339(next.deliver_after_ms),
        "2027-05-09T09:00:00.000+08:00"
    );
    let ids: std::collections::HashSet<String> = r
        .events()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), r.events().len(), "distinct events, distinct ids");
}

/// 依据：第三十条, 第三十四条, rules.md §9.3 and §11: at 09:00 on an open finding's `rectify_by` the
/// applicant is reminded what to fix, by when and how to answer — not the day before; not once the
/// finding was answered; not at all when `rectify_by` is the finding's own day (its notice says it).
async fn the_rectification_reminder_goes_out_on_rectify_by_unless_answered(b: Backend) {
    let (app, r) = with_webhook(b, &[]).await;
    let a = app.file_complete("rd-1", ordinary_facts()).await;
    let no = a["filing_no"].as_str().unwrap();
    let token = a["access_token"].as_str().unwrap();
    let rec = record_patrol(
        &app,
        no,
        json!([
            { "code": "F_UNSAFE_PRACTICE", "note": "临边无防护" },
            { "code": "F_UNSAFE_PRACTICE", "note": "配电箱未上锁", "rectify_by": "2026-11-26" },
            { "code": "F_UNSAFE_PRACTICE", "note": "灭火器缺失", "rectify_by": "2026-11-23" },
        ]),
    )
    .await;
    let f: Vec<&str> = rec["inspection"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(f.len(), 3);
    // Each finding's event, once sent, becomes its reminder on rectify_by (2026-11-26: three working
    // days after 2026-11-23 by default) — except the one due the day it was found.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let rows = outbox(&app, no).await;
        let due: Vec<&OutboxRow> = rows
            .iter()
            .filter(|r| r.kind == "rectification_due")
            .collect();
        let findings_done = rows
            .iter()
            .filter(|r| r.kind == "finding" && r.state == "done")
            .count();
        if due.len() == 2 && findings_done == 1 {
            for row in due {
                assert_eq!((row.state.as_str(), row.attempts), ("pending", 0));
                assert_eq!(
                    anbei_api::clock::rfc3339(row.deliver_after_ms),
                    "2026-11-26T09:00:00.000+08:00"
                );
            }
            break;
        }
        assert!(Instant::now() < deadline, "{rows:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The applicant answers the second finding (photos and a note): its reminder no longer applies.
    let (st, v) = app
        .post(
            &format!("/api/v1/registrations/{no}/findings/{}/rectification", f[1]),
            Some(token),
            &json!({ "note": "已上锁" }),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    // The day before: nothing yet.
    app.set_today("2026-11-25");
    tokio::time::sleep(anbei_api::notify::POLL * 2).await;
    assert!(r.events().iter().all(|e| e["type"] != "rectification_due"));
    // On the day (10:00 in Shanghai): the open one is reminded.
    app.set_today("2026-11-26");
    let e = r.wait_for("rectification_due").await;
    assert_eq!(e["filing_no"], no);
    assert_eq!(e["finding_id"], f[0]);
    assert_eq!(e["finding"], "F_UNSAFE_PRACTICE");
    assert_eq!(e["rectify_by"], "2026-11-26");
    assert_eq!(e["note"], "临边无防护");
    assert_eq!(e["subject"], format!("【安备】今日为整改期限：{no}"));
    let text = e["text"].as_str().unwrap();
    assert!(
        text.contains("整改期限为今天（2026年11月26日）")
            && text.contains("查询办理进度")
            && text.contains("整改照片")
            && text.contains("检查记录：临边无防护"),
        "{text}"
    );
    assert!(
        !text.contains("F_UNSAFE_PRACTICE"),
        "the finding in words: {text}"
    );
    assert!(
        e.get("access_code").is_none() && !text.contains(token),
        "{e}"
    );
    // The answered one: dropped, never sent; the sent one's row is done (no further reminder).
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let rows = outbox(&app, no).await;
        let states: Vec<&str> = rows
            .iter()
            .filter(|r| r.kind == "rectification_due")
            .map(|r| r.state.as_str())
            .collect();
        if states.iter().all(|s| *s != "pending") {
            let mut states = states;
            states.sort_unstable();
            assert_eq!(states, ["done", "dropped"]);
            break;
        }
        assert!(Instant::now() < deadline, "{rows:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let sent: Vec<Value> = r
        .events()
        .into_iter()
        .filter(|e| e["type"] == "rectification_due")
        .collect();
    assert_eq!(sent.len(), 1, "{sent:?}");
}

/// The finding id an outbox row is about (its payload's `finding_id`).
fn finding_of_row(r: &OutboxRow) -> String {
    let p: Value = serde_json::from_str(&r.payload).unwrap();
    p["finding_id"].as_str().unwrap_or_default().to_owned()
}

/// Waits (up to 10 s) until the rows of `no` satisfy `ok`; those rows.
async fn wait_rows(app: &TestApp, no: &str, ok: impl Fn(&[OutboxRow]) -> bool) -> Vec<OutboxRow> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let rows = outbox(app, no).await;
        if ok(&rows) {
            return rows;
        }
        assert!(Instant::now() < deadline, "{rows:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Records an inspection of `kind` of `no` as `token`, every checklist item `ok` (the 422 of an empty
/// record names them), with `findings`; the recorded inspection.
async fn record_as(app: &TestApp, token: &str, no: &str, kind: &str, findings: Value) -> Value {
    let path = format!("/api/v1/registrations/{no}/inspections");
    let (_, p) = app.post(&path, Some(token), &json!({ "kind": kind })).await;
    let items: Vec<Value> = unanswered_items(&p)
        .iter()
        .map(|code| json!({ "code": code, "answer": "ok" }))
        .collect();
    let (st, rec) = app
        .post(
            &path,
            Some(token),
            &json!({ "kind": kind, "items": items, "findings": findings }),
        )
        .await;
    assert_eq!(st, 201, "{rec}");
    rec
}

/// 依据：rules.md §11 ("events that reach officers: … an inspection falling due or overdue"), §9.1
/// (overdue the day after its due date), 第三十二条第（一）项: the officers' reminder of a scheduled
/// inspection is written with the acceptance that schedules it, goes out at 09:00 on its due date and
/// again the morning after while it is not done, never to the applicant's webhook — and is dropped once
/// the inspection is recorded.
async fn officers_are_reminded_of_an_inspection_due_then_overdue_unless_done(b: Backend) {
    let (app, r) = with_webhook(b, &[]).await;
    let open = app.registered_high_risk("oi-open").await;
    let done = app.registered_high_risk("oi-done").await;
    let (_, v) = app
        .get(
            &format!("/api/v1/registrations/{}", open.no),
            Some(&open.officer),
        )
        .await;
    let due = v["inspections"][0]["due"].as_str().unwrap().to_owned();
    assert_eq!(v["inspections"][0]["kind"], "INSPECTION_HIGH_RISK");
    assert_eq!(due, "2026-11-26", "3 working days after Monday 23 November");
    for no in [&open.no, &done.no] {
        let row = wait_row(&app, no, "inspection_due", |_| true).await;
        assert_eq!((row.state.as_str(), row.attempts), ("pending", 0));
        assert_eq!(row.lang, "zh-CN", "the office's language");
        assert_eq!(
            anbei_api::clock::rfc3339(row.deliver_after_ms),
            "2026-11-26T09:00:00.000+08:00"
        );
    }
    // One of them is inspected before its due date: its reminder no longer applies.
    record_as(
        &app,
        &done.officer,
        &done.no,
        "INSPECTION_HIGH_RISK",
        json!([]),
    )
    .await;
    // The day before: nothing.
    app.set_today("2026-11-25");
    tokio::time::sleep(anbei_api::notify::POLL * 2).await;
    let row = wait_row(&app, &open.no, "inspection_due", |_| true).await;
    assert_eq!((row.state.as_str(), row.attempts), ("pending", 0));
    // On the day: sent (to the officers' e-mail only: no channel here, so `none`, never the webhook),
    // and it becomes the overdue reminder of the next morning.
    app.set_today("2026-11-26");
    let next = wait_row(&app, &open.no, "inspection_overdue", |_| true).await;
    assert_eq!((next.state.as_str(), next.attempts), ("pending", 0));
    assert_eq!(
        anbei_api::clock::rfc3339(next.deliver_after_ms),
        "2026-11-27T09:00:00.000+08:00"
    );
    let dropped = wait_row(&app, &done.no, "inspection_due", |r| r.state != "pending").await;
    assert_eq!(dropped.state, "dropped");
    assert!(
        outbox(&app, &done.no)
            .await
            .iter()
            .all(|r| r.kind != "inspection_overdue")
    );
    // The next morning, still not done: the overdue reminder goes, and nothing follows it.
    app.set_today("2026-11-27");
    let sent = wait_row(&app, &open.no, "inspection_overdue", |r| {
        r.state != "pending"
    })
    .await;
    assert_eq!(
        (
            sent.state.as_str(),
            sent.webhook_state.as_str(),
            sent.email_state.as_str()
        ),
        ("done", "none", "none")
    );
    let (_, list) = app
        .get("/api/v1/inspections?status=overdue", Some(&open.officer))
        .await;
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["filing_no"] == open.no.as_str()),
        "the reminder says what the queue says: {list}"
    );
    assert!(
        r.events()
            .iter()
            .all(|e| !e["type"].as_str().unwrap().starts_with("inspection_")),
        "never to the applicant's webhook"
    );
}

/// 依据：rules.md §11 ("events that reach officers: … a same-day referral due, a rectification
/// overdue"), §9.3, 第三十条 ("于当日"), 第三十四条, 第三十六条: written with the finding; a finding to be
/// referred the day it is found is reminded at 15:00 that day unless referred by then; an open finding
/// past its `rectify_by` is reminded the morning after, unless answered; one to be referred the same day
/// once overdue (F_SERIOUS_VIOLATION) is then reminded of its referral at 15:00, unless referred; a
/// rejection after `rectify_by` makes it overdue again at once.
async fn officers_are_reminded_of_overdue_rectifications_and_same_day_referrals_until_made(
    b: Backend,
) {
    let (app, r) = with_webhook(b, &[]).await;
    let a = app.file_complete("or-1", ordinary_facts()).await;
    let no = a["filing_no"].as_str().unwrap();
    let token = a["access_token"].as_str().unwrap();
    let patrol = app.officer("bantian", "patrol").await;
    let officer = app.officer("bantian", "officer").await;
    let rec = record_as(
        &app,
        &patrol,
        no,
        "INSPECTION_PATROL",
        json!([
            { "code": "F_UNSAFE_PRACTICE", "note": "临边无防护" },
            { "code": "F_SERIOUS_VIOLATION", "note": "擅自拆改承重墙" },
            { "code": "F_SERIOUS_VIOLATION", "note": "擅自改动燃气管道" },
            { "code": "F_WASTE_VIOLATION", "note": "装修垃圾混入生活垃圾" },
            { "code": "F_WASTE_VIOLATION", "note": "建筑垃圾乱倒" },
        ]),
    )
    .await;
    let f: Vec<String> = rec["inspection"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect();
    let (unsafe_, serious_referred, serious, waste, waste_referred) =
        (&f[0], &f[1], &f[2], &f[3], &f[4]);
    let of = |rows: &[OutboxRow], kind: &str, id: &str| -> Option<OutboxRow> {
        rows.iter()
            .find(|r| r.kind == kind && finding_of_row(r) == id)
            .cloned()
    };
    // Written with the finding: the overdue reminders of the three to rectify (by 2026-11-26, the
    // default), the same-day referral reminders of the two waste findings (15:00 today).
    let rows = outbox(&app, no).await;
    for id in [unsafe_, serious_referred, serious] {
        let row = of(&rows, "rectification_overdue", id).expect(id);
        assert_eq!(
            anbei_api::clock::rfc3339(row.deliver_after_ms),
            "2026-11-27T09:00:00.000+08:00"
        );
        assert!(of(&rows, "referral_due", id).is_none());
    }
    for id in [waste, waste_referred] {
        let row = of(&rows, "referral_due", id).expect(id);
        assert_eq!(
            anbei_api::clock::rfc3339(row.deliver_after_ms),
            "2026-11-23T15:00:00.000+08:00"
        );
        assert!(of(&rows, "rectification_overdue", id).is_none());
    }
    let refer = |id: String| {
        let (app, officer) = (&app, officer.clone());
        async move {
            let (st, v) = app
                .post(
                    &format!("/api/v1/registrations/{no}/findings/{id}/referral"),
                    Some(&officer),
                    &json!({ "reason": "按第三十条移交" }),
                )
                .await;
            assert_eq!(st, 201, "{v}");
        }
    };
    // The officer refers one waste finding at once; the applicant answers the unsafe practice.
    refer(waste_referred.clone()).await;
    let (st, v) = app
        .post(
            &format!("/api/v1/registrations/{no}/findings/{unsafe_}/rectification"),
            Some(token),
            &json!({ "note": "已加装护栏" }),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    // 14:00: nothing yet; 15:00: the one not referred is reminded, the referred one dropped.
    app.clock.advance_ms(4 * 3_600_000);
    tokio::time::sleep(anbei_api::notify::POLL * 2).await;
    assert_eq!(
        of(&outbox(&app, no).await, "referral_due", waste)
            .unwrap()
            .state,
        "pending"
    );
    app.clock.advance_ms(3_600_000);
    let rows = wait_rows(&app, no, |rows| {
        [waste, waste_referred]
            .iter()
            .all(|id| of(rows, "referral_due", id).is_some_and(|r| r.state != "pending"))
    })
    .await;
    assert_eq!(of(&rows, "referral_due", waste).unwrap().state, "done");
    assert_eq!(
        of(&rows, "referral_due", waste_referred).unwrap().state,
        "dropped"
    );
    // The day after rectify_by (10:00): the answered one is dropped; the two open serious violations
    // are reminded, and each becomes its same-day referral's reminder at 15:00.
    app.set_today("2026-11-27");
    let rows = wait_rows(&app, no, |rows| {
        of(rows, "rectification_overdue", unsafe_).is_some_and(|r| r.state == "dropped")
            && [serious_referred, serious]
                .iter()
                .all(|id| of(rows, "referral_due", id).is_some())
    })
    .await;
    for id in [serious_referred, serious] {
        let row = of(&rows, "referral_due", id).unwrap();
        assert_eq!((row.state.as_str(), row.attempts), ("pending", 0));
        assert_eq!(
            anbei_api::clock::rfc3339(row.deliver_after_ms),
            "2026-11-27T15:00:00.000+08:00"
        );
    }
    // The street rejects the late answer to the unsafe practice: overdue again, reminded at once.
    let (st, v) = app
        .post(
            &format!("/api/v1/registrations/{no}/findings/{unsafe_}/decision"),
            Some(&patrol),
            &json!({ "accept": false, "reason": "护栏高度不足" }),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    wait_rows(&app, no, |rows| {
        rows.iter().any(|r| {
            r.kind == "rectification_overdue" && finding_of_row(r) == *unsafe_ && r.state == "done"
        })
    })
    .await;
    // One serious violation is referred before 15:00: its reminder is dropped, the other's goes.
    refer(serious_referred.clone()).await;
    app.clock.advance_ms(5 * 3_600_000);
    let rows = wait_rows(&app, no, |rows| {
        [serious_referred, serious]
            .iter()
            .all(|id| of(rows, "referral_due", id).is_some_and(|r| r.state != "pending"))
    })
    .await;
    assert_eq!(of(&rows, "referral_due", serious).unwrap().state, "done");
    assert_eq!(
        of(&rows, "referral_due", serious_referred).unwrap().state,
        "dropped"
    );
    assert!(
        r.events().iter().all(|e| !matches!(
            e["type"].as_str().unwrap(),
            "referral_due" | "rectification_overdue"
        )),
        "never to the applicant's webhook"
    );
}

/// Waits (up to 10 s) until the sink's mails satisfy `ok`; the mails.
async fn wait_mails(sink: &Sink, ok: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = std::fs::read_to_string(&sink.out).unwrap_or_default();
        let mails: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        if ok(&mails) {
            return mails;
        }
        assert!(Instant::now() < deadline, "{mails:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// 依据：rules.md §11 — the officers' scheduled events are e-mailed to the street's officers who gave
/// an address (in zh-CN, the inspection and its article in words), and the applicant's events reach
/// the contractor's contact named in the filing too: once per address, and never with the applicant's
/// access code (the contractor has its own, rules.md §10). A real SMTP server (aiosmtpd).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn officers_reminders_and_the_contractors_copy_go_by_email() {
    let dir = temp_dir("officers");
    let sink = start_sink(&dir, None);
    let url = format!("smtp://127.0.0.1:{}", sink.port);
    let app = spawn_with(Backend::Sqlite, |cfg| {
        cfg.notify.smtp = Some(
            anbei_api::notify::smtp::SmtpConfig::parse(&url, "noreply@anbei.example.cn", None)
                .unwrap(),
        );
    })
    .await;
    let officer = app
        .account(anbei_api::accounts::NewAccount {
            login: "officer.duty".into(),
            name: "孙九".into(),
            role: "officer".into(),
            street: Some("bantian".into()),
            ..Default::default()
        })
        .await;
    let (st, v) = app
        .post(
            "/api/v1/accounts/officer.duty/email",
            Some(&officer),
            &json!({ "email": "duty@bantian.example.gov.cn" }),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    // A high-risk filing naming the contractor's contact; the officer accepts it.
    let mut body = app.filing(high_risk_facts()).await;
    body["applicant"]["email"] = json!("zhang.san@example.com");
    body["contractor"]["email"] = json!("site@builder.example.com");
    let (st, a) = app.file("om-1", &body).await;
    assert_eq!(st, 201, "{a}");
    let no = a["filing_no"].as_str().unwrap().to_owned();
    let code = a["access_token"].as_str().unwrap().to_owned();
    let (st, v) = app
        .post(
            &format!("/api/v1/registrations/{no}/acceptance"),
            Some(&officer),
            &json!({}),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    let subject = |m: &Value| m["subject"].as_str().unwrap_or_default().to_owned();
    let mails = wait_mails(&sink, |m| {
        m.iter()
            .any(|m| subject(m) == format!("【安备】登记成功：{no}"))
    })
    .await;
    // `filed` carries the applicant's access code: the contractor gets its own mail without it.
    let filed: Vec<&Value> = mails
        .iter()
        .filter(|m| subject(m) == format!("【安备】登记申报已收到：{no}"))
        .collect();
    assert_eq!(filed.len(), 2, "{filed:?}");
    let to_applicant = filed
        .iter()
        .find(|m| m["rcpt_tos"] == json!(["zhang.san@example.com"]))
        .expect("the applicant's");
    assert!(to_applicant["body"].as_str().unwrap().contains(&code));
    let to_contractor = filed
        .iter()
        .find(|m| m["rcpt_tos"] == json!(["site@builder.example.com"]))
        .expect("the contractor's");
    let text = to_contractor["body"].as_str().unwrap();
    assert!(
        text.contains("街道将于 2026年11月26日前答复")
            && !text.contains(&code)
            && !text.contains("查询码"),
        "the contractor's copy without the applicant's access code: {text}"
    );
    let mid = to_applicant["message_id"].as_str().unwrap();
    assert_eq!(
        to_contractor["message_id"].as_str().unwrap(),
        mid.replace("@anbei.invalid>", ".contractor@anbei.invalid>")
    );
    // `registered` after the officer's acceptance carries none: one mail to both.
    let registered: Vec<&Value> = mails
        .iter()
        .filter(|m| subject(m) == format!("【安备】登记成功：{no}"))
        .collect();
    assert_eq!(registered.len(), 1, "{registered:?}");
    assert_eq!(
        registered[0]["rcpt_tos"],
        json!(["zhang.san@example.com", "site@builder.example.com"])
    );
    // The officers' mail of the filing awaiting acceptance went to the officer only.
    assert!(mails.iter().any(|m| {
        subject(m) == format!("【安备】有申报待受理：{no}")
            && m["rcpt_tos"] == json!(["duty@bantian.example.gov.cn"])
    }));
    // On the inspection's due date, 09:00: the officer is reminded, in words, with the article.
    app.set_today("2026-11-26");
    let mails = wait_mails(&sink, |m| {
        m.iter()
            .any(|m| subject(m) == format!("【安备】今日应完成现场检查：{no}"))
    })
    .await;
    let m = mails
        .iter()
        .find(|m| subject(m) == format!("【安备】今日应完成现场检查：{no}"))
        .unwrap();
    assert_eq!(m["rcpt_tos"], json!(["duty@bantian.example.gov.cn"]));
    let text = m["body"].as_str().unwrap();
    assert!(
        text.contains("应于今天（2026年11月26日）完成（第三十二条第（一）项）")
            && !text.contains("INSPECTION_HIGH_RISK"),
        "{text}"
    );
    // A finding (no access code in it) reaches the applicant and the contractor in one mail; a
    // contractor's address that is the applicant's (any case) gets it once.
    let mut body = app.filing(ordinary_facts()).await;
    body["applicant"]["email"] = json!("li.si@example.com");
    body["contractor"]["email"] = json!("Li.Si@Example.com");
    let (st, same) = app.file("om-2", &body).await;
    assert_eq!(st, 201, "{same}");
    let same_no = same["filing_no"].as_str().unwrap().to_owned();
    record_patrol(
        &app,
        &no,
        json!([{ "code": "F_UNSAFE_PRACTICE", "note": "临边无防护" }]),
    )
    .await;
    record_patrol(
        &app,
        &same_no,
        json!([{ "code": "F_UNSAFE_PRACTICE", "note": "临边无防护" }]),
    )
    .await;
    let finding = |n: &str| format!("【安备】检查发现问题，请按期整改：{n}");
    let mails = wait_mails(&sink, |m| {
        m.iter().any(|m| subject(m) == finding(&no))
            && m.iter().any(|m| subject(m) == finding(&same_no))
    })
    .await;
    let of =
        |n: &str| -> Vec<&Value> { mails.iter().filter(|m| subject(m) == finding(n)).collect() };
    assert_eq!(of(&no).len(), 1);
    assert_eq!(
        of(&no)[0]["rcpt_tos"],
        json!(["zhang.san@example.com", "site@builder.example.com"])
    );
    assert_eq!(of(&same_no).len(), 1);
    assert_eq!(of(&same_no)[0]["rcpt_tos"], json!(["li.si@example.com"]));
    let registered_same: Vec<&Value> = mails
        .iter()
        .filter(|m| subject(m) == format!("【安备】登记成功：{same_no}"))
        .collect();
    assert_eq!(registered_same.len(), 1, "once per address");
    // The patrol's findings reached the officer too (rules.md §11 "each patrol finding").
    assert!(mails.iter().any(|m| {
        subject(m) == format!("【安备】巡查发现问题：{no}")
            && m["rcpt_tos"] == json!(["duty@bantian.example.gov.cn"])
    }));
    // A waste finding (referred the same day, 第三十条第（八）项), not referred by 15:00: the officer is
    // told, with the suggested body in words.
    let rec = record_patrol(
        &app,
        &no,
        json!([{ "code": "F_WASTE_VIOLATION", "note": "装修垃圾混入生活垃圾" }]),
    )
    .await;
    assert!(rec["inspection"]["findings"][0]["rectify_by"].is_null());
    app.clock.advance_ms(5 * 3_600_000);
    let due = format!("【安备】今日应移交处理：{no}");
    let mails = wait_mails(&sink, |m| m.iter().any(|m| subject(m) == due)).await;
    let m = mails.iter().find(|m| subject(m) == due).unwrap();
    assert_eq!(m["rcpt_tos"], json!(["duty@bantian.example.gov.cn"]));
    let text = m["body"].as_str().unwrap();
    assert!(
        text.contains("按第三十条须于 2026年11月26日当日移交处理")
            && text.contains("建议移交：")
            && text.contains("装修垃圾混入生活垃圾")
            && !text.contains("REF_")
            && !text.contains("F_WASTE"),
        "{text}"
    );
    // The unsafe practice found on the 26th, still open the morning after its rectify_by.
    let (_, v) = app
        .get(&format!("/api/v1/registrations/{no}"), Some(&officer))
        .await;
    let by = v["inspections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["findings"].as_array().unwrap().clone())
        .find(|f| f["code"] == "F_UNSAFE_PRACTICE")
        .unwrap()["rectify_by"]
        .as_str()
        .unwrap()
        .to_owned();
    let after = anbei_core::Date::parse(&by)
        .unwrap()
        .add_days(1)
        .to_string();
    app.set_today(&after);
    let overdue = format!("【安备】整改已逾期：{no}");
    let mails = wait_mails(&sink, |m| m.iter().any(|m| subject(m) == overdue)).await;
    let m = mails.iter().find(|m| subject(m) == overdue).unwrap();
    assert_eq!(m["rcpt_tos"], json!(["duty@bantian.example.gov.cn"]));
    let text = m["body"].as_str().unwrap();
    let (y, mo, d) = (
        &by[..4],
        by[5..7].trim_start_matches('0'),
        by[8..].trim_start_matches('0'),
    );
    assert!(
        text.contains(&format!("整改期限 {y}年{mo}月{d}日已过")) && text.contains("临边无防护"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
