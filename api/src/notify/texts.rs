//! A notification's words, from the catalogue (`messages/`) in the applicant's language: a subject
//! and a plain-text body in plain words (status names, street names, dates as people read them), and
//! the same facts as data for the webhook.

use super::Kind;
use crate::app::AppState;
use crate::lifecycle::State;
use crate::messages::{Key, Lang};
use crate::store::{FilingRecord, OutboxRow};
use serde_json::{Map, Value};

/// What a notification says.
pub struct Rendered {
    pub lang: Lang,
    pub subject: String,
    pub text: String,
    /// The event's facts beyond the common fields (dates, receipt, reason, changes, access code).
    pub details: Map<String, Value>,
}

fn event_key(k: Kind) -> Key {
    match k {
        Kind::Filed => Key::NotifyFiled,
        Kind::Returned => Key::NotifyReturned,
        Kind::Registered => Key::NotifyRegistered,
        Kind::Refused => Key::NotifyRefused,
        Kind::Revoked => Key::NotifyRevoked,
        Kind::Extended => Key::NotifyExtended,
        Kind::CompletionDeclared => Key::NotifyCompletionDeclared,
        Kind::Cancelled => Key::NotifyCancelled,
        Kind::ExtensionWindowOpens => Key::NotifyExtensionWindowOpens,
        Kind::ValidUntilReached => Key::NotifyValidUntilReached,
        Kind::Finding => Key::NotifyFinding,
        Kind::RectificationAccepted => Key::NotifyRectificationAccepted,
        Kind::RectificationRejected => Key::NotifyRectificationRejected,
        Kind::Escalated => Key::NotifyEscalated,
        Kind::CancellationDue => Key::NotifyCancellationDue,
        Kind::RectificationDue => Key::NotifyRectificationDue,
        Kind::OfficerFilingAwaiting => Key::NotifyOfficerFilingAwaiting,
        Kind::FindingRecorded => Key::NotifyFindingRecorded,
        Kind::RectificationAnswered => Key::NotifyRectificationAnswered,
        Kind::SiteRecord => Key::NotifySiteRecord,
        Kind::Feedback => Key::NotifyFeedback,
        Kind::InspectionDue => Key::NotifyInspectionDue,
        Kind::InspectionOverdue => Key::NotifyInspectionOverdue,
        Kind::ReferralDue => Key::NotifyReferralDue,
        Kind::RectificationOverdue => Key::NotifyRectificationOverdue,
    }
}

fn state_key(s: State) -> Key {
    match s {
        State::Filed => Key::NotifyStateFiled,
        State::Returned => Key::NotifyStateReturned,
        State::Registered => Key::NotifyStateRegistered,
        State::Extended => Key::NotifyStateExtended,
        State::Refused => Key::NotifyStateRefused,
        State::CompletionDeclared => Key::NotifyStateCompletionDeclared,
        State::Cancelled => Key::NotifyStateCancelled,
        State::Revoked => Key::NotifyStateRevoked,
        State::Expired => Key::NotifyStateExpired,
    }
}

/// `YYYY-MM-DD` as people read it (left as it is if it is not a date).
fn date(l: Lang, d: &str) -> String {
    l.date_of(d)
}

/// The street's name in `l` (its code if unknown).
pub fn street_name(s: &AppState, l: Lang, code: &str) -> String {
    s.engine
        .street_index(code)
        .and_then(|i| s.engine.streets().get(i))
        .map_or_else(
            || code.to_owned(),
            |st| match l {
                Lang::ZhCn => st.name.zh.clone(),
                Lang::En => st.name.en.clone(),
            },
        )
}

fn text_of<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str).filter(|x| !x.is_empty())
}

/// The notification of `row` about `rec` (as it now stands), `payload` being the row's.
pub fn render(
    s: &AppState,
    kind: Kind,
    row: &OutboxRow,
    rec: &FilingRecord,
    payload: &Value,
) -> Rendered {
    let l = Lang::from_tag(&row.lang).unwrap_or(Lang::FALLBACK);
    let event = l.text(event_key(kind));
    let subject = l.fill(
        Key::NotifySubject,
        &[("event", &event), ("filing_no", &row.filing_no)],
    );
    let status = row.status.parse::<State>().map_or_else(
        |_| row.status.clone(),
        |st| l.text(state_key(st)).to_owned(),
    );
    let mut lines = vec![
        l.text(Key::NotifyGreeting).to_owned(),
        String::new(),
        l.fill(
            Key::NotifyFiling,
            &[
                ("filing_no", &row.filing_no),
                ("street", &street_name(s, l, &row.street)),
                ("status", &status),
            ],
        ),
        String::new(),
    ];
    let mut details = Map::new();
    let mut put = |k: &str, v: Value| {
        details.insert(k.to_owned(), v);
    };
    match kind {
        Kind::Filed => {
            if let Some(due) = &rec.acceptance_due {
                lines.push(l.fill(Key::NotifyAcceptanceDue, &[("date", &date(l, due))]));
                put("acceptance_due", Value::String(due.clone()));
            }
        }
        Kind::Registered => {
            if let Some(r) = &rec.receipt {
                let url = format!(
                    "{}/receipts/{}",
                    s.cfg.public_url.trim_end_matches('/'),
                    r.receipt_no
                );
                lines.push(l.fill(
                    Key::NotifyReceipt,
                    &[
                        ("receipt_no", &r.receipt_no),
                        ("date", &date(l, &r.valid_until)),
                        ("url", &url),
                    ],
                ));
                put("receipt_no", Value::String(r.receipt_no.clone()));
                put("valid_until", Value::String(r.valid_until.clone()));
                put("print_url", Value::String(url));
            }
        }
        Kind::Returned => {
            lines.push(l.text(Key::NotifyChanges).to_owned());
            let changes = payload.get("changes").cloned().unwrap_or(Value::Null);
            for c in changes.as_array().into_iter().flatten() {
                let msg = c.get("message").unwrap_or(&Value::Null);
                let m = match l {
                    Lang::En => text_of(msg, "en").or_else(|| text_of(msg, "zh")),
                    Lang::ZhCn => text_of(msg, "zh"),
                }
                .unwrap_or_default();
                let field = text_of(c, "field").unwrap_or_default();
                lines.push(l.fill(Key::NotifyChange, &[("field", &field), ("message", &m)]));
            }
            put("changes", changes);
        }
        Kind::Refused | Kind::Revoked => {
            if let Some(r) = text_of(payload, "reason") {
                lines.push(l.fill(Key::NotifyReason, &[("reason", &r)]));
                put("reason", Value::String(r.to_owned()));
            }
            let action = if kind == Kind::Refused {
                crate::lifecycle::Action::Refuse
            } else {
                crate::lifecycle::Action::Revoke
            };
            let article = text_of(payload, "article").unwrap_or(action.article());
            lines.push(l.fill(Key::NotifyArticle, &[("article", &article)]));
            put("article", Value::String(article.to_owned()));
            if let Some(g) = text_of(payload, "ground") {
                put("ground", Value::String(g.to_owned()));
            }
        }
        Kind::Extended => {
            if let Some(to) = text_of(payload, "to") {
                lines.push(l.fill(Key::NotifyExtendedTo, &[("date", &date(l, to))]));
                put("valid_until", Value::String(to.to_owned()));
            }
        }
        Kind::CompletionDeclared => {
            let d = text_of(payload, "completion_date").unwrap_or_default();
            let due = text_of(payload, "completion_check_due").unwrap_or_default();
            lines.push(l.fill(
                Key::NotifyCompletionDeclaredLine,
                &[("date", &date(l, d)), ("due", &date(l, due))],
            ));
            put("completion_date", Value::String(d.to_owned()));
            put("completion_check_due", Value::String(due.to_owned()));
        }
        Kind::Cancelled => {
            if let Some(d) = text_of(payload, "completion_date") {
                lines.push(l.fill(Key::NotifyCancelledOn, &[("date", &date(l, d))]));
                put("completion_date", Value::String(d.to_owned()));
            }
        }
        Kind::ExtensionWindowOpens | Kind::ValidUntilReached => {
            let vu = text_of(payload, "valid_until").unwrap_or_default();
            let start = text_of(payload, "extension_window_start").unwrap_or_default();
            lines.push(if kind == Kind::ExtensionWindowOpens {
                l.fill(
                    Key::NotifyWindowOpens,
                    &[("date", &date(l, vu)), ("start", &date(l, start))],
                )
            } else {
                l.fill(Key::NotifyValidUntil, &[("date", &date(l, vu))])
            });
            put("valid_until", Value::String(vu.to_owned()));
            put("extension_window_start", Value::String(start.to_owned()));
        }
        Kind::CancellationDue => {
            let end = text_of(payload, "planned_end").unwrap_or_default();
            let due = text_of(payload, "cancellation_due").unwrap_or_default();
            let days = payload
                .get("cancellation_working_days")
                .and_then(Value::as_u64)
                .unwrap_or_else(|| {
                    u64::from(
                        s.engine
                            .ruleset_for(s.today())
                            .params
                            .cancellation_working_days,
                    )
                });
            lines.push(l.fill(
                Key::NotifyCancellationDueLine,
                &[
                    ("date", &date(l, end)),
                    ("days", &days),
                    ("due", &date(l, due)),
                ],
            ));
            put("planned_end", Value::String(end.to_owned()));
            put("cancellation_due", Value::String(due.to_owned()));
            put("cancellation_working_days", Value::from(days));
            if let Some(p) = payload.get("calendar_provisional").and_then(Value::as_bool) {
                put("calendar_provisional", Value::Bool(p));
            }
        }
        Kind::RectificationDue => {
            let code = text_of(payload, "finding").unwrap_or_default();
            let by = text_of(payload, "rectify_by").unwrap_or_default();
            let title = crate::inspections::code_title(s, code, l);
            lines.push(l.fill(
                Key::NotifyRectificationDueLine,
                &[("finding", &title), ("date", &date(l, by))],
            ));
            if let Some(n) = text_of(payload, "note") {
                lines.push(l.fill(Key::NotifyFindingNote, &[("note", &n)]));
                put("note", Value::String(n.to_owned()));
            }
            put("finding", Value::String(code.to_owned()));
            put("rectify_by", Value::String(by.to_owned()));
            if let Some(id) = text_of(payload, "finding_id") {
                put("finding_id", Value::String(id.to_owned()));
            }
        }
        Kind::Finding => {
            let code = text_of(payload, "finding").unwrap_or_default();
            let by = text_of(payload, "rectify_by").unwrap_or_default();
            let title = crate::inspections::code_title(s, code, l);
            lines.push(l.fill(
                Key::NotifyFindingLine,
                &[("finding", &title), ("date", &date(l, by))],
            ));
            put("finding", Value::String(code.to_owned()));
            put("rectify_by", Value::String(by.to_owned()));
            if let Some(id) = text_of(payload, "finding_id") {
                put("finding_id", Value::String(id.to_owned()));
            }
        }
        Kind::RectificationAccepted | Kind::RectificationRejected => {
            if let Some(r) = text_of(payload, "reason") {
                lines.push(l.fill(Key::NotifyReason, &[("reason", &r)]));
                put("reason", Value::String(r.to_owned()));
            }
            if let Some(id) = text_of(payload, "finding_id") {
                put("finding_id", Value::String(id.to_owned()));
            }
        }
        Kind::Escalated => {
            let due = text_of(payload, "due").unwrap_or_default();
            lines.push(l.fill(Key::NotifyEscalatedLine, &[("date", &date(l, due))]));
            put("due", Value::String(due.to_owned()));
        }
        // The officers' events: what to look at in the console; no personal data beyond the filing no.
        Kind::OfficerFilingAwaiting => {
            if let Some(due) = &rec.acceptance_due {
                lines.push(l.fill(Key::NotifyAcceptanceDue, &[("date", &date(l, due))]));
                put("acceptance_due", Value::String(due.clone()));
            }
        }
        Kind::FindingRecorded | Kind::RectificationAnswered => {
            if let Some(code) = text_of(payload, "finding") {
                let title = crate::inspections::code_title(s, code, l);
                lines.push(l.fill(Key::NotifyOfficerFindingLine, &[("finding", &title)]));
                put("finding", Value::String(code.to_owned()));
            }
            if let Some(id) = text_of(payload, "finding_id") {
                put("finding_id", Value::String(id.to_owned()));
            }
        }
        Kind::InspectionDue | Kind::InspectionOverdue => {
            let code = text_of(payload, "inspection").unwrap_or_default();
            let due = text_of(payload, "due").unwrap_or_default();
            // The two kinds that are scheduled with a due date (rules.md §9.1).
            let article = match (code, l) {
                ("INSPECTION_HIGH_RISK", Lang::ZhCn) => "第三十二条第（一）项",
                ("INSPECTION_HIGH_RISK", Lang::En) => "Art. 32 (1)",
                (_, Lang::ZhCn) => "第三十三条",
                (_, Lang::En) => "Art. 33",
            };
            let key = if kind == Kind::InspectionDue {
                Key::NotifyInspectionDueLine
            } else {
                Key::NotifyInspectionOverdueLine
            };
            let title = crate::inspections::code_title(s, code, l);
            lines.push(l.fill(
                key,
                &[
                    ("inspection", &title),
                    ("date", &date(l, due)),
                    ("article", &article),
                ],
            ));
            put("inspection", Value::String(code.to_owned()));
            put("due", Value::String(due.to_owned()));
            if let Some(id) = text_of(payload, "inspection_id") {
                put("inspection_id", Value::String(id.to_owned()));
            }
        }
        Kind::RectificationOverdue | Kind::ReferralDue => {
            let code = text_of(payload, "finding").unwrap_or_default();
            let title = crate::inspections::code_title(s, code, l);
            let by = text_of(payload, "rectify_by").unwrap_or_default();
            if kind == Kind::RectificationOverdue {
                lines.push(l.fill(
                    Key::NotifyRectificationOverdueLine,
                    &[("finding", &title), ("date", &date(l, by))],
                ));
            } else {
                // The day it falls due: the finding's own, or the day after `rectify_by`.
                let on = text_of(payload, "referral_due_on")
                    .map(str::to_owned)
                    .or_else(|| anbei_core::Date::parse(by).map(|d| d.add_days(1).to_string()))
                    .unwrap_or_default();
                lines.push(l.fill(
                    Key::NotifyReferralDueLine,
                    &[("finding", &title), ("date", &date(l, &on))],
                ));
                let suggested = anbei_core::manage::Finding::from_code(code).and_then(|f| {
                    crate::inspections::facts_of(s, rec)
                        .ok()
                        .map(|(_, r)| s.engine.referral_target(f, &r).code.as_str().to_owned())
                });
                if let Some(t) = suggested {
                    let name = crate::inspections::code_title(s, &t, l);
                    lines.push(l.fill(Key::NotifyReferralSuggested, &[("target", &name)]));
                    put("suggested_target", Value::String(t));
                }
                put("referral_due_on", Value::String(on));
            }
            if let Some(n) = text_of(payload, "note") {
                lines.push(l.fill(Key::NotifyFindingNote, &[("note", &n)]));
            }
            put("finding", Value::String(code.to_owned()));
            if !by.is_empty() {
                put("rectify_by", Value::String(by.to_owned()));
            }
            if let Some(id) = text_of(payload, "finding_id") {
                put("finding_id", Value::String(id.to_owned()));
            }
        }
        Kind::SiteRecord | Kind::Feedback => {
            if let Some(k) = text_of(payload, "record_kind") {
                put("record_kind", Value::String(k.to_owned()));
            }
            if let Some(id) = text_of(payload, "record_id") {
                put("record_id", Value::String(id.to_owned()));
            }
        }
    }
    // The access code: derived again from the filing (never stored in the outbox), on the events of a
    // new filing only.
    // Only the code in force: not one re-issued since (random, not derivable) nor one of a filing whose
    // key was hashed in place after the event was queued.
    let code = s
        .signer
        .access_token(&rec.created_at, &rec.filing_no, &rec.idempotency_key);
    if matches!(kind, Kind::Filed | Kind::Registered)
        && payload.get("access_code") == Some(&Value::Bool(true))
        && crate::signing::ct_eq(
            crate::signing::sha256_hex(code.as_bytes()).as_bytes(),
            rec.access_token_hash.as_bytes(),
        )
    {
        lines.push(String::new());
        lines.push(l.fill(Key::NotifyAccessCode, &[("code", &code)]));
        put("access_code", Value::String(code));
    }
    lines.push(String::new());
    lines.push(l.text(Key::NotifyFooter).to_owned());
    Rendered {
        lang: l,
        subject,
        text: lines.join("\n"),
        details,
    }
}
