//! Registrations (rules.md §7): filing and resubmission (`create.rs`), the lifecycle actions of officers
//! and applicants (`actions.rs`), the officers' ledger (`ledger.rs`), and how a registration is shown
//! (`views.rs`). Every action asks the lifecycle table (`crate::lifecycle`) through [`step`].

pub mod actions;
pub mod create;
pub mod ledger;
pub mod views;

use views::view;
pub use views::{FiledView, ReceiptView, RegistrationView, effective_state, receipt_view};
pub mod documents;

use crate::app::AppState;
use crate::auth::StreetOfficer;
use crate::error::{ApiError, FieldProblem, parse_json};
use crate::lifecycle::{self, Action, Actor, Context, Validity};
use crate::routes::Routes;
use crate::store::{Answered, FilingRecord, FilingUpdate};
use crate::validate;
use anbei_core::Date;
use axum::Json;

pub fn routes(r: Routes) -> Routes {
    use actions::{accept, cancel, extend, refuse, reissue_token, return_filing, revoke};
    use create::{create, resubmit, show};
    use ledger::list;
    r.post("/api/v1/registrations", create)
        .get("/api/v1/registrations", list)
        .get("/api/v1/registrations/{filing_no}", show)
        .post("/api/v1/registrations/{filing_no}/resubmission", resubmit)
        .post("/api/v1/registrations/{filing_no}/acceptance", accept)
        .post("/api/v1/registrations/{filing_no}/return", return_filing)
        .post("/api/v1/registrations/{filing_no}/refusal", refuse)
        .post("/api/v1/registrations/{filing_no}/revocation", revoke)
        .post(
            "/api/v1/registrations/{filing_no}/access-token",
            reissue_token,
        )
        .post("/api/v1/registrations/{filing_no}/extension", extend)
        .post("/api/v1/registrations/{filing_no}/cancellation", cancel)
        .get(
            "/api/v1/registrations/{filing_no}/documents/{upload_id}",
            documents::open,
        )
}

/// The date a registration was (last) filed.
pub(crate) fn filed_on(rec: &FilingRecord) -> Result<Date, ApiError> {
    Date::parse(&rec.filed_on).ok_or_else(|| ApiError::internal("bad filed_on"))
}

/// What the lifecycle table's guards look at for `rec` today.
pub(crate) fn context(s: &AppState, rec: &FilingRecord) -> Result<Context, ApiError> {
    let window_days = s
        .engine
        .ruleset_for(filed_on(rec)?)
        .params
        .extension_window_days;
    let validity = match &rec.receipt {
        Some(r) => Some(Validity {
            valid_until: Date::parse(&r.valid_until)
                .ok_or_else(|| ApiError::internal("bad valid_until"))?,
            window_days,
        }),
        None => None,
    };
    Ok(Context {
        today: s.today(),
        high_risk: rec.high_risk,
        street_fast_accept: s.fast_accept(&rec.street),
        validity,
    })
}

/// Asks the table whether `actor` may take `action` on `rec`; if so, the update to the next status
/// with its history event (the handler adds the event's reason and data, and any other change).
fn step(
    s: &AppState,
    rec: &FilingRecord,
    action: Action,
    actor: Actor,
    name: Option<&str>,
    cx: &Context,
) -> Result<FilingUpdate, ApiError> {
    let next = lifecycle::decide(Some(rec.status), action, actor, cx)?;
    let now = s.now();
    let event = lifecycle::event(now.clone(), actor, name, action, None, None);
    Ok(FilingUpdate::new(rec, next, now, event))
}

/// [`step`] for a staff account covering the registration, with the audit entry of the action.
fn officer_step(s: &AppState, o: &StreetOfficer, action: Action) -> Result<FilingUpdate, ApiError> {
    let actor = o.officer.actor();
    let mut u = step(
        s,
        &o.rec,
        action,
        actor,
        Some(&o.officer.signature()),
        &context(s, &o.rec)?,
    )?;
    u.audit = vec![
        o.officer
            .audit(s, action.as_str(), &o.rec.filing_no, "ok", None),
    ];
    if matches!(action, Action::Accept | Action::Return | Action::Refuse) {
        u.answered = Some(answered(s, &o.rec, &u.updated_at)?);
    }
    Ok(u)
}

/// The answer given `now` to `rec`'s latest submission, measured for the statistics: minutes since
/// the submission's history event, and working days after its filing day (第二十七条第（二）项).
fn answered(s: &AppState, rec: &FilingRecord, now: &str) -> Result<Answered, ApiError> {
    let submitted = rec
        .events
        .iter()
        .rev()
        .find(|e| matches!(e.action, Action::File | Action::Resubmit))
        .map_or(rec.created_at.as_str(), |e| e.at.as_str());
    let on = s.today();
    let (days, _) = s.engine.calendar().working_days_between(filed_on(rec)?, on);
    Ok(Answered {
        on: on.to_string(),
        minutes: crate::clock::minutes_between(submitted, now)
            .unwrap_or(0)
            .max(0),
        days: i64::from(days),
    })
}

/// [`step`] for the applicant, and the context it was decided in.
fn applicant_step(
    s: &AppState,
    rec: &FilingRecord,
    action: Action,
) -> Result<(FilingUpdate, Context), ApiError> {
    party_step(s, rec, action, Actor::Applicant)
}

/// [`step`] for the applicant or the contractor (`actor`), and the context it was decided in.
fn party_step(
    s: &AppState,
    rec: &FilingRecord,
    action: Action,
    actor: Actor,
) -> Result<(FilingUpdate, Context), ApiError> {
    let cx = context(s, rec)?;
    Ok((step(s, rec, action, actor, None, &cx)?, cx))
}

/// [`step`] for a staff account `o` acting on `rec` by recording something else (the completion
/// check that closes a registration): the update, without an audit entry (the caller writes its own).
pub(crate) fn staff_step(
    s: &AppState,
    rec: &FilingRecord,
    o: &crate::auth::Officer,
    action: Action,
) -> Result<FilingUpdate, ApiError> {
    step(
        s,
        rec,
        action,
        o.actor(),
        Some(&o.signature()),
        &context(s, rec)?,
    )
}

/// Stores `u` (a change of `rec`) with its notifications — in the same transaction — and wakes the
/// notification worker once it has committed.
pub(crate) async fn store_update(
    s: &AppState,
    rec: &FilingRecord,
    mut u: FilingUpdate,
) -> Result<FilingRecord, ApiError> {
    u.outbox = crate::notify::for_update(s, rec, &u)?;
    u.inspections = crate::inspections::for_update(s, rec, &u)?;
    // The officers' reminders of each inspection it schedules (rules.md §11), in its transaction.
    for i in &u.inspections {
        if let Some(d) = crate::notify::inspection_reminder(s, &rec.street, u.status, i)? {
            u.outbox.push(d);
        }
    }
    let notify = !u.outbox.is_empty();
    let issues = matches!(u.receipt, crate::store::ReceiptOp::Issue(_));
    let rec = s.store.update_filing(u).await?;
    if issues {
        crate::ops::metrics::receipt_issued();
    }
    if notify {
        s.outbox_wake.notify_one();
    }
    Ok(rec)
}

/// Stores `u` and answers with the registration as it now is, as the applicant sees it.
async fn commit(
    s: &AppState,
    rec: &FilingRecord,
    u: FilingUpdate,
) -> Result<Json<RegistrationView>, ApiError> {
    let rec = store_update(s, rec, u).await?;
    Ok(Json(view(s, &rec)?))
}

/// Stores `u` (an action of `o`'s) and answers with the registration as `o` now sees it.
async fn commit_staff(
    s: &AppState,
    o: &StreetOfficer,
    u: FilingUpdate,
) -> Result<Json<RegistrationView>, ApiError> {
    let rec = store_update(s, &o.rec, u).await?;
    Ok(Json(views::staff_view(s, &rec, &o.officer)?))
}

/// An optional JSON body: empty (or only whitespace) reads as the default.
fn optional_body<T: serde::de::DeserializeOwned + Default>(b: &[u8]) -> Result<T, ApiError> {
    if b.iter().all(u8::is_ascii_whitespace) {
        Ok(T::default())
    } else {
        parse_json(b)
    }
}

/// A free text of at most `max` characters in `field` (a reason, a note, a requested change).
fn text(text: &str, field: &str, max: usize) -> Result<String, FieldProblem> {
    validate::text(text, max).map_err(|e| FieldProblem::new(field, e.rule, e.zh, e.en))
}

/// A reason or a note: 1–1000 characters.
fn reason(t: &str, field: &str) -> Result<String, ApiError> {
    text(t, field, 1000).map_err(|p| ApiError::invalid_request(vec![p]))
}
