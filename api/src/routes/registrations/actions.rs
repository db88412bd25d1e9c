//! The lifecycle actions after filing (rules.md §7): an officer of the street accepts, returns, refuses
//! or revokes; the applicant extends or cancels. Each takes its caller from an extractor (`auth.rs`),
//! asks the lifecycle table through [`step`], and stores the update with its history event.

use super::create::receipt_draft;
use super::views::RegistrationView;
use super::{
    applicant_step, commit, commit_staff, filed_on, officer_step, optional_body, party_step,
    reason, store_update, text,
};
use crate::app::AppState;
use crate::auth::{Applicant, Party, StreetOfficer};
use crate::error::{ApiBody, ApiError, ApiJson, FieldProblem, Msg, parse_json};
use crate::filing::{self, Filing};
use crate::lifecycle::{Action, RevocationGround};
use crate::messages::Key;
use crate::store::ReceiptOp;
use anbei_core::Date;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct NoteBody {
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReasonBody {
    pub reason: String,
    /// Revocation only: `false_filing` (虚假申报), `permit_evasion` (刻意规避施工许可证办理),
    /// `beyond_scope` (超出登记范围施工), `illegal_construction` (违法建设) — 第二十五条.
    #[serde(default)]
    pub ground: Option<String>,
    /// Refusal: the article the refusal rests on (e.g. 第六条 for work needing a construction permit).
    #[serde(default)]
    pub article: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ChangeIn {
    pub field: String,
    pub message: ChangeMessage,
}

/// Why a field must change: Chinese is enough (the English falls back to it).
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ChangeMessage {
    pub zh: String,
    #[serde(default)]
    pub en: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReturnBody {
    pub changes: Vec<ChangeIn>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ExtensionBody {
    pub new_valid_until: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct CancellationBody {
    pub completion_date: String,
    /// Upload id of the waste-disposal record (第三十三条).
    pub waste_disposal_record: String,
}

/// A date field that is not a real date.
fn bad_date(field: &str) -> FieldProblem {
    FieldProblem::msg(field, "date", Msg::of(Key::Date))
}

/// An officer of the street accepts a filed registration (第二十七条第（二）（三）项): it becomes
/// `registered` and the receipt is issued.
#[utoipa::path(post, path = "/api/v1/registrations/{filing_no}/acceptance", tag = "officers",
    params(("filing_no" = String, Path)), security(("bearer" = []), ("session" = [])), request_body(content = NoteBody),
    responses((status = 200, body = RegistrationView), (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem)))]
pub async fn accept(
    State(s): State<AppState>,
    o: StreetOfficer,
    ApiBody(body): ApiBody,
) -> Result<Json<RegistrationView>, ApiError> {
    let mut u = officer_step(&s, &o, Action::Accept)?;
    let b: NoteBody = optional_body(&body)?;
    let note = b.note.map(|n| reason(&n, "note")).transpose()?;
    let rec = &o.rec;
    let f: Filing = serde_json::from_str(&rec.request).map_err(ApiError::internal)?;
    let filed_on = filed_on(rec)?;
    // Decided again with the registration date: the validity runs from today (第二十五条).
    let a = filing::decide(&s.engine, &f.facts, filed_on, Some(s.today().max(filed_on)))
        .map_err(|_| ApiError::internal("stored facts no longer decide"))?;
    u.receipt = ReceiptOp::Issue(receipt_draft(
        &s,
        a.ruleset.id,
        &rec.scope,
        rec.high_risk,
        a.deadlines.valid_until.map(|d| d.to_string()),
        &f.site,
    )?);
    u.assessment = Some(serde_json::to_string(&a).map_err(ApiError::internal)?);
    u.event.reason = note;
    commit_staff(&s, &o, u).await
}

/// An officer returns a filing with every requested change at once (一次性告知, 第二十七条第（三）项).
#[utoipa::path(post, path = "/api/v1/registrations/{filing_no}/return", tag = "officers",
    params(("filing_no" = String, Path)), security(("bearer" = []), ("session" = [])), request_body(content = ReturnBody),
    responses((status = 200, body = RegistrationView), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn return_filing(
    State(s): State<AppState>,
    o: StreetOfficer,
    ApiBody(body): ApiBody,
) -> Result<Json<RegistrationView>, ApiError> {
    // Whether this account may return it at all comes before what it asks for.
    let mut u = officer_step(&s, &o, Action::Return)?;
    let b: ReturnBody = parse_json(&body)?;
    let mut problems = Vec::new();
    let mut changes = Vec::new();
    if b.changes.is_empty() || b.changes.len() > 100 {
        problems.push(FieldProblem::msg(
            "changes",
            "length",
            Msg::of(Key::ChangesLength),
        ));
    }
    let mut check = |v: &str, field: String, max: usize| {
        text(v, &field, max).map_err(|p| problems.push(p)).ok()
    };
    for (i, c) in b.changes.iter().enumerate() {
        let field = check(&c.field, format!("changes.{i}.field"), 200);
        let zh = check(&c.message.zh, format!("changes.{i}.message.zh"), 1000);
        let en = if c.message.en.trim().is_empty() {
            zh.clone()
        } else {
            check(&c.message.en, format!("changes.{i}.message.en"), 1000)
        };
        if let (Some(field), Some(zh), Some(en)) = (field, zh, en) {
            changes.push(json!({ "field": field, "message": { "zh": zh, "en": en } }));
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid_request(problems));
    }
    let changes = Value::Array(changes);
    u.requested_changes = Some(Some(changes.to_string()));
    u.event.data = Some(json!({ "changes": changes }));
    commit_staff(&s, &o, u).await
}

/// An officer refuses a filing (it needs a permit, or is prohibited), with the reason
/// (第二十七条第（三）项).
#[utoipa::path(post, path = "/api/v1/registrations/{filing_no}/refusal", tag = "officers",
    params(("filing_no" = String, Path)), security(("bearer" = []), ("session" = [])), request_body(content = ReasonBody),
    responses((status = 200, body = RegistrationView), (status = 409, body = crate::error::Problem)))]
pub async fn refuse(
    State(s): State<AppState>,
    o: StreetOfficer,
    ApiBody(body): ApiBody,
) -> Result<Json<RegistrationView>, ApiError> {
    let mut u = officer_step(&s, &o, Action::Refuse)?;
    let b: ReasonBody = parse_json(&body)?;
    let why = reason(&b.reason, "reason")?;
    let article = b
        .article
        .as_deref()
        .filter(|a| !a.trim().is_empty())
        .map(|a| text(a, "article", 100))
        .transpose()
        .map_err(|p| ApiError::invalid_request(vec![p]))?;
    u.event.reason = Some(why);
    u.event.data = article.map(|a| json!({ "article": a }));
    commit_staff(&s, &o, u).await
}

/// An officer revokes a registration (信息登记无效，予以撤销, 第二十五条), with the reason.
#[utoipa::path(post, path = "/api/v1/registrations/{filing_no}/revocation", tag = "officers",
    params(("filing_no" = String, Path)), security(("bearer" = []), ("session" = [])), request_body(content = ReasonBody),
    responses((status = 200, body = RegistrationView), (status = 409, body = crate::error::Problem)))]
pub async fn revoke(
    State(s): State<AppState>,
    o: StreetOfficer,
    ApiBody(body): ApiBody,
) -> Result<Json<RegistrationView>, ApiError> {
    let mut u = officer_step(&s, &o, Action::Revoke)?;
    let b: ReasonBody = parse_json(&body)?;
    let why = reason(&b.reason, "reason")?;
    let ground = b
        .ground
        .as_deref()
        .map(str::parse::<RevocationGround>)
        .transpose()
        .map_err(|_| {
            ApiError::invalid_request(vec![FieldProblem::msg(
                "ground",
                "code",
                Msg::each(|l| {
                    let all = l.list(RevocationGround::ALL.iter().map(|g| g.as_str()));
                    l.fill(Key::RevocationGround, &[("grounds", &all)])
                }),
            )])
        })?;
    u.event.reason = Some(why);
    u.event.data = ground.map(|g| json!({ "ground": g }));
    commit_staff(&s, &o, u).await
}

/// Extend a registration: only inside the window (the 15 days ending on `valid_until`, 第二十五条),
/// to at most `validity_months` past the current `valid_until` (product policy: once per window).
#[utoipa::path(post, path = "/api/v1/registrations/{filing_no}/extension", tag = "registrations",
    params(("filing_no" = String, Path)), security(("bearer" = [])), request_body(content = ExtensionBody),
    responses((status = 200, body = RegistrationView), (status = 409, description = "outside the window", body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn extend(
    State(s): State<AppState>,
    Applicant { rec, client }: Applicant,
    ApiJson(b): ApiJson<ExtensionBody>,
) -> Result<Json<RegistrationView>, ApiError> {
    let new = Date::parse(&b.new_valid_until)
        .ok_or_else(|| ApiError::invalid_request(vec![bad_date("new_valid_until")]))?;
    let (mut u, cx) = applicant_step(&s, &rec, Action::Extend)?;
    let current = cx
        .validity
        .ok_or_else(|| ApiError::internal("registration in force without a receipt"))?
        .valid_until;
    let months = s.engine.ruleset_for(filed_on(&rec)?).params.validity_months;
    let max = current.add_months_clamped(months);
    if new <= current || new > max {
        return Err(ApiError::invalid_request(vec![FieldProblem::msg(
            "new_valid_until",
            "range",
            Msg::with(
                Key::ExtensionRange,
                &[("current", &current), ("max", &max), ("months", &months)],
            ),
        )]));
    }
    u.receipt = ReceiptOp::Resign {
        valid_until: new.to_string(),
    };
    u.event.data = Some(json!({ "from": current.to_string(), "to": new.to_string() }));
    u.audit = vec![crate::auth::applicant_audit(
        &s,
        &client,
        "extended",
        &rec.filing_no,
    )];
    commit(&s, &rec, u).await
}

/// 注销申报: after completion, with the waste-disposal record, due within 3 working days (第三十三条).
/// By the applicant or the contractor named in the filing (its own access code, rules.md §10). The
/// registration becomes `completion_declared` and an `INSPECTION_COMPLETION` falls due; the
/// completion check closes it (`cancelled`) or records findings (rules.md §7 v3).
#[utoipa::path(post, path = "/api/v1/registrations/{filing_no}/cancellation", tag = "registrations",
    params(("filing_no" = String, Path)), security(("bearer" = [])), request_body(content = CancellationBody),
    responses((status = 200, description = "`status` is `completion_declared`", body = RegistrationView), (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn cancel(
    State(s): State<AppState>,
    party: Party,
    ApiJson(b): ApiJson<CancellationBody>,
) -> Result<Json<RegistrationView>, ApiError> {
    let rec = &party.rec;
    let (mut u, cx) = party_step(&s, rec, Action::DeclareCompletion, party.actor)?;
    let today = cx.today;
    let registered_on = rec
        .receipt
        .as_ref()
        .and_then(|r| r.issued_at.get(..10))
        .and_then(Date::parse)
        .ok_or_else(|| ApiError::internal("registration in force without a receipt date"))?;
    let mut problems = Vec::new();
    let completion = Date::parse(&b.completion_date);
    let wrong = |rule: &str, m: Msg| FieldProblem::msg("completion_date", rule, m);
    match completion {
        None => problems.push(bad_date("completion_date")),
        Some(d) if d > today => {
            problems.push(wrong("future", Msg::of(Key::CompletionInFuture)));
        }
        Some(d) if d < registered_on => problems.push(wrong(
            "date_order",
            Msg::with(
                Key::CompletionBeforeRegistration,
                &[("date", &registered_on)],
            ),
        )),
        Some(_) => {}
    }
    let record = &b.waste_disposal_record;
    let upload = |rule: &str, k: Key| FieldProblem::msg("waste_disposal_record", rule, Msg::of(k));
    if !filing::is_upload_id(record) {
        problems.push(upload("upload_id", Key::UploadId));
    } else if !s.upload_known(record).await? {
        problems.push(upload("unknown_upload", Key::UnknownUpload));
    }
    let Some(completion) = completion.filter(|_| problems.is_empty()) else {
        return Err(ApiError::invalid_request(problems));
    };
    let p = &s.engine.ruleset_for(filed_on(rec)?).params;
    let due = s
        .engine
        .calendar()
        .add_working_days(completion, p.cancellation_working_days);
    let check_due = s
        .engine
        .inspection_due(anbei_core::InspectionKind::Completion, today, false)
        .map(|c| c.date.to_string());
    u.event.data = Some(json!({
        "completion_date": completion.to_string(), "waste_disposal_record": record,
        "cancellation_due": due.date.to_string(), "calendar_provisional": due.provisional, "late": today > due.date,
        "completion_check_due": check_due,
    }));
    u.audit = vec![party.audit(&s, "completion_declared")];
    let rec = store_update(&s, rec, u).await?;
    Ok(Json(match party.actor {
        crate::lifecycle::Actor::Contractor => super::views::contractor_view(&s, &rec)?,
        _ => super::views::view(&s, &rec)?,
    }))
}

/// An officer's identity check before re-issuing an applicant's access code.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReissueBody {
    /// The applicant's ID number as on the identity document the officer checked in person; it must be
    /// the one in the filing.
    pub id_number: String,
    /// Which document was checked (e.g. `居民身份证原件`); kept in the audit trail. No numbers.
    #[serde(default)]
    pub identity_document: Option<String>,
}

/// A re-issued access code, shown once.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ReissuedToken {
    pub filing_no: String,
    /// The applicant's new access code (`anb_a_…`); the old one no longer works. Stored as a hash.
    pub access_token: String,
    pub notice: Msg,
}

/// An officer re-issues an applicant's lost access code after checking the applicant's identity in
/// person (issue 16, item 5): the ID number from the document must be the filing's applicant's. A new
/// random code replaces the old one (which stops working); both the re-issue and a refused identity
/// check are audited.
#[utoipa::path(post, path = "/api/v1/registrations/{filing_no}/access-token", tag = "officers",
    params(("filing_no" = String, Path)), security(("bearer" = []), ("session" = [])), request_body(content = ReissueBody),
    responses((status = 200, body = ReissuedToken),
              (status = 403, description = "not a street officer or admin covering the registration", body = crate::error::Problem),
              (status = 422, description = "the ID number is not the applicant's (`identity_mismatch`), or missing", body = crate::error::Problem)))]
pub async fn reissue_token(
    State(s): State<AppState>,
    o: StreetOfficer,
    ApiBody(body): ApiBody,
) -> Result<Json<ReissuedToken>, ApiError> {
    use crate::lifecycle::Role;
    use crate::store::StaffOp;
    if !matches!(o.officer.role, Role::Officer | Role::Admin) {
        return Err(ApiError::forbidden(Key::ReissueNotPermitted));
    }
    let b: ReissueBody = parse_json(&body)?;
    let document = match b.identity_document.as_deref().map(str::trim) {
        Some(d) if !d.is_empty() => Some(crate::validate::text(d, 50).map_err(|e| {
            ApiError::invalid(vec![FieldProblem::new(
                "identity_document",
                e.rule,
                e.zh,
                e.en,
            )])
        })?),
        _ => None,
    };
    let given = b.id_number.trim().to_ascii_uppercase();
    if given.is_empty() {
        return Err(ApiError::invalid(vec![FieldProblem::msg(
            "id_number",
            "required",
            Msg::of(Key::ReissueIdentityMismatch),
        )]));
    }
    let rec = &o.rec;
    let f: Filing = serde_json::from_str(&rec.request).map_err(ApiError::internal)?;
    let on_file = f.applicant.id_number.trim().to_ascii_uppercase();
    let detail = document.map(|d| format!("identity document: {d}"));
    if !crate::signing::ct_eq(given.as_bytes(), on_file.as_bytes()) {
        s.store
            .staff_write(
                vec![],
                vec![o.officer.audit(
                    &s,
                    "access_token_reissue",
                    &rec.filing_no,
                    "identity_mismatch",
                    detail,
                )],
            )
            .await?;
        return Err(ApiError::invalid(vec![FieldProblem::msg(
            "id_number",
            "identity_mismatch",
            Msg::of(Key::ReissueIdentityMismatch),
        )]));
    }
    let (token, hash) = crate::tokens::new_access_token().map_err(ApiError::internal)?;
    s.store
        .staff_write(
            vec![StaffOp::SetAccessToken {
                filing_no: rec.filing_no.clone(),
                hash,
            }],
            vec![
                o.officer
                    .audit(&s, "access_token_reissue", &rec.filing_no, "ok", detail),
            ],
        )
        .await?;
    Ok(Json(ReissuedToken {
        filing_no: rec.filing_no.clone(),
        access_token: token,
        notice: Msg::of(Key::AccessTokenReissued),
    }))
}
