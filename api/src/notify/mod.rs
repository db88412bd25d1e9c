//! Notifications (rules.md §11): an outbox row per event, written in the same transaction as the state
//! change that causes it ([`for_new`], [`for_update`] make them; the store writes them with the
//! change), and a worker ([`run`]) that delivers each at least once — to a signed webhook
//! ([`webhook`]) and by e-mail ([`smtp`]) when the filing gives an address — with retries and capped,
//! jittered exponential backoff. A row is claimed under a lease (several instances never send it at
//! once; a crashed worker's rows are claimed again once the lease expires); its id (`evt_…`) is the
//! delivery id, the same for every redelivery, so receivers de-duplicate. Texts come from the
//! catalogue in the applicant's language ([`texts`]).
//!
//! # Adding an event type
//! 1. a variant of [`Kind`] and the row that makes it in [`for_update`] (or [`for_new`]);
//! 2. its subject and lines in `messages/` (both languages) and its details in [`texts::render`];
//! 3. a test in `api/tests/notify.rs`.

pub mod net;
pub mod smtp;
pub mod texts;
pub mod webhook;

use crate::app::AppState;
use crate::error::ApiError;
use crate::lifecycle::Action;
use crate::messages::Lang;
use crate::store::{FilingRecord, FilingUpdate, OutboxDraft, OutboxOutcome, OutboxRow, Status};
use anbei_core::Date;
use serde_json::{Map, Value, json};
use std::sync::Arc;

/// What happened, as the outbox row's `type` and the webhook's `type` name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Filed,
    Returned,
    Registered,
    Refused,
    Revoked,
    Extended,
    /// 注销申报 received: the street's completion check follows (第三十三条, rules.md §7 v3).
    CompletionDeclared,
    /// The completion check closed the registration (注销).
    Cancelled,
    /// Reminder: the extension window opens (`valid_until` − 14 days, 第二十五条, rules.md §3.7).
    ExtensionWindowOpens,
    /// Reminder: the registration's `valid_until` is today.
    ValidUntilReached,
    /// Reminder: the planned completion (`planned_end`) is today — declare completion and cancel (注销)
    /// within `cancellation_working_days` working days, by `cancellation_due` (第三十三条, rules.md §3.7).
    CancellationDue,
    /// An inspection's finding that asks for rectification, with its `rectify_by` (rules.md §11, 第三十条).
    Finding,
    /// The street accepted a rectification (第三十四条).
    RectificationAccepted,
    /// The street rejected a rectification, with its reason.
    RectificationRejected,
    /// The work was escalated to high-risk management (`F_MAJOR_HAZARD`, 第三十条第（七）项).
    Escalated,
    /// Reminder: an open finding's `rectify_by` is today (第三十条, 第三十四条).
    RectificationDue,
    // Events that reach the street's officers (rules.md §11), e-mailed to its `officer` accounts that
    // gave an address (`accounts.email`); never to the webhook (the applicant's portal / SMS gateway).
    /// A filing awaits acceptance (第二十七条第（二）项).
    OfficerFilingAwaiting,
    /// A finding was recorded (each patrol finding, 第二十三条第（六）项, 第三十条).
    FindingRecorded,
    /// The applicant or the contractor answered a finding: it awaits the street's decision (第三十四条).
    RectificationAnswered,
    /// The contractor added a site record (rules.md §10).
    SiteRecord,
    /// A district department gave supervisory-check feedback (第三十一条).
    Feedback,
    // The officers' scheduled events (rules.md §11 "an inspection falling due or overdue, … a same-day
    // referral due, a rectification overdue"): written ahead, in the change's transaction, and dropped
    // at delivery when they no longer apply (see [`still_applies`]).
    /// Reminder: a scheduled inspection is due today (rules.md §9.1, 第三十二条第（一）项, 第三十三条).
    InspectionDue,
    /// Reminder: a scheduled inspection was due yesterday and is not done (overdue the day after, §9.1).
    InspectionOverdue,
    /// Reminder: a finding must be referred today (第三十条 "于当日", 第三十六条) and is not yet.
    ReferralDue,
    /// Reminder: an open finding's `rectify_by` has passed (第三十四条; §9.3).
    RectificationOverdue,
}

impl Kind {
    pub const ALL: [Kind; 25] = [
        Kind::Filed,
        Kind::Returned,
        Kind::Registered,
        Kind::Refused,
        Kind::Revoked,
        Kind::Extended,
        Kind::CompletionDeclared,
        Kind::Cancelled,
        Kind::ExtensionWindowOpens,
        Kind::ValidUntilReached,
        Kind::Finding,
        Kind::RectificationAccepted,
        Kind::RectificationRejected,
        Kind::Escalated,
        Kind::CancellationDue,
        Kind::RectificationDue,
        Kind::OfficerFilingAwaiting,
        Kind::FindingRecorded,
        Kind::RectificationAnswered,
        Kind::SiteRecord,
        Kind::Feedback,
        Kind::InspectionDue,
        Kind::InspectionOverdue,
        Kind::ReferralDue,
        Kind::RectificationOverdue,
    ];
    pub const fn as_str(self) -> &'static str {
        match self {
            Kind::Filed => "filed",
            Kind::Returned => "returned",
            Kind::Registered => "registered",
            Kind::Refused => "refused",
            Kind::Revoked => "revoked",
            Kind::Extended => "extended",
            Kind::CompletionDeclared => "completion_declared",
            Kind::Cancelled => "cancelled",
            Kind::ExtensionWindowOpens => "extension_window_opens",
            Kind::ValidUntilReached => "valid_until_reached",
            Kind::Finding => "finding",
            Kind::RectificationAccepted => "rectification_accepted",
            Kind::RectificationRejected => "rectification_rejected",
            Kind::Escalated => "escalated",
            Kind::CancellationDue => "cancellation_due",
            Kind::RectificationDue => "rectification_due",
            Kind::OfficerFilingAwaiting => "officer_filing_awaiting",
            Kind::FindingRecorded => "finding_recorded",
            Kind::RectificationAnswered => "rectification_answered",
            Kind::SiteRecord => "site_record",
            Kind::Feedback => "feedback",
            Kind::InspectionDue => "inspection_due",
            Kind::InspectionOverdue => "inspection_overdue",
            Kind::ReferralDue => "referral_due",
            Kind::RectificationOverdue => "rectification_overdue",
        }
    }
    /// An event for the street's officers, not for the applicant.
    pub const fn for_officers(self) -> bool {
        matches!(
            self,
            Kind::OfficerFilingAwaiting
                | Kind::FindingRecorded
                | Kind::RectificationAnswered
                | Kind::SiteRecord
                | Kind::Feedback
                | Kind::InspectionDue
                | Kind::InspectionOverdue
                | Kind::ReferralDue
                | Kind::RectificationOverdue
        )
    }
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
    /// A reminder is scheduled ahead and dropped at delivery when it no longer applies.
    pub const fn is_reminder(self) -> bool {
        matches!(
            self,
            Kind::ExtensionWindowOpens
                | Kind::ValidUntilReached
                | Kind::CancellationDue
                | Kind::RectificationDue
                | Kind::InspectionDue
                | Kind::InspectionOverdue
                | Kind::ReferralDue
                | Kind::RectificationOverdue
        )
    }
}

/// A new event id: `evt_` and 128 random bits.
pub fn new_id() -> Result<String, ApiError> {
    let b = crate::signing::random_bytes::<16>().map_err(ApiError::internal)?;
    Ok(format!("evt_{}", crate::signing::hex(&b)))
}

/// The catalogue tag of a filing's `lang` (`zh-CN` unless it asks for English).
pub fn lang_tag(lang: Option<&str>) -> &'static str {
    lang.and_then(Lang::from_tag)
        .unwrap_or(Lang::FALLBACK)
        .catalogue()
        .tag
}

/// The filing's `lang` and `planned_end` from its stored JSON.
fn lang_and_end_of(request: &str) -> (&'static str, Option<String>) {
    let v: Value = serde_json::from_str(request).unwrap_or(Value::Null);
    (
        lang_tag(v.get("lang").and_then(Value::as_str)),
        v.get("planned_end")
            .and_then(Value::as_str)
            .map(str::to_owned),
    )
}

/// 09:00 Asia/Shanghai on `d`, in ms since the epoch: when a reminder for that day goes out.
pub fn morning_of(d: Date) -> i64 {
    hour_of(d, 9)
}

/// `hour`:00 Asia/Shanghai (UTC+8, no daylight saving) on `d`, in ms since the epoch.
fn hour_of(d: Date, hour: i64) -> i64 {
    let epoch = Date::from_ymd(1970, 1, 1).unwrap_or(d);
    (i64::from(d.days_since(epoch)) * 86_400 + (hour - 8) * 3600) * 1000
}

/// *Product policy*: a same-day referral (第三十条 "于当日") not yet made is reminded at 15:00
/// Asia/Shanghai on its day — late enough that a referral made in the morning drops it, early enough
/// to make it before the day ends (after which it is flagged late, rules.md §9.3).
pub const REFERRAL_REMINDER_HOUR: i64 = 15;

/// When the officers' reminder of a same-day referral due on `d` goes out.
pub fn referral_reminder_of(d: Date) -> i64 {
    hour_of(d, REFERRAL_REMINDER_HOUR)
}

#[derive(Clone, Copy)]
struct Draft<'a> {
    s: &'a AppState,
    street: &'a str,
    lang: &'static str,
    at: &'a str,
    now_ms: i64,
}

impl Draft<'_> {
    fn event(
        &self,
        kind: Kind,
        status: Status,
        payload: Value,
        after_ms: i64,
    ) -> Result<OutboxDraft, ApiError> {
        Ok(OutboxDraft {
            id: new_id()?,
            kind: kind.as_str().to_owned(),
            occurred_at: self.at.to_owned(),
            street: self.street.to_owned(),
            status,
            lang: self.lang.to_owned(),
            payload: payload.to_string(),
            deliver_after_ms: after_ms,
        })
    }

    /// `payload` with what a registration's reminders need: its `valid_until`, the day its extension
    /// window opens (`valid_until` − 14 days, rules.md §3.7) and — when the planned completion
    /// (`planned_end`) falls between today and `valid_until` — that day with its `cancellation_due`
    /// (`planned_end` + `cancellation_working_days` working days, 第三十三条). The event's row, once
    /// sent, becomes these reminders one after the other in date order (see [`next_reminder`]): no row
    /// of its own inside the change's transaction.
    fn with_reminders(
        &self,
        mut payload: Value,
        valid_until: &str,
        filed_on: Date,
        planned_end: Option<&str>,
    ) -> Result<Value, ApiError> {
        let Some(end) = Date::parse(valid_until) else {
            return Err(ApiError::internal("bad valid_until"));
        };
        let params = &self.s.engine.ruleset_for(filed_on).params;
        let start = end.add_days(1 - params.extension_window_days as i32);
        let today = self.s.today();
        let completion = planned_end
            .and_then(Date::parse)
            .filter(|d| *d >= today && *d <= end);
        if let Value::Object(m) = &mut payload {
            m.insert("valid_until".into(), Value::String(valid_until.to_owned()));
            m.insert(
                "extension_window_start".into(),
                Value::String(start.to_string()),
            );
            if let Some(c) = completion {
                let due = self
                    .s
                    .engine
                    .calendar()
                    .add_working_days(c, params.cancellation_working_days);
                m.insert("planned_end".into(), Value::String(c.to_string()));
                m.insert(
                    "cancellation_due".into(),
                    Value::String(due.date.to_string()),
                );
                m.insert(
                    "cancellation_working_days".into(),
                    Value::from(params.cancellation_working_days),
                );
                m.insert("calendar_provisional".into(), Value::Bool(due.provisional));
            }
        }
        Ok(payload)
    }
}

/// The event of a new filing in `status`: `filed`, or `registered` (快速受理, its reminders to follow).
/// Either carries the access code (derived again at delivery, never stored in the outbox).
pub fn for_new(
    s: &AppState,
    street: &str,
    lang: Option<&str>,
    at: &str,
    status: Status,
    valid_until: Option<&str>,
    planned_end: Option<&str>,
) -> Result<Vec<OutboxDraft>, ApiError> {
    let d = Draft {
        s,
        street,
        lang: lang_tag(lang),
        at,
        now_ms: s.now_ms(),
    };
    let with_code = json!({ "access_code": true });
    match (status, valid_until) {
        (Status::Registered, Some(vu)) => {
            let p = d.with_reminders(with_code, vu, s.today(), planned_end)?;
            Ok(vec![d.event(Kind::Registered, status, p, d.now_ms)?])
        }
        _ => {
            let office = Draft {
                lang: Lang::FALLBACK.catalogue().tag,
                ..d
            };
            Ok(vec![
                d.event(Kind::Filed, status, with_code, d.now_ms)?,
                office.event(Kind::OfficerFilingAwaiting, status, json!({}), d.now_ms)?,
            ])
        }
    }
}

/// The events of a state change `u` of `rec` (its reason and data as the handler set them).
pub fn for_update(
    s: &AppState,
    rec: &FilingRecord,
    u: &FilingUpdate,
) -> Result<Vec<OutboxDraft>, ApiError> {
    let (lang, planned_end) = lang_and_end_of(u.request.as_deref().unwrap_or(&rec.request));
    let d = Draft {
        s,
        street: &rec.street,
        lang,
        at: &u.updated_at,
        now_ms: s.now_ms(),
    };
    let mut payload = match &u.event.data {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    };
    if let Some(r) = &u.event.reason {
        payload.insert("reason".into(), Value::String(r.clone()));
    }
    let payload = Value::Object(payload);
    let filed_on = u
        .filed_on
        .as_deref()
        .and_then(Date::parse)
        .or_else(|| Date::parse(&rec.filed_on))
        .unwrap_or_else(|| s.today());
    let new_valid_until = match &u.receipt {
        crate::store::ReceiptOp::Issue(r) => Some(r.valid_until.as_str()),
        crate::store::ReceiptOp::Resign { valid_until } => Some(valid_until.as_str()),
        crate::store::ReceiptOp::Keep => None,
    };
    let kind = match (u.event.action, u.status) {
        (Action::Return, _) => Kind::Returned,
        (Action::Refuse, _) => Kind::Refused,
        (Action::Revoke, _) => Kind::Revoked,
        (Action::DeclareCompletion, _) => Kind::CompletionDeclared,
        (Action::Cancel, _) => Kind::Cancelled,
        (Action::Extend, _) => Kind::Extended,
        (Action::Accept | Action::Register | Action::Resubmit, Status::Registered) => {
            Kind::Registered
        }
        (Action::Resubmit, _) => Kind::Filed,
        _ => return Ok(Vec::new()),
    };
    let payload = match (kind, new_valid_until) {
        (Kind::Registered | Kind::Extended, Some(vu)) => {
            d.with_reminders(payload, vu, filed_on, planned_end.as_deref())?
        }
        _ => payload,
    };
    Ok(vec![d.event(kind, u.status, payload, d.now_ms)?])
}

/// An event of the management after registration (a finding, a decision on a rectification, an
/// escalation) about `rec`, to be stored with the change that causes it.
pub fn for_manage(
    s: &AppState,
    rec: &FilingRecord,
    kind: Kind,
    payload: Value,
) -> Result<(String, OutboxDraft), ApiError> {
    let at = s.now();
    let d = Draft {
        s,
        street: &rec.street,
        lang: lang_and_end_of(&rec.request).0,
        at: &at,
        now_ms: s.now_ms(),
    };
    Ok((
        rec.filing_no.clone(),
        d.event(kind, rec.status, payload, d.now_ms)?,
    ))
}

/// An event for the officers of `rec`'s street (rules.md §11), in the office's language (zh-CN), stored
/// with the change that causes it.
pub fn for_officers(
    s: &AppState,
    rec: &FilingRecord,
    kind: Kind,
    payload: Value,
) -> Result<(String, OutboxDraft), ApiError> {
    let at = s.now();
    let d = Draft {
        s,
        street: &rec.street,
        lang: Lang::FALLBACK.catalogue().tag,
        at: &at,
        now_ms: s.now_ms(),
    };
    Ok((
        rec.filing_no.clone(),
        d.event(kind, rec.status, payload, d.now_ms)?,
    ))
}

/// The officers' reminder of an inspection scheduled for a registration of `street` in `status`
/// (rules.md §11 "an inspection falling due or overdue", §9.1): `inspection_due` at 09:00 on its
/// `due`, which once sent becomes `inspection_overdue` at 09:00 the day after ([`next_reminder`]) —
/// each dropped at delivery once the inspection is done ([`still_applies`]). Written with the change
/// that schedules the inspection; none for an inspection without a due date.
pub fn inspection_reminder(
    s: &AppState,
    street: &str,
    status: Status,
    i: &crate::store::InspectionRow,
) -> Result<Option<OutboxDraft>, ApiError> {
    let Some(due) = i.due.as_deref().and_then(Date::parse) else {
        return Ok(None);
    };
    let at = s.now();
    let d = Draft {
        s,
        street,
        lang: Lang::FALLBACK.catalogue().tag,
        at: &at,
        now_ms: s.now_ms(),
    };
    let payload = json!({ "inspection_id": i.id, "inspection": i.kind, "due": due.to_string() });
    d.event(Kind::InspectionDue, status, payload, morning_of(due))
        .map(Some)
}

/// The officers' reminders of a finding `f` recorded on work of kind `work` (rules.md §11, §9.3):
/// `rectification_overdue` at 09:00 the day after its `rectify_by` (dropped once answered, closed or
/// referred) — which, for a finding to be referred the same day once its rectification is overdue
/// (第三十条第（三）（四）项), becomes `referral_due` at [`REFERRAL_REMINDER_HOUR`] that day; and for a
/// finding to be referred the day it is found (第三十条第（五）（六）（八）项, an odd job's major hazard),
/// `referral_due` at that hour of its day (at once when recorded later) — dropped once referred.
pub fn finding_reminders(
    s: &AppState,
    street: &str,
    status: Status,
    f: &crate::store::FindingRow,
    work: anbei_core::model::Kind,
) -> Result<Vec<OutboxDraft>, ApiError> {
    use anbei_core::manage::{Finding, ReferralWhen, handling};
    let Some(code) = Finding::from_code(&f.code) else {
        return Ok(Vec::new());
    };
    let h = handling(code, work);
    let at = s.now();
    let d = Draft {
        s,
        street,
        lang: Lang::FALLBACK.catalogue().tag,
        at: &at,
        now_ms: s.now_ms(),
    };
    let mut out = Vec::new();
    if let Some(by) = f.rectify_by.as_deref().and_then(Date::parse) {
        let when_overdue = matches!(
            h.referral,
            ReferralWhen::SameDayWhenOverdueOrRefused
                | ReferralWhen::SameDayWhenOverdueOrMajorHazard
        );
        let payload = json!({
            "finding": f.code, "finding_id": f.id, "rectify_by": by.to_string(),
            "referral_when_overdue": when_overdue,
        });
        out.push(d.event(
            Kind::RectificationOverdue,
            status,
            payload,
            morning_of(by.add_days(1)),
        )?);
    }
    if h.referral == ReferralWhen::SameDay {
        if let Some(on) = Date::parse(&f.found_on) {
            let payload = json!({
                "finding": f.code, "finding_id": f.id, "referral_due_on": on.to_string(),
            });
            out.push(d.event(
                Kind::ReferralDue,
                status,
                payload,
                referral_reminder_of(on).max(d.now_ms),
            )?);
        }
    }
    Ok(out)
}

/// The officers' `rectification_overdue` of a finding whose answer was rejected after its
/// `rectify_by` had passed (it is overdue again, and its first reminder has gone): due at once.
pub fn overdue_again(
    s: &AppState,
    street: &str,
    status: Status,
    f: &crate::store::FindingRow,
    work: anbei_core::model::Kind,
) -> Result<Option<OutboxDraft>, ApiError> {
    let Some(by) = f.rectify_by.as_deref().and_then(Date::parse) else {
        return Ok(None);
    };
    if s.now_ms() < morning_of(by.add_days(1)) {
        return Ok(None); // its reminder is still ahead, and applies again now the finding is open
    }
    let first = finding_reminders(s, street, status, f, work)?;
    Ok(first
        .into_iter()
        .find(|d| d.kind == Kind::RectificationOverdue.as_str())
        .map(|mut d| {
            d.deliver_after_ms = s.now_ms();
            d
        }))
}

/// The addresses of the officers of `street` (enabled `officer` accounts of that street that gave one),
/// without repeats: where the officers' events go.
pub fn officer_recipients(accounts: &[crate::store::AccountRow], street: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in accounts {
        if a.role == "officer" && !a.disabled && a.street.as_deref() == Some(street) {
            if let Some(e) = a.email.as_deref().filter(|e| !e.is_empty()) {
                if !out.iter().any(|x| x.eq_ignore_ascii_case(e)) {
                    out.push(e.to_owned());
                }
            }
        }
    }
    out
}

/// Where notifications go: configured by `anbei serve --smtp-url … --webhook-url …`.
#[derive(Clone, Debug, Default)]
pub struct Channels {
    pub smtp: Option<smtp::SmtpConfig>,
    pub webhook: Option<webhook::WebhookConfig>,
}

impl Channels {
    pub fn any(&self) -> bool {
        self.smtp.is_some() || self.webhook.is_some()
    }
}

/// How long a claimed row is a worker's before another may claim it again.
pub const LEASE_MS: i64 = 60_000;
/// Rows claimed at once (delivered concurrently).
const BATCH: u32 = 32;
/// How often the outbox is looked at without a wake-up (other instances' events, retries, reminders).
pub const POLL: std::time::Duration = std::time::Duration::from_millis(500);
/// Attempts before a row is marked `failed` (an admin puts it back: `anbei outbox retry`).
pub const MAX_ATTEMPTS: i64 = 15;
/// Backoff: 1 s, 2 s, 4 s … capped at 10 minutes, each a random 50–100 % of that (jitter).
const BACKOFF_BASE_MS: i64 = 1000;
const BACKOFF_CAP_MS: i64 = 600_000;

/// The wait before attempt `attempts + 1`.
pub fn backoff_ms(attempts: i64) -> i64 {
    let exp = attempts.clamp(1, 20) - 1;
    let full = (BACKOFF_BASE_MS << exp).min(BACKOFF_CAP_MS);
    let r = crate::signing::random_bytes::<2>()
        .map(u16::from_le_bytes)
        .unwrap_or(u16::MAX);
    full / 2 + full / 2 * i64::from(r) / i64::from(u16::MAX)
}

/// The delivery worker: claims due rows, delivers them, records the outcome; sleeps until woken by a
/// commit in this process or until [`POLL`]. Runs until the task is aborted.
pub async fn run(s: AppState, channels: Arc<Channels>) {
    let senders = match Senders::new(&channels) {
        Ok(x) => Arc::new(x),
        Err(e) => {
            tracing::error!(error = %e, "notifications: cannot start the delivery worker");
            return;
        }
    };
    loop {
        let now = s.now_ms();
        let rows = match s.store.outbox_claim(now, now + LEASE_MS, BATCH).await {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(error = %e, "notifications: cannot claim outbox rows");
                Vec::new()
            }
        };
        if rows.is_empty() {
            tokio::select! {
                _ = s.outbox_wake.notified() => {}
                _ = tokio::time::sleep(POLL) => {}
            }
            continue;
        }
        let mut set = tokio::task::JoinSet::new();
        for row in rows {
            let (s, senders) = (s.clone(), senders.clone());
            set.spawn(async move { attempt(&s, &senders, &row).await });
        }
        // The batch's outcomes in one transaction (one commit, not one per event).
        let mut outcomes = Vec::new();
        while let Some(r) = set.join_next().await {
            if let Ok(o) = r {
                outcomes.push(o);
            }
        }
        let ids: Vec<String> = outcomes.iter().map(|o| o.id.clone()).collect();
        if let Err(e) = s.store.outbox_finish(outcomes).await {
            tracing::warn!(event_ids = ?ids, error = %e, "notifications: cannot record deliveries");
        }
    }
}

/// The channels, ready to send (TLS configurations built once).
pub struct Senders {
    smtp: Option<smtp::Mailer>,
    webhook: Option<webhook::Poster>,
}

impl Senders {
    pub fn new(c: &Channels) -> Result<Senders, String> {
        Ok(Senders {
            smtp: c.smtp.clone().map(smtp::Mailer::new).transpose()?,
            webhook: c.webhook.clone().map(webhook::Poster::new).transpose()?,
        })
    }
}

/// E-mail addresses the filing gives (applicant's, agent's), without repeats.
pub fn recipients(request: &str) -> Vec<String> {
    let v: Value = serde_json::from_str(request).unwrap_or(Value::Null);
    let mut out: Vec<String> = Vec::new();
    for who in ["applicant", "agent"] {
        if let Some(e) = v
            .get(who)
            .and_then(|p| p.get("email"))
            .and_then(Value::as_str)
        {
            if !e.is_empty() && !out.iter().any(|x| x.eq_ignore_ascii_case(e)) {
                out.push(e.to_owned());
            }
        }
    }
    out
}

/// The contractor's contact e-mail the filing gives (`contractor.email`, rules.md §11), unless it is
/// already one of `others` (the applicant's or agent's): none or one address.
pub fn contractor_recipients(request: &str, others: &[String]) -> Vec<String> {
    let v: Value = serde_json::from_str(request).unwrap_or(Value::Null);
    v.pointer("/contractor/email")
        .and_then(Value::as_str)
        .filter(|e| !e.is_empty() && !others.iter().any(|x| x.eq_ignore_ascii_case(e)))
        .map(|e| vec![e.to_owned()])
        .unwrap_or_default()
}

/// Whether the event's text carries the applicant's access code (see [`texts::render`]).
fn carries_access_code(kind: Kind, payload: &Value) -> bool {
    matches!(kind, Kind::Filed | Kind::Registered)
        && payload.get("access_code") == Some(&Value::Bool(true))
}

/// A registration's reminders in the order they go out: by day, and on the same day the window's,
/// then the planned completion's, then the last day's. The planned completion's is there only when the
/// event that started the chain gave it (`planned_end` between that day and `valid_until`); rows
/// written before it existed have none, and go window → last day as before.
fn registration_reminders(payload: &Value) -> Vec<(Kind, Date)> {
    let day = |k: &str| payload.get(k).and_then(Value::as_str).and_then(Date::parse);
    let mut chain: Vec<(Kind, Date)> = [
        (Kind::ExtensionWindowOpens, "extension_window_start"),
        (Kind::CancellationDue, "planned_end"),
        (Kind::ValidUntilReached, "valid_until"),
    ]
    .into_iter()
    .filter_map(|(k, field)| day(field).map(|d| (k, d)))
    .collect();
    chain.sort_by_key(|(_, d)| *d); // stable: same-day reminders keep the order above
    chain
}

/// What a sent row becomes: a registration's event (`registered`, `extended`) its first reminder,
/// and each reminder the next one in date order ([`registration_reminders`]); a `finding` the
/// reminder on its `rectify_by` (none when that is the finding's own day: the finding's notice says
/// it) — each a new event with its own id.
fn next_reminder(
    kind: Kind,
    payload: &Value,
    occurred_at: &str,
) -> Option<crate::store::OutboxNext> {
    let (next, on) = match kind {
        Kind::Registered
        | Kind::Extended
        | Kind::ExtensionWindowOpens
        | Kind::CancellationDue
        | Kind::ValidUntilReached => {
            let chain = registration_reminders(payload);
            let at = chain
                .iter()
                .position(|(k, _)| *k == kind)
                .map_or(0, |i| i + 1);
            *chain.get(at)?
        }
        Kind::Finding => {
            let by = payload
                .get("rectify_by")
                .and_then(Value::as_str)
                .and_then(Date::parse)?;
            let found = occurred_at.get(..10).and_then(Date::parse);
            if found.is_some_and(|f| by <= f) {
                return None;
            }
            (Kind::RectificationDue, by)
        }
        // The officers': an inspection due today, then overdue the next morning (§9.1).
        Kind::InspectionDue => {
            let due = payload
                .get("due")
                .and_then(Value::as_str)
                .and_then(Date::parse)?;
            return Some(crate::store::OutboxNext {
                id: new_id().ok()?,
                kind: Kind::InspectionOverdue.as_str().to_owned(),
                deliver_after_ms: morning_of(due.add_days(1)),
            });
        }
        // A rectification overdue that makes its referral due the same day (第三十条第（三）（四）项).
        Kind::RectificationOverdue
            if payload.get("referral_when_overdue") == Some(&Value::Bool(true)) =>
        {
            let by = payload
                .get("rectify_by")
                .and_then(Value::as_str)
                .and_then(Date::parse)?;
            return Some(crate::store::OutboxNext {
                id: new_id().ok()?,
                kind: Kind::ReferralDue.as_str().to_owned(),
                deliver_after_ms: referral_reminder_of(by.add_days(1)),
            });
        }
        _ => return None,
    };
    Some(crate::store::OutboxNext {
        id: new_id().ok()?,
        kind: next.as_str().to_owned(),
        deliver_after_ms: morning_of(on),
    })
}

/// Whether a reminder still applies as things now stand. A registration's (window, planned
/// completion, last day): in force — not cancelled, revoked, or past its `valid_until` — and still
/// ending on the day the reminder was scheduled for (not extended past it: the `extended` event starts
/// a chain of its own). A finding's: the finding is still `open` with the same `rectify_by` (not
/// answered, closed or referred); its note is added to `payload` (what to fix).
async fn still_applies(
    s: &AppState,
    kind: Kind,
    rec: &FilingRecord,
    payload: &mut Value,
) -> Result<bool, String> {
    match kind {
        Kind::InspectionDue | Kind::InspectionOverdue => {
            let id = payload.get("inspection_id").and_then(Value::as_str);
            let due = payload.get("due").and_then(Value::as_str);
            let m = s
                .store
                .manage_of(&rec.filing_no)
                .await
                .map_err(|e| format!("store: {e}"))?;
            return Ok(m.inspections.iter().any(|i| {
                Some(i.id.as_str()) == id && i.status == "due" && i.due.as_deref() == due
            }));
        }
        Kind::RectificationOverdue | Kind::ReferralDue => {
            let Some(id) = payload.get("finding_id").and_then(Value::as_str) else {
                return Ok(false);
            };
            let f = s
                .store
                .get_finding(id)
                .await
                .map_err(|e| format!("store: {e}"))?
                .filter(|f| f.filing_no.as_deref() == Some(rec.filing_no.as_str()));
            let Some(f) = f else { return Ok(false) };
            let by = payload.get("rectify_by").and_then(Value::as_str);
            // A referral due the day the finding was found: until it is referred (or closed). One
            // due when the rectification is overdue, and an overdue rectification: while the
            // finding is still open (not answered, closed or referred) with the same `rectify_by`.
            let applies = if kind == Kind::ReferralDue && payload.get("referral_due_on").is_some() {
                matches!(f.status.as_str(), "open" | "rectified")
            } else {
                f.status == "open" && f.rectify_by.as_deref() == by
            };
            if applies {
                if let Value::Object(m) = payload {
                    m.insert("note".into(), Value::String(f.note));
                }
            }
            return Ok(applies);
        }
        _ => {}
    }
    if kind == Kind::RectificationDue {
        let Some(id) = payload.get("finding_id").and_then(Value::as_str) else {
            return Ok(false);
        };
        let f = s
            .store
            .get_finding(id)
            .await
            .map_err(|e| format!("store: {e}"))?;
        let by = payload.get("rectify_by").and_then(Value::as_str);
        let Some(f) = f.filter(|f| {
            f.status == "open"
                && f.rectify_by.as_deref() == by
                && f.filing_no.as_deref() == Some(rec.filing_no.as_str())
        }) else {
            return Ok(false);
        };
        if let Value::Object(m) = payload {
            m.insert("note".into(), Value::String(f.note));
        }
        return Ok(true);
    }
    let vu = payload.get("valid_until").and_then(Value::as_str);
    let not_past = vu.and_then(Date::parse).is_some_and(|d| s.today() <= d);
    Ok(rec.status.is_live()
        && not_past
        && rec.receipt.as_ref().map(|r| r.valid_until.as_str()) == vu)
}

async fn attempt(s: &AppState, senders: &Senders, row: &OutboxRow) -> OutboxOutcome {
    let mut out = OutboxOutcome {
        seq: row.seq,
        id: row.id.clone(),
        attempts: row.attempts,
        state: "pending".into(),
        email_state: row.email_state.clone(),
        webhook_state: row.webhook_state.clone(),
        next_attempt_ms: row.next_attempt_ms,
        last_error: None,
        then: None,
    };
    let rec = match s.store.get_filing(&row.filing_no).await {
        Ok(Some(r)) => r,
        Ok(None) => return failed_attempt(out, "the filing is not found".into(), s.now_ms()),
        Err(e) => return failed_attempt(out, format!("store: {e}"), s.now_ms()),
    };
    let mut payload: Value = serde_json::from_str(&row.payload).unwrap_or(Value::Null);
    let Some(kind) = Kind::parse(&row.kind) else {
        out.state = "failed".into();
        out.last_error = Some(format!("unknown event type {:?}", row.kind));
        return out;
    };
    if kind.is_reminder() {
        match still_applies(s, kind, &rec, &mut payload).await {
            Ok(true) => {}
            Ok(false) => {
                out.state = "dropped".into();
                return out;
            }
            Err(e) => return failed_attempt(out, e, s.now_ms()),
        }
    }
    let msg = texts::render(s, kind, row, &rec, &payload);
    let mut errors = Vec::new();
    if kind.for_officers() {
        out.webhook_state = "none".into();
    }
    if out.webhook_state == "pending" {
        out.webhook_state = match &senders.webhook {
            None => "none".into(),
            Some(w) => match w.post(&webhook::body(row, &msg)).await {
                Ok(()) => "sent".into(),
                Err(e) => {
                    tracing::warn!(event_id = %row.id, channel = "webhook", attempt = row.attempts, error = %e, "notification not delivered");
                    errors.push(format!("webhook: {e}"));
                    "pending".into()
                }
            },
        };
    }
    if out.email_state == "pending" {
        // Who gets the e-mail: the street's officers for their events; else the addresses the filing
        // gives — the applicant's and agent's and, de-duplicated, the contractor's contact (rules.md §11
        // "and the contractor's contact where named"). The applicant's access code is the applicant's
        // alone: an event that carries it goes to the contractor as a mail of its own without it.
        let mut mails: Vec<(String, Vec<String>, texts::Rendered)> = Vec::new();
        if senders.smtp.is_some() {
            if kind.for_officers() {
                match s.store.list_accounts().await {
                    Ok(a) => mails.push((row.id.clone(), officer_recipients(&a, &row.street), msg)),
                    Err(e) => return failed_attempt(out, format!("store: {e}"), s.now_ms()),
                }
            } else {
                let mut to = recipients(&rec.request);
                let contractor = contractor_recipients(&rec.request, &to);
                if carries_access_code(kind, &payload) && !contractor.is_empty() {
                    let mut p = payload.clone();
                    if let Value::Object(m) = &mut p {
                        m.remove("access_code");
                    }
                    let without = texts::render(s, kind, row, &rec, &p);
                    mails.push((format!("{}.contractor", row.id), contractor, without));
                } else {
                    to.extend(contractor);
                }
                mails.insert(0, (row.id.clone(), to, msg));
            }
        }
        mails.retain(|(_, to, _)| !to.is_empty());
        out.email_state = match &senders.smtp {
            Some(m) if !mails.is_empty() => {
                let mut state = "sent";
                for (id, to, msg) in &mails {
                    if let Err(e) = m.send(id, to, msg).await {
                        tracing::warn!(event_id = %row.id, channel = "email", attempt = row.attempts, error = %e, "notification not delivered");
                        errors.push(format!("email: {e}"));
                        state = "pending";
                        break;
                    }
                }
                state.into()
            }
            _ => "none".into(),
        };
    }
    if errors.is_empty() {
        out.state = "done".into();
        out.then = next_reminder(kind, &payload, &row.occurred_at);
        out
    } else {
        failed_attempt(out, errors.join("; "), s.now_ms())
    }
}

/// A failed attempt: retried after the backoff, or `failed` after [`MAX_ATTEMPTS`].
fn failed_attempt(mut out: OutboxOutcome, why: String, now_ms: i64) -> OutboxOutcome {
    let why: String = why.chars().take(300).collect();
    out.state = if out.attempts >= MAX_ATTEMPTS {
        tracing::error!(event_id = %out.id, attempts = out.attempts, "notification given up (anbei outbox retry puts it back)");
        "failed".into()
    } else {
        "pending".into()
    };
    out.next_attempt_ms = now_ms + backoff_ms(out.attempts);
    out.last_error = Some(why);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The officers' events go to the enabled officers of the street who gave an address, once each.
    #[test]
    fn officers_events_go_to_the_streets_officers_with_an_address() {
        let a = |login: &str, role: &str, street: &str, email: Option<&str>, disabled: bool| {
            crate::store::AccountRow {
                login: login.into(),
                name: "n".into(),
                role: role.into(),
                street: Some(street.into()),
                community: None,
                areas: String::new(),
                department: None,
                password_hash: None,
                must_change_password: false,
                totp_secret: None,
                totp_pending: None,
                totp_last_step: None,
                disabled,
                failed_count: 0,
                locked_until_ms: 0,
                created_at: "t".into(),
                last_sign_in_at: None,
                email: email.map(str::to_owned),
            }
        };
        let all = [
            a("o1", "officer", "bantian", Some("o1@example.com"), false),
            a("o2", "officer", "bantian", Some("O1@example.com"), false),
            a("o3", "officer", "bantian", None, false),
            a("o4", "officer", "bantian", Some("o4@example.com"), true),
            a("o5", "officer", "pinghu", Some("o5@example.com"), false),
            a("p1", "patrol", "bantian", Some("p1@example.com"), false),
            a("o6", "officer", "bantian", Some("o6@example.com"), false),
        ];
        assert_eq!(
            officer_recipients(&all, "bantian"),
            vec!["o1@example.com", "o6@example.com"]
        );
        assert!(officer_recipients(&all, "buji").is_empty());
        assert!(Kind::SiteRecord.for_officers() && !Kind::Finding.for_officers());
    }

    #[test]
    fn kinds_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
    }

    #[test]
    fn backoff_grows_is_jittered_and_capped() {
        for a in 1..30 {
            let full = (BACKOFF_BASE_MS << (a.min(20) - 1)).min(BACKOFF_CAP_MS);
            let b = backoff_ms(a);
            assert!(b >= full / 2 && b <= full, "{a}: {b}");
        }
        assert!(backoff_ms(30) <= BACKOFF_CAP_MS);
    }

    #[test]
    fn reminders_go_out_in_the_morning_in_shanghai() {
        // 2026-12-02 09:00+08:00 = 01:00Z
        let d = Date::parse("2026-12-02").unwrap();
        assert_eq!(
            crate::clock::rfc3339(morning_of(d)),
            "2026-12-02T09:00:00.000+08:00"
        );
    }

    /// The kinds a row goes through after `first`, with their days.
    fn chain(first: Kind, payload: &Value, at: &str) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let mut kind = first;
        while let Some(n) = next_reminder(kind, payload, at) {
            kind = Kind::parse(&n.kind).unwrap();
            out.push((kind.as_str(), crate::clock::rfc3339(n.deliver_after_ms)));
            assert!(out.len() < 10);
        }
        out
    }

    #[test]
    fn a_registrations_reminders_go_in_date_order() {
        let at = "2026-11-23T10:00:00.000+08:00";
        let p = |end: Option<&str>| {
            let mut v =
                json!({ "extension_window_start": "2027-05-09", "valid_until": "2027-05-23" });
            if let Some(e) = end {
                v["planned_end"] = json!(e);
            }
            v
        };
        let days = |c: Vec<(&'static str, String)>| -> Vec<String> {
            c.into_iter()
                .map(|(k, t)| format!("{k} {}", &t[..10]))
                .collect()
        };
        // Before the window, inside it, on the last day, none (rows written before it existed).
        assert_eq!(
            days(chain(Kind::Registered, &p(Some("2027-02-28")), at)),
            [
                "cancellation_due 2027-02-28",
                "extension_window_opens 2027-05-09",
                "valid_until_reached 2027-05-23"
            ]
        );
        assert_eq!(
            days(chain(Kind::Extended, &p(Some("2027-05-15")), at)),
            [
                "extension_window_opens 2027-05-09",
                "cancellation_due 2027-05-15",
                "valid_until_reached 2027-05-23"
            ]
        );
        assert_eq!(
            days(chain(Kind::Registered, &p(Some("2027-05-23")), at)),
            [
                "extension_window_opens 2027-05-09",
                "cancellation_due 2027-05-23",
                "valid_until_reached 2027-05-23"
            ]
        );
        assert_eq!(
            days(chain(Kind::Registered, &p(None), at)),
            [
                "extension_window_opens 2027-05-09",
                "valid_until_reached 2027-05-23"
            ]
        );
        // Events of no registration chain start none.
        assert!(chain(Kind::Cancelled, &p(Some("2027-02-28")), at).is_empty());
    }

    #[test]
    fn a_finding_is_reminded_on_its_rectify_by_unless_that_is_its_own_day() {
        let at = "2026-11-23T10:00:00.000+08:00";
        assert_eq!(
            chain(Kind::Finding, &json!({ "rectify_by": "2026-11-26" }), at),
            [(
                "rectification_due",
                "2026-11-26T09:00:00.000+08:00".to_owned()
            )]
        );
        assert!(chain(Kind::Finding, &json!({ "rectify_by": "2026-11-23" }), at).is_empty());
        assert!(chain(Kind::Finding, &json!({}), at).is_empty());
    }

    /// The officers' reminders (rules.md §11): an inspection due at 09:00 on its day, then overdue
    /// the morning after, then nothing; a rectification overdue goes on to its same-day referral at
    /// 15:00 only for a finding referred once overdue (第三十条第（三）（四）项); a referral due ends.
    #[test]
    fn the_officers_reminders_follow_each_other() {
        let at = "2026-11-23T10:00:00.000+08:00";
        assert_eq!(
            chain(Kind::InspectionDue, &json!({ "due": "2026-11-26" }), at),
            [(
                "inspection_overdue",
                "2026-11-27T09:00:00.000+08:00".to_owned()
            )]
        );
        assert!(chain(Kind::InspectionOverdue, &json!({ "due": "2026-11-26" }), at).is_empty());
        let overdue =
            |when: bool| json!({ "rectify_by": "2026-11-26", "referral_when_overdue": when });
        assert_eq!(
            chain(Kind::RectificationOverdue, &overdue(true), at),
            [("referral_due", "2026-11-27T15:00:00.000+08:00".to_owned())]
        );
        assert!(chain(Kind::RectificationOverdue, &overdue(false), at).is_empty());
        assert!(
            chain(
                Kind::ReferralDue,
                &json!({ "referral_due_on": "2026-11-23" }),
                at
            )
            .is_empty()
        );
        for k in [
            Kind::InspectionDue,
            Kind::InspectionOverdue,
            Kind::ReferralDue,
            Kind::RectificationOverdue,
        ] {
            assert!(k.for_officers() && k.is_reminder(), "{k:?}");
        }
    }

    #[test]
    fn the_contractors_contact_joins_once() {
        let r = r#"{"applicant":{"email":"a@example.com"},"contractor":{"email":"c@example.com"}}"#;
        let to = recipients(r);
        assert_eq!(to, vec!["a@example.com".to_owned()]);
        assert_eq!(
            contractor_recipients(r, &to),
            vec!["c@example.com".to_owned()]
        );
        let same =
            r#"{"applicant":{"email":"a@example.com"},"contractor":{"email":"A@Example.com"}}"#;
        assert!(contractor_recipients(same, &recipients(same)).is_empty());
        assert!(contractor_recipients(r#"{"contractor":{"email":""}}"#, &[]).is_empty());
        assert!(contractor_recipients(r#"{"contractor":{}}"#, &[]).is_empty());
    }

    #[test]
    fn recipients_are_the_given_addresses_once() {
        let r = r#"{"applicant":{"email":"a@example.com"},"agent":{"email":"A@example.com"}}"#;
        assert_eq!(recipients(r), vec!["a@example.com".to_owned()]);
        assert!(recipients(r#"{"applicant":{}}"#).is_empty());
    }
}
