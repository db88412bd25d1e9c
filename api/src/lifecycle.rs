//! The registration lifecycle of rules.md §7 as data: the statuses, the actions, the actors, and ONE
//! transition table, [`TRANSITIONS`] (status × action × actor → next status, under a [`Guard`]).
//! Handlers ask [`decide`] whether an action is allowed and what the next status is; they never compare
//! statuses or actions themselves. A refusal is one problem naming the action and the current state in
//! zh and en ([`Refusal`]): 403 when the actor may never take the action, 409 otherwise.
//!
//! # Adding a lifecycle action
//! 1. a variant of [`Action`] (its stored name and its article) and its row(s) in [`TRANSITIONS`];
//!    its names in each catalogue file under `messages/`;
//! 2. a handler in `routes/registrations/` that takes its caller from an extractor of [`crate::auth`]
//!    (the table's actor), asks [`decide`], and records [`event`];
//! 3. its `#[utoipa::path]` in `openapi.rs` (the route/document test fails until it is there);
//! 4. a test in `api/tests/api.rs` naming its article (依据：…).
//!
//! Adding a role (rules.md §10: community, property, patrol, viewer) is a variant of [`Role`], its
//! names in the catalogue files, and the rows it may use; the officers' scope check is in `auth.rs`.

use crate::store::Event;
pub use crate::store::Status;
use anbei_core::Date;
use std::fmt;

/// A stored value that is not one of a type's names: an error, never a silent default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownValue {
    pub kind: &'static str,
    pub value: String,
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} {:?}", self.kind, self.value)
    }
}

impl std::error::Error for UnknownValue {}

/// `Display` and `Serialize` of a type with a `const fn as_str(self)`: it is shown as that name.
macro_rules! shown_as_str {
    ($name:ident) => {
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

/// An enum stored and shown as a fixed name: `ALL`, `as_str`, strict `FromStr`, `Display`, `Serialize`.
macro_rules! named_enum {
    ($(#[$m:meta])* pub enum $name:ident { $($(#[$vm:meta])* $v:ident = $s:literal,)* }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vm])* $v,)* }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),*];
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$v => $s,)* }
            }
        }
        impl std::str::FromStr for $name {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<$name, UnknownValue> {
                match s {
                    $($s => Ok($name::$v),)*
                    _ => Err(UnknownValue { kind: stringify!($name), value: s.to_owned() }),
                }
            }
        }
        shown_as_str!($name);
    };
}

named_enum! {
    /// What is done to a registration. The name is what its history event records (and what stored
    /// events already say).
    pub enum Action {
        /// The applicant files (登记申报) — 第二十五条, 第二十六条.
        File = "filed",
        /// 快速受理: the system registers a complete, not high-risk filing at once — 第二十七条第（三）项.
        Register = "registered",
        /// An officer of the street accepts (受理) — 第二十七条第（二）（三）项, 第二十一条第（四）项.
        Accept = "accepted",
        /// An officer returns it with every requested change at once (一次性告知) — 第二十七条第（三）项.
        Return = "returned",
        /// The applicant answers a return with the corrected filing — 第二十七条第（三）项.
        Resubmit = "resubmitted",
        /// An officer refuses it (needs a permit, prohibited) — 第二十七条第（三）项.
        Refuse = "refused",
        /// The applicant extends it, inside the 15 days before it expires — 第二十五条.
        Extend = "extended",
        /// The applicant or the contractor declares completion (注销申报, within 3 working days of
        /// completion, with the waste-disposal record) — 第三十三条.
        DeclareCompletion = "completion_declared",
        /// The completion check confirms it on site and closes it (注销; "现场核实确认，实现闭环管理")
        /// — 第三十三条. Events stored before v3 record the applicant's own 注销 under this name.
        Cancel = "cancelled",
        /// An officer revokes it (信息登记无效，予以撤销) — 第二十五条.
        Revoke = "revoked",
        /// An admin corrects a person's name or mobile in it, at that person's request (PIPL 第四十六条;
        /// issue 16, item 7). No transition: the status stays.
        Correct = "corrected",
        /// The system removed its personal data after the retention period (PIPL 第四十七条). No
        /// transition: the status stays.
        Purge = "purged",
    }
}

impl Action {
    /// The article the action rests on.
    pub const fn article(self) -> &'static str {
        match self {
            Action::File => "第二十五条、第二十六条",
            Action::Register => "第二十七条第（三）项",
            Action::Accept => "第二十七条第（二）（三）项",
            Action::Return | Action::Resubmit | Action::Refuse => "第二十七条第（三）项",
            Action::Extend | Action::Revoke => "第二十五条",
            Action::DeclareCompletion | Action::Cancel => "第三十三条",
            Action::Correct => "《个人信息保护法》第四十六条",
            Action::Purge => "《个人信息保护法》第四十七条",
        }
    }
}

named_enum! {
    /// The role of a staff account (rules.md §10). `admin` covers every street (or one); `officer` one
    /// street; `community` one community of one street; `property` its property-management areas of one
    /// street; `patrol` one street (or one community of it); `viewer` the works of one department.
    pub enum Role {
        Officer = "officer",
        Admin = "admin",
        Community = "community",
        Property = "property",
        Patrol = "patrol",
        Viewer = "viewer",
    }
}

/// Who takes an action: the applicant (the filing's access token), the contractor named in the filing
/// (its own access code, rules.md §10, *product policy*), a staff account, or the system.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Actor {
    Applicant,
    Contractor,
    Staff(Role),
    System,
}

impl Actor {
    pub const fn as_str(self) -> &'static str {
        match self {
            Actor::Applicant => "applicant",
            Actor::Contractor => "contractor",
            Actor::Staff(r) => r.as_str(),
            Actor::System => "system",
        }
    }
    /// Every actor, for walking the table.
    pub fn all() -> Vec<Actor> {
        let mut v = vec![Actor::Applicant, Actor::Contractor, Actor::System];
        v.extend(Role::ALL.iter().map(|r| Actor::Staff(*r)));
        v
    }
}

impl std::str::FromStr for Actor {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Actor, UnknownValue> {
        match s {
            "applicant" => Ok(Actor::Applicant),
            "contractor" => Ok(Actor::Contractor),
            "system" => Ok(Actor::System),
            _ => s.parse().map(Actor::Staff).map_err(|_| UnknownValue {
                kind: "Actor",
                value: s.to_owned(),
            }),
        }
    }
}

shown_as_str!(Actor);

named_enum! {
    /// The state a registration is in as shown: its stored status, or `expired` once a registration in
    /// force is past its `valid_until` (derived when read, never stored).
    pub enum State {
        Filed = "filed",
        Returned = "returned",
        Registered = "registered",
        Extended = "extended",
        /// 注销申报 made; awaiting the street's completion check (rules.md §7 v3, 第三十三条).
        CompletionDeclared = "completion_declared",
        Refused = "refused",
        Cancelled = "cancelled",
        Revoked = "revoked",
        Expired = "expired",
    }
}

/// In the OpenAPI document: a string, one of the states' names.
impl utoipa::PartialSchema for State {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(State::ALL.iter().map(|s| s.as_str())))
            .into()
    }
}

impl utoipa::ToSchema for State {}

impl From<Status> for State {
    fn from(s: Status) -> State {
        match s {
            Status::Filed => State::Filed,
            Status::Returned => State::Returned,
            Status::Registered => State::Registered,
            Status::Extended => State::Extended,
            Status::CompletionDeclared => State::CompletionDeclared,
            Status::Refused => State::Refused,
            Status::Cancelled => State::Cancelled,
            Status::Revoked => State::Revoked,
        }
    }
}

impl State {
    /// The state on `today` of a registration stored as `status` with this `valid_until`.
    pub fn on(status: Status, valid_until: Option<Date>, today: Date) -> State {
        if status.is_live() && valid_until.is_some_and(|v| v < today) {
            State::Expired
        } else {
            status.into()
        }
    }
    /// A registration in force: what a receipt verifies as valid. Not `completion_declared`: the
    /// applicant has declared the work finished (第三十三条), so the receipt no longer admits work on the
    /// site — it must not be used to start new work while the street confirms completion; the scan
    /// page says "completion declared, awaiting the street's check" instead of "void".
    pub const fn in_force(self) -> bool {
        matches!(self, State::Registered | State::Extended)
    }
}

/// A condition a row needs besides the status (data in the table, not an `if` in a handler).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guard {
    Always,
    /// 快速受理 (product policy, per street): not high risk, and the street has it on.
    FastAcceptance,
    /// Inside the 15 days ending on `valid_until` ("逾期前15日内", 第二十五条), and not past it.
    ExtensionWindow,
    /// Not high risk: high-risk acceptance stays with the street office (第二十一条第（四）项).
    NotHighRisk,
}

/// How long a registration is valid, for [`Guard::ExtensionWindow`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Validity {
    pub valid_until: Date,
    /// The window's length in days (rule-set parameter `extension_window_days`, 15).
    pub window_days: u32,
}

impl Validity {
    /// The first day of the window.
    pub fn window_start(self) -> Date {
        self.valid_until.add_days(1 - self.window_days as i32)
    }
}

/// What the guards look at, as the handler knows it.
#[derive(Clone, Copy, Debug)]
pub struct Context {
    pub today: Date,
    pub high_risk: bool,
    /// The street's 快速受理 setting.
    pub street_fast_accept: bool,
    /// Set for a registration that has a receipt.
    pub validity: Option<Validity>,
}

impl Guard {
    fn check(self, cx: &Context) -> Result<(), crate::error::Msg> {
        use crate::error::Msg;
        use crate::messages::Key;
        match self {
            Guard::Always => Ok(()),
            Guard::FastAcceptance if !cx.high_risk && cx.street_fast_accept => Ok(()),
            Guard::FastAcceptance => Err(Msg::of(Key::NoFastAcceptance)),
            Guard::NotHighRisk if !cx.high_risk => Ok(()),
            Guard::NotHighRisk => Err(Msg::of(Key::HighRiskStaysWithStreet)),
            Guard::ExtensionWindow => {
                let Some(v) = cx.validity else {
                    return Err(Msg::of(Key::NotInForce));
                };
                if cx.today > v.valid_until {
                    Err(Msg::with(Key::Expired, &[("date", &v.valid_until)]))
                } else if cx.today < v.window_start() {
                    Err(Msg::with(
                        Key::OutsideExtensionWindow,
                        &[
                            ("days", &v.window_days),
                            ("start", &v.window_start()),
                            ("end", &v.valid_until),
                        ],
                    ))
                } else {
                    Ok(())
                }
            }
        }
    }
}

/// One row of the table: `action` by one of `by`, from one of `from` (empty: a new filing, no status
/// yet), when `when` holds, leads to `to`.
#[derive(Clone, Copy, Debug)]
pub struct Transition {
    pub from: &'static [Status],
    pub action: Action,
    pub by: &'static [Actor],
    pub when: Guard,
    pub to: Status,
}

const APPLICANT: &[Actor] = &[Actor::Applicant];
/// The applicant or the contractor named in the filing (rules.md §10: the contractor's own access code).
const APPLICANT_OR_CONTRACTOR: &[Actor] = &[Actor::Applicant, Actor::Contractor];
/// Who records a completion check (rules.md §10): the street office, its communities and patrols.
const INSPECTORS: &[Actor] = &[
    Actor::Staff(Role::Officer),
    Actor::Staff(Role::Admin),
    Actor::Staff(Role::Community),
    Actor::Staff(Role::Patrol),
];
const SYSTEM: &[Actor] = &[Actor::System];
/// The street office: its officers, and admins (rules.md §10: "everything below").
const STREET_OFFICE: &[Actor] = &[Actor::Staff(Role::Officer), Actor::Staff(Role::Admin)];
/// Community workstations and commissioned property companies: non-high-risk filings of their
/// community or areas (rules.md §10, 第二十一条第（四）项, 第二十三条第（一）项).
const DELEGATED: &[Actor] = &[Actor::Staff(Role::Community), Actor::Staff(Role::Property)];
const NEW: &[Status] = &[];
const IN_FORCE: &[Status] = &[Status::Registered, Status::Extended];

/// The lifecycle (rules.md §7). For one status, action and actor the first row whose guard holds wins.
pub static TRANSITIONS: &[Transition] = &[
    Transition {
        from: NEW,
        action: Action::File,
        by: APPLICANT,
        when: Guard::Always,
        to: Status::Filed,
    },
    Transition {
        from: &[Status::Filed],
        action: Action::Register,
        by: SYSTEM,
        when: Guard::FastAcceptance,
        to: Status::Registered,
    },
    Transition {
        from: &[Status::Filed],
        action: Action::Accept,
        by: STREET_OFFICE,
        when: Guard::Always,
        to: Status::Registered,
    },
    Transition {
        from: &[Status::Filed],
        action: Action::Accept,
        by: DELEGATED,
        when: Guard::NotHighRisk,
        to: Status::Registered,
    },
    Transition {
        from: &[Status::Filed],
        action: Action::Return,
        by: STREET_OFFICE,
        when: Guard::Always,
        to: Status::Returned,
    },
    Transition {
        from: &[Status::Filed],
        action: Action::Return,
        by: DELEGATED,
        when: Guard::NotHighRisk,
        to: Status::Returned,
    },
    Transition {
        from: &[Status::Returned],
        action: Action::Resubmit,
        by: APPLICANT,
        when: Guard::FastAcceptance,
        to: Status::Registered,
    },
    Transition {
        from: &[Status::Returned],
        action: Action::Resubmit,
        by: APPLICANT,
        when: Guard::Always,
        to: Status::Filed,
    },
    Transition {
        from: &[Status::Filed, Status::Returned],
        action: Action::Refuse,
        by: STREET_OFFICE,
        when: Guard::Always,
        to: Status::Refused,
    },
    Transition {
        from: IN_FORCE,
        action: Action::Extend,
        by: APPLICANT,
        when: Guard::ExtensionWindow,
        to: Status::Extended,
    },
    Transition {
        from: IN_FORCE,
        action: Action::DeclareCompletion,
        by: APPLICANT_OR_CONTRACTOR,
        when: Guard::Always,
        to: Status::CompletionDeclared,
    },
    // Taken only by recording an `INSPECTION_COMPLETION` with `IC_WORK_COMPLETED` ok and no finding
    // left open (routes/inspections.rs): the completion check closes the registration.
    Transition {
        from: &[Status::CompletionDeclared],
        action: Action::Cancel,
        by: INSPECTORS,
        when: Guard::Always,
        to: Status::Cancelled,
    },
    Transition {
        from: &[
            Status::Registered,
            Status::Extended,
            Status::CompletionDeclared,
        ],
        action: Action::Revoke,
        by: STREET_OFFICE,
        when: Guard::Always,
        to: Status::Revoked,
    },
];

/// Why the table said no.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// 403: this actor never takes this action.
    NotPermitted { action: Action, actor: Actor },
    /// 409: not from the registration's current state; `allowed` lists the statuses it is taken from.
    WrongState {
        action: Action,
        state: Option<State>,
        allowed: Vec<Status>,
    },
    /// 409: the status fits but a condition of the row does not hold.
    Condition {
        action: Action,
        why: crate::error::Msg,
    },
}

/// Whether `actor` may take `action` on a registration in status `from` (`None`: a new filing), and
/// the status it then has.
pub fn decide(
    from: Option<Status>,
    action: Action,
    actor: Actor,
    cx: &Context,
) -> Result<Status, Refusal> {
    row(from, action, actor, cx).map(|t| t.to)
}

/// The row of [`TRANSITIONS`] that decides.
fn row(
    from: Option<Status>,
    action: Action,
    actor: Actor,
    cx: &Context,
) -> Result<&'static Transition, Refusal> {
    let rows = || {
        TRANSITIONS
            .iter()
            .filter(move |t| t.action == action && t.by.contains(&actor))
    };
    if rows().next().is_none() {
        return Err(Refusal::NotPermitted { action, actor });
    }
    let fits = |t: &&'static Transition| match from {
        None => t.from.is_empty(),
        Some(s) => t.from.contains(&s),
    };
    let mut why = None;
    for t in rows().filter(fits) {
        match t.when.check(cx) {
            Ok(()) => return Ok(t),
            Err(m) => why = Some(m),
        }
    }
    match why {
        Some(why) => Err(Refusal::Condition { action, why }),
        None => {
            let mut allowed: Vec<Status> = Vec::new();
            for s in rows().flat_map(|t| t.from) {
                if !allowed.contains(s) {
                    allowed.push(*s);
                }
            }
            Err(Refusal::WrongState {
                action,
                state: from.map(|s| State::on(s, cx.validity.map(|v| v.valid_until), cx.today)),
                allowed,
            })
        }
    }
}

/// The history entry for `action` taken by `actor` (with the account's name; never an applicant's).
pub fn event(
    at: String,
    actor: Actor,
    name: Option<&str>,
    action: Action,
    reason: Option<String>,
    data: Option<serde_json::Value>,
) -> Event {
    Event {
        at,
        actor,
        actor_name: name.map(str::to_owned),
        action,
        reason,
        data,
    }
}

named_enum! {
    /// The grounds on which a registration is revoked (第二十五条).
    pub enum RevocationGround {
        /// 虚假申报
        FalseFiling = "false_filing",
        /// 刻意规避施工许可证办理
        PermitEvasion = "permit_evasion",
        /// 超出登记范围施工
        BeyondScope = "beyond_scope",
        /// 违法建设
        IllegalConstruction = "illegal_construction",
    }
}

/// Stored in the database as their names (the `events` table's `actor` and `action` columns): a name
/// that is not one of them is a decoding error.
macro_rules! stored_as_text {
    ($($t:ty),*) => {$(
        impl rusqlite::types::ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::from(self.as_str()))
            }
        }
        impl rusqlite::types::FromSql for $t {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                v.as_str()?.parse().map_err(|e| rusqlite::types::FromSqlError::Other(Box::new(e)))
            }
        }
        impl sqlx::Type<sqlx::Postgres> for $t {
            fn type_info() -> sqlx::postgres::PgTypeInfo {
                <&str as sqlx::Type<sqlx::Postgres>>::type_info()
            }
            fn compatible(ty: &sqlx::postgres::PgTypeInfo) -> bool {
                <&str as sqlx::Type<sqlx::Postgres>>::compatible(ty)
            }
        }
        impl sqlx::Encode<'_, sqlx::Postgres> for $t {
            fn encode_by_ref(
                &self,
                buf: &mut sqlx::postgres::PgArgumentBuffer,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <&str as sqlx::Encode<sqlx::Postgres>>::encode(self.as_str(), buf)
            }
        }
        impl sqlx::Decode<'_, sqlx::Postgres> for $t {
            fn decode(v: sqlx::postgres::PgValueRef<'_>) -> Result<Self, sqlx::error::BoxDynError> {
                Ok(<&str as sqlx::Decode<sqlx::Postgres>>::decode(v)?.parse()?)
            }
        }
    )*};
}

stored_as_text!(Action, Actor);

#[cfg(test)]
mod tests;
