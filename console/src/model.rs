//! The API's answers as the console reads them (docs: `notes/console-contract.md`, `api/API.md`), and
//! what an answer means for the console: a value, "sign in again", "change your password first",
//! "enrol TOTP first" or a problem to show. Read from the widget's small JSON value (the browser's
//! `JSON.parse`), so no JSON parser is compiled into the bundle. No DOM code.

use anbei_widget::i18n::{Lang, Texts};
use anbei_widget::json::Json;

/// A string member ("" when absent or not a string).
fn st(j: &Json, k: &str) -> String {
    j.str_at(k).to_string()
}

/// A string member, `None` when absent, null or empty.
fn opt(j: &Json, k: &str) -> Option<String> {
    j.get(k)
        .and_then(Json::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn flag(j: &Json, k: &str) -> bool {
    j.get(k).and_then(Json::as_bool).unwrap_or(false)
}

/// A member that may be a number or a string (ids), as text.
fn id_text(j: &Json, k: &str) -> String {
    match j.get(k) {
        Some(Json::Str(s)) => s.clone(),
        Some(Json::Num(n)) => anbei_widget::json::num_text(*n),
        _ => String::new(),
    }
}

/// The cursor of the next page: `next` (the queue, the audit log — a number there) or `next_after`
/// (the ledger); `None` at the end.
fn next(j: &Json) -> Option<String> {
    ["next", "next_after"]
        .into_iter()
        .map(|k| id_text(j, k))
        .find(|t| !t.is_empty())
}

fn items<T>(j: &Json, read: impl Fn(&Json) -> T) -> Vec<T> {
    match j.get("items") {
        Some(Json::Arr(a)) => a.iter().map(read).collect(),
        _ => Vec::new(),
    }
}

/// An account as the API shows it.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Account {
    pub login: String,
    pub name: String,
    /// `officer`, `admin`, `community`, `property`, `patrol`, `viewer`.
    pub role: String,
    pub street: Option<String>,
    pub community: Option<String>,
    pub areas: Vec<String>,
    pub department: Option<String>,
    pub disabled: bool,
    pub totp_enabled: bool,
    pub must_change_password: bool,
    pub created_at: String,
    pub last_sign_in_at: Option<String>,
}

impl Account {
    pub fn from_json(j: &Json) -> Account {
        Account {
            login: st(j, "login"),
            name: st(j, "name"),
            role: st(j, "role"),
            street: opt(j, "street"),
            community: opt(j, "community"),
            areas: match j.get("areas") {
                Some(Json::Arr(a)) => a
                    .iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect(),
                _ => Vec::new(),
            },
            department: opt(j, "department"),
            disabled: flag(j, "disabled"),
            totp_enabled: flag(j, "totp_enabled"),
            must_change_password: flag(j, "must_change_password"),
            created_at: st(j, "created_at"),
            last_sign_in_at: opt(j, "last_sign_in_at"),
        }
    }

    /// Two accounts may share a display name: always "name（login）" / "name (login)".
    pub fn display(&self, lang: Lang) -> String {
        display_name(&self.name, &self.login, lang)
    }

    pub fn is_admin(&self) -> bool {
        self.role == "admin"
    }
}

/// "李伟（li.wei）" / "李伟 (li.wei)"; the login alone when there is no name.
pub fn display_name(name: &str, login: &str, lang: Lang) -> String {
    match (name.trim().is_empty(), lang.texts()) {
        (true, _) => login.to_string(),
        (false, Texts::Zh) => format!("{name}（{login}）"),
        (false, Texts::En) => format!("{name} ({login})"),
    }
}

/// `GET/POST /api/v1/session`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Session {
    pub account: Account,
    pub csrf_token: String,
    pub must_change_password: bool,
    /// An admin without TOTP: every endpoint but `session/*` refuses until it is enrolled.
    pub totp_enrolment_required: bool,
    pub idle_minutes: Option<f64>,
    pub expires_at: String,
}

impl Session {
    pub fn from_json(j: &Json) -> Session {
        let account = j.get("account").map(Account::from_json).unwrap_or_default();
        Session {
            must_change_password: flag(j, "must_change_password") || account.must_change_password,
            totp_enrolment_required: flag(j, "totp_enrolment_required"),
            account,
            csrf_token: st(j, "csrf_token"),
            idle_minutes: j.get("idle_minutes").and_then(Json::as_f64),
            expires_at: st(j, "expires_at"),
        }
    }
}

/// The statuses of a filing, in the order the queue's tabs and the filters show them.
pub const STATUSES: [&str; 9] = [
    "filed",
    "returned",
    "registered",
    "extended",
    "expired",
    "completion_declared",
    "refused",
    "cancelled",
    "revoked",
];

/// The scopes a filter may ask for (codes of the rule data).
pub const SCOPES: [&str; 2] = ["SCOPE_SMALL_PROJECT", "SCOPE_SPORADIC_WORK"];

/// A row of the queue.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct QueueItem {
    pub filing_no: String,
    pub status: String,
    pub street: String,
    pub community: String,
    pub scope: String,
    pub high_risk: bool,
    pub filed_on: String,
    pub acceptance_due: Option<String>,
    pub overdue: bool,
    pub applicant_name: String,
    pub site_address: String,
    pub receipt_no: Option<String>,
    pub can_decide: bool,
}

/// `GET /api/v1/queue`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct QueuePage {
    pub today: String,
    /// Status → count, in [`STATUSES`] order, then any other status the API counts.
    pub counts: Vec<(String, u64)>,
    pub items: Vec<QueueItem>,
    pub next: Option<String>,
}

impl QueuePage {
    pub fn from_json(j: &Json) -> QueuePage {
        let mut counts: Vec<(String, u64)> = Vec::new();
        if let Some(Json::Obj(m)) = j.get("counts") {
            for s in STATUSES {
                if let Some(n) = m.iter().find(|(k, _)| k == s).and_then(|(_, v)| v.as_f64()) {
                    counts.push((s.to_string(), n as u64));
                }
            }
            for (k, v) in m {
                if !STATUSES.contains(&k.as_str()) {
                    counts.push((k.clone(), v.as_f64().unwrap_or(0.0) as u64));
                }
            }
        }
        QueuePage {
            today: st(j, "today"),
            counts,
            items: items(j, |i| QueueItem {
                filing_no: st(i, "filing_no"),
                status: st(i, "status"),
                street: st(i, "street"),
                community: st(i, "community"),
                scope: st(i, "scope"),
                high_risk: flag(i, "high_risk"),
                filed_on: st(i, "filed_on"),
                acceptance_due: opt(i, "acceptance_due"),
                overdue: flag(i, "overdue"),
                applicant_name: st(i, "applicant_name"),
                site_address: st(i, "site_address"),
                receipt_no: opt(i, "receipt_no"),
                can_decide: flag(i, "can_decide"),
            }),
            next: next(j),
        }
    }
}

/// A row of the ledger (`api/src/routes/registrations/ledger.rs`, `LedgerRow`).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct LedgerRow {
    pub filing_no: String,
    pub receipt_no: Option<String>,
    pub status: String,
    pub filed_on: String,
    pub scope: String,
    pub high_risk: bool,
    pub applicant_name: String,
    pub site_address: String,
    pub community: String,
    pub contractor_name: String,
    pub planned_start: String,
    pub planned_end: String,
    pub valid_until: String,
}

/// A page of rows and the cursor of the next one.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

pub fn ledger_page(j: &Json) -> Page<LedgerRow> {
    Page {
        items: items(j, |i| LedgerRow {
            filing_no: st(i, "filing_no"),
            receipt_no: opt(i, "receipt_no"),
            status: st(i, "status"),
            filed_on: st(i, "filed_on"),
            scope: st(i, "scope"),
            high_risk: flag(i, "high_risk"),
            applicant_name: st(i, "applicant_name"),
            site_address: st(i, "site_address"),
            community: st(i, "community"),
            contractor_name: st(i, "contractor_name"),
            planned_start: st(i, "planned_start"),
            planned_end: st(i, "planned_end"),
            valid_until: st(i, "valid_until"),
        }),
        next: next(j),
    }
}

/// An entry of the audit log (numbered without gaps: `seq`).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct AuditRow {
    pub seq: String,
    pub at: String,
    pub account: String,
    pub account_name: String,
    pub role: String,
    pub action: String,
    pub target: String,
    pub client: String,
    pub outcome: String,
    pub detail: String,
}

/// The first of these members that is a non-empty string or a number.
fn first(j: &Json, keys: &[&str]) -> String {
    keys.iter()
        .map(|k| id_text(j, k))
        .find(|t| !t.is_empty())
        .unwrap_or_default()
}

pub fn audit_page(j: &Json) -> Page<AuditRow> {
    Page {
        items: items(j, |i| AuditRow {
            seq: first(i, &["seq", "id"]),
            at: st(i, "at"),
            account: st(i, "account"),
            account_name: first(i, &["name", "account_name"]),
            role: st(i, "role"),
            action: st(i, "action"),
            target: st(i, "target"),
            client: st(i, "client"),
            outcome: st(i, "outcome"),
            detail: st(i, "detail"),
        }),
        next: next(j),
    }
}

pub fn accounts(j: &Json) -> Vec<Account> {
    items(j, Account::from_json)
}

/// An API token of an account (the token itself is only shown when issued).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Token {
    pub id: String,
    pub label: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub revoked_at: Option<String>,
    pub last_used_at: Option<String>,
}

pub fn tokens(j: &Json) -> Vec<Token> {
    items(j, |i| Token {
        id: id_text(i, "id"),
        label: st(i, "label"),
        created_at: st(i, "created_at"),
        expires_at: opt(i, "expires_at"),
        revoked_at: opt(i, "revoked_at"),
        last_used_at: opt(i, "last_used_at"),
    })
}

/// One field's problem of an RFC 9457 answer (`errors[]`).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct FieldProblem {
    pub field: String,
    pub rule: String,
    pub zh: String,
    pub en: String,
}

/// An RFC 9457 problem (`api/src/error.rs`), or what the console says when there is none (network).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Problem {
    /// 0: no answer (network).
    pub status: u16,
    pub code: String,
    pub title: String,
    pub title_zh: String,
    pub detail: String,
    pub detail_zh: String,
    pub errors: Vec<FieldProblem>,
}

impl Problem {
    pub fn from_json(status: u16, j: &Json) -> Problem {
        let msg = |e: &Json, l: &str| {
            e.get("message")
                .map(|m| m.str_at(l).to_string())
                .unwrap_or_default()
        };
        Problem {
            status,
            code: st(j, "code"),
            title: st(j, "title"),
            title_zh: st(j, "title_zh"),
            detail: st(j, "detail"),
            detail_zh: st(j, "detail_zh"),
            errors: match j.get("errors") {
                Some(Json::Arr(a)) => a
                    .iter()
                    .map(|e| FieldProblem {
                        field: st(e, "field"),
                        rule: st(e, "rule"),
                        zh: msg(e, "zh"),
                        en: msg(e, "en"),
                    })
                    .collect(),
                _ => Vec::new(),
            },
        }
    }

    /// The problem in the language: its detail, else its title ("" when it has neither).
    pub fn text(&self, lang: Lang) -> String {
        let (title, detail) = match lang.texts() {
            Texts::Zh => (&self.title_zh, &self.detail_zh),
            Texts::En => (&self.title, &self.detail),
        };
        // the other language's words rather than none
        [detail, title, &self.detail, &self.title]
            .into_iter()
            .find(|s| !s.trim().is_empty())
            .cloned()
            .unwrap_or_default()
    }

    /// The problem reported for `field`, in the language.
    pub fn field(&self, field: &str, lang: Lang) -> Option<String> {
        self.errors.iter().find(|e| e.field == field).map(|e| {
            let t = lang.pick(&e.zh, &e.en);
            if t.is_empty() {
                e.zh.clone()
            } else {
                t.to_string()
            }
        })
    }
}

/// What an answer means for the console.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// 2xx with a JSON body (`Null` for 204 or no body).
    Ok(Json),
    /// 401 anywhere but the sign-in itself: back to the sign-in.
    SignIn,
    /// 403 `PASSWORD_CHANGE_REQUIRED`: the change-password form first.
    PasswordChange,
    /// 403 `TOTP_ENROLMENT_REQUIRED`: TOTP enrolment first (admins).
    TotpEnrolment,
    /// Anything else: a problem to show where the request was made.
    Failed(Problem),
}

/// The meaning of an answer: its status and its body (parsed when it was JSON).
pub fn classify(status: u16, body: Option<Json>) -> Outcome {
    let body = body.unwrap_or_default();
    match status {
        200..=299 => Outcome::Ok(body),
        401 => Outcome::SignIn,
        403 if body.str_at("code") == "PASSWORD_CHANGE_REQUIRED" => Outcome::PasswordChange,
        403 if body.str_at("code") == "TOTP_ENROLMENT_REQUIRED" => Outcome::TotpEnrolment,
        _ => Outcome::Failed(Problem::from_json(status, &body)),
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// serde_json's value as the widget's (what `JSON.parse` gives in the browser).
    pub fn json(text: &str) -> Json {
        fn conv(v: &serde_json::Value) -> Json {
            match v {
                serde_json::Value::Null => Json::Null,
                serde_json::Value::Bool(b) => Json::Bool(*b),
                serde_json::Value::Number(n) => Json::Num(n.as_f64().unwrap_or(0.0)),
                serde_json::Value::String(s) => Json::Str(s.clone()),
                serde_json::Value::Array(a) => Json::Arr(a.iter().map(conv).collect()),
                serde_json::Value::Object(m) => {
                    Json::Obj(m.iter().map(|(k, v)| (k.clone(), conv(v))).collect())
                }
            }
        }
        conv(&serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}")))
    }

    #[test]
    fn a_session_reads_its_account_and_what_it_must_do_first() {
        let s = Session::from_json(&json(
            r#"{"account":{"login":"li.wei","name":"李伟","role":"admin","street":"bantian","community":null,
                "areas":["万科城"],"department":null,"disabled":false,"totp_enabled":false,
                "must_change_password":false,"created_at":"2026-12-01T08:00:00Z","last_sign_in_at":null},
                "csrf_token":"t0k","must_change_password":true,"idle_minutes":30,"expires_at":"2026-12-02T18:00:00Z",
                "totp_enrolment_required":true}"#,
        ));
        assert_eq!(s.account.display(Lang::Zh), "李伟（li.wei）");
        assert_eq!(s.account.display(Lang::En), "李伟 (li.wei)");
        assert!(s.account.is_admin() && s.must_change_password && s.totp_enrolment_required);
        assert_eq!(s.account.street.as_deref(), Some("bantian"));
        assert_eq!(s.account.community, None);
        assert_eq!(s.account.areas, vec!["万科城".to_string()]);
        assert_eq!(s.csrf_token, "t0k");
        assert_eq!(s.idle_minutes, Some(30.0));
    }

    #[test]
    fn queue_counts_follow_the_status_order() {
        let p = QueuePage::from_json(&json(
            r#"{"today":"2026-12-02","counts":{"revoked":0,"filed":12,"registered":40,"returned":3,"odd":1},
                "items":[{"filing_no":"2026-BT-0001","status":"filed","street":"bantian","community":"岗头社区",
                "scope":"SCOPE_SMALL_PROJECT","high_risk":true,"filed_on":"2026-11-27","acceptance_due":"2026-12-01",
                "overdue":true,"applicant_name":"张三","site_address":"坂田街道1号","receipt_no":null,"can_decide":true}],
                "next":"abc"}"#,
        ));
        let order: Vec<&str> = p.counts.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(order, ["filed", "returned", "registered", "revoked", "odd"]);
        assert_eq!(p.counts[0].1, 12);
        let i = &p.items[0];
        assert!(i.overdue && i.high_risk && i.can_decide);
        assert_eq!(i.acceptance_due.as_deref(), Some("2026-12-01"));
        assert_eq!(i.receipt_no, None);
        assert_eq!(p.next.as_deref(), Some("abc"));
        assert_eq!(
            QueuePage::from_json(&json(r#"{"items":[],"next":null}"#)).next,
            None
        );
    }

    #[test]
    fn answers_are_classified() {
        assert_eq!(classify(200, Some(json("{}"))), Outcome::Ok(json("{}")));
        assert_eq!(classify(204, None), Outcome::Ok(Json::Null));
        assert_eq!(
            classify(401, Some(json(r#"{"code":"SIGN_IN_FAILED"}"#))),
            Outcome::SignIn
        );
        assert_eq!(
            classify(403, Some(json(r#"{"code":"PASSWORD_CHANGE_REQUIRED"}"#))),
            Outcome::PasswordChange
        );
        assert_eq!(
            classify(403, Some(json(r#"{"code":"TOTP_ENROLMENT_REQUIRED"}"#))),
            Outcome::TotpEnrolment
        );
        let Outcome::Failed(p) = classify(
            422,
            Some(json(
                r#"{"status":422,"code":"VALIDATION","title":"Invalid","title_zh":"请求有误",
                    "detail":"1 problem","detail_zh":"有1处问题",
                    "errors":[{"field":"new_password","rule":"length","message":{"zh":"至少12个字符","en":"at least 12 characters"}}]}"#,
            )),
        ) else {
            panic!("a 422 is a problem")
        };
        assert_eq!(p.text(Lang::Zh), "有1处问题");
        assert_eq!(p.text(Lang::En), "1 problem");
        assert_eq!(
            p.field("new_password", Lang::En).as_deref(),
            Some("at least 12 characters")
        );
        assert_eq!(p.field("login", Lang::En), None);
        // a 403 for another reason, and no answer at all
        assert!(
            matches!(classify(403, Some(json(r#"{"code":"FORBIDDEN"}"#))), Outcome::Failed(p) if p.code == "FORBIDDEN")
        );
        assert!(
            matches!(classify(0, None), Outcome::Failed(p) if p.status == 0 && p.text(Lang::Zh).is_empty())
        );
    }

    #[test]
    fn the_ledger_pages_on_next_after() {
        let l = ledger_page(&json(
            r#"{"items":[{"filing_no":"A-1","receipt_no":null,"status":"registered","high_risk":false}],"next_after":"A-1"}"#,
        ));
        assert_eq!(l.next.as_deref(), Some("A-1"));
        assert_eq!(l.items[0].receipt_no, None);
        assert_eq!(
            ledger_page(&json(r#"{"items":[],"next_after":null}"#)).next,
            None
        );
    }

    #[test]
    fn ids_may_be_numbers_or_strings() {
        let t = tokens(&json(
            r#"{"items":[{"id":7,"label":"ci","created_at":"x","expires_at":null,"revoked_at":null,"last_used_at":null},
                          {"id":"tok_2","label":"b","created_at":"y","expires_at":"2027-01-01","revoked_at":"z"}]}"#,
        ));
        assert_eq!(t[0].id, "7");
        assert_eq!(t[1].id, "tok_2");
        assert_eq!(t[1].revoked_at.as_deref(), Some("z"));
        let a = audit_page(&json(
            r#"{"items":[{"seq":3,"at":"t","account":"li.wei","name":"李伟","role":"officer","action":"sign_in",
                "target":"","client":"127.0.0.1","outcome":"ok","detail":null,"prev":"x","hash":"y"}],"next":4}"#,
        ));
        assert_eq!(a.items[0].seq, "3");
        assert_eq!(a.next.as_deref(), Some("4"));
        assert_eq!(
            display_name(&a.items[0].account_name, &a.items[0].account, Lang::Zh),
            "李伟（li.wei）"
        );
        assert_eq!(display_name("", "system", Lang::Zh), "system");
    }
}
