//! The API's message catalogue: every problem `title`/`detail` and every field-problem message the
//! API itself writes, keyed by [`Key`] (and the names of states, actions and actors), one file per
//! language: `zh_cn.rs`, `en.rs`. Each file is an exhaustive `match`, so a language missing a message
//! does not compile; `{name}` placeholders are filled by [`Msg::with`] / [`Lang::fill`], and a test
//! checks every language uses the same placeholders.
//!
//! A third language (e.g. zh-HK) is one file here (`zh_hk.rs`, a copy of `zh_cn.rs` translated), one
//! variant of [`Lang`] pointing at it, and its row in [`Lang::from_tag`] (today zh-HK falls back to
//! zh-CN there). The problem document's fields stay as API.md describes them: `title`/`detail` in
//! English, `title_zh`/`detail_zh` in Chinese, every message as `{zh, en}`.

mod en;
mod zh_cn;

use crate::error::Msg;
use crate::lifecycle::{Action, Actor, State};
use std::fmt::Display;

macro_rules! keys {
    ($($(#[$m:meta])* $k:ident,)*) => {
        /// A message of the catalogue.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Key { $($(#[$m])* $k,)* }
        impl Key {
            pub const ALL: &'static [Key] = &[$(Key::$k),*];
        }
    };
}

keys! {
    // Problem titles, one per problem code (error.rs), and their fixed details.
    BadRequest,
    InvalidFiling,
    InvalidRequest,
    InvalidFacts,
    NotRegistrable,
    IdempotencyMismatch,
    IdempotencyMismatchDetail,
    IdempotencyInFlight,
    IdempotencyInFlightDetail,
    InvalidState,
    Unauthorized,
    UnauthorizedDetail,
    Forbidden,
    /// `GET /metrics` without the metrics token, or not directly from this machine.
    MetricsForbidden,
    NotFound,
    NotFoundDetail,
    MethodNotAllowed,
    MethodNotAllowedDetail,
    /// `{limit}` bytes.
    PayloadTooLarge,
    PayloadTooLargeDetail,
    UnsupportedMediaType,
    RateLimited,
    /// `{seconds}`.
    RateLimitedDetail,
    Unavailable,
    UnavailableDetail,
    /// 429 `UPLOAD_QUOTA`: `{count}` documents, `{mb}` MB per hour, `{seconds}`.
    UploadQuota,
    UploadQuotaDetail,
    /// 507 `INSUFFICIENT_STORAGE`: uploads refused, filings still taken.
    InsufficientStorage,
    InsufficientStorageDetail,
    Internal,
    InternalDetail,
    /// `{n}` problems (n = 1 / n ≠ 1).
    ProblemsOne,
    ProblemsMany,
    // Details of 400, 409 and 415 problems.
    ConcurrentChange,
    /// `{error}`: the parser's message.
    MalformedJson,
    NotUtf8,
    BodyNotJson,
    /// `{error}`.
    BadBody,
    BadPath,
    BadQuery,
    EmptyUpload,
    UploadType,
    /// `{declared}`, `{actual}`.
    UploadTypeMismatch,
    UploadStructure,
    IdempotencyKeyRequired,
    IdempotencyKeyInvalid,
    // Who may do what (403).
    OfficersOnly,
    OtherStreet,
    ApplicantOnly,
    ApplicantOrContractorOnly,
    ListOwnStreet,
    /// `{actor}`, `{action}`.
    NotPermitted,
    OutsideScope,
    NotPermittedLedger,
    AdminOnly,
    HighRiskStaysWithStreet,
    // Accounts and sessions.
    SignInFailed,
    SignInFailedDetail,
    TotpRequired,
    TotpRequiredDetail,
    CsrfFailed,
    CsrfFailedDetail,
    PasswordChangeRequired,
    PasswordChangeRequiredDetail,
    TotpEnrolmentRequired,
    TotpEnrolmentRequiredDetail,
    /// `{min}`, `{max}`.
    PasswordLength,
    PasswordCommon,
    PasswordSame,
    PasswordWrong,
    TotpWrong,
    TotpNotStarted,
    AccountExists,
    /// `{roles}`.
    UnknownRole,
    /// `{streets}`.
    UnknownStreet,
    /// `{role}`.
    StreetRequired,
    CommunityRequired,
    AreasRequired,
    DepartmentRequired,
    /// `{departments}`.
    UnknownDepartment,
    EveryStreetAdminOnly,
    LoginFormat,
    TokenDays,
    OwnAccount,
    // The lifecycle (409).
    /// `{action}`, `{state}`, `{allowed}`, `{article}`.
    WrongState,
    /// The state of a filing not yet made (a name for `{state}`).
    NewFiling,
    NoFastAcceptance,
    NotInForce,
    /// `{date}`.
    Expired,
    /// `{days}`, `{start}`, `{end}`.
    OutsideExtensionWindow,
    /// The event reason of 快速受理.
    FastAcceptance,
    // Field problems.
    Date,
    CompletionInFuture,
    /// `{date}`: the registration date.
    CompletionBeforeRegistration,
    UploadId,
    UnknownUpload,
    /// `{street}`: the filing's street.
    StreetImmutable,
    ChangesLength,
    /// `{grounds}`.
    RevocationGround,
    /// `{current}`, `{max}`, `{months}`.
    ExtensionRange,
    UnknownStatus,
    // Inspections, findings, rectification and referral (issue 14, rules.md §9).
    /// `{kinds}`.
    InspectionKind,
    /// `{items}`.
    ChecklistItem,
    ItemAnswer,
    NoteRequired,
    FindingForItem,
    /// `{codes}`.
    FindingCode,
    NotAnImage,
    /// `{item}`.
    ItemMissing,
    ItemTwice,
    RectifyByRange,
    InspectedAt,
    InspectedInFuture,
    InspectOnlyStaff,
    PropertyWatchOnly,
    InspectNotInForce,
    FindingNotOpen,
    RejectNeedsReason,
    NothingToDecide,
    NoEscalation,
    OfficerOnly,
    /// `{targets}`.
    ReferralTarget,
    AddressRequired,
    /// `{n}`: how many findings the record has.
    UnregisteredReferralFinding,
    /// `{codes}`.
    UnregisteredReferralDepartment,
    /// `{item}`, `{codes}`.
    ItemFinding,
    /// `{departments}`.
    DepartmentCode,
    ReferralDepartmentRequired,
    DepartmentOnlyForDepartment,
    /// `{scope}`.
    StatsOutsideScope,
    ContractorOnly,
    /// `{kinds}`.
    SiteRecordKind,
    SiteRecordEmpty,
    SiteRecordNotManaged,
    FollowUpFindingState,
    FollowUpDue,
    /// `{due}`.
    FollowUpScheduled,
    FeedbackViewerOnly,
    // Notifications (notify/texts.rs): subject "{event}", then lines.
    /// `{event}`, `{filing_no}`.
    NotifySubject,
    NotifyFiled,
    NotifyReturned,
    NotifyRegistered,
    NotifyRefused,
    NotifyRevoked,
    NotifyExtended,
    NotifyCancelled,
    NotifyExtensionWindowOpens,
    NotifyValidUntilReached,
    NotifyFinding,
    NotifyRectificationAccepted,
    NotifyRectificationRejected,
    NotifyEscalated,
    NotifyCancellationDue,
    NotifyRectificationDue,
    NotifyOfficerFilingAwaiting,
    NotifyFindingRecorded,
    NotifyRectificationAnswered,
    NotifySiteRecord,
    NotifyFeedback,
    NotifyInspectionDue,
    NotifyInspectionOverdue,
    NotifyReferralDue,
    NotifyRectificationOverdue,
    /// `{inspection}`, `{date}`, `{article}`.
    NotifyInspectionDueLine,
    /// `{inspection}`, `{date}`, `{article}`.
    NotifyInspectionOverdueLine,
    /// `{finding}`, `{date}`.
    NotifyReferralDueLine,
    /// `{target}`.
    NotifyReferralSuggested,
    /// `{finding}`, `{date}`.
    NotifyRectificationOverdueLine,
    /// `{finding}`.
    NotifyOfficerFindingLine,
    /// `{finding}`, `{date}`.
    NotifyFindingLine,
    /// `{date}` (planned end), `{days}`, `{due}` (cancellation due).
    NotifyCancellationDueLine,
    /// `{finding}`, `{date}`.
    NotifyRectificationDueLine,
    /// `{note}`.
    NotifyFindingNote,
    /// `{date}`.
    NotifyEscalatedLine,
    NotifyGreeting,
    /// `{filing_no}`, `{street}`, `{status}`.
    NotifyFiling,
    /// `{date}`.
    NotifyAcceptanceDue,
    /// `{code}`.
    NotifyAccessCode,
    NotifyChanges,
    /// `{field}`, `{message}`.
    NotifyChange,
    /// `{receipt_no}`, `{date}`, `{url}`.
    NotifyReceipt,
    /// `{reason}`.
    NotifyReason,
    /// `{article}`.
    NotifyArticle,
    /// `{date}`.
    NotifyExtendedTo,
    /// `{date}`.
    NotifyCancelledOn,
    /// `{date}`, `{start}`.
    NotifyWindowOpens,
    /// `{date}`.
    NotifyValidUntil,
    NotifyFooter,
    // A registration's state in a notification's plain words.
    NotifyStateFiled,
    NotifyStateReturned,
    NotifyStateRegistered,
    NotifyStateExtended,
    NotifyStateRefused,
    NotifyStateCancelled,
    NotifyStateCompletionDeclared,
    NotifyCompletionDeclared,
    NotifyCompletionDeclaredLine,
    NotifyStateRevoked,
    NotifyStateExpired,
    // Texts of answers.
    /// Registration is a notification, not a permit (第八条).
    NotAPermit,
    // The inspector's scan page (`/v/{receipt_no}`) and the void mark of printed pages.
    ScanTitle,
    /// The scan page's row on management (issue 14): a finding open or referred, never its text.
    ScanManagement,
    ScanUnderRectification,
    ScanReferred,
    /// Printed on a receipt and a site notice while the rule set is a draft: the self-check's
    /// "仅供自查参考" does not belong on a registration.
    PrintedDraftNotice,
    ScanValid,
    /// `{until}`.
    ScanValidDetail,
    /// `{until}`.
    ScanExtendedDetail,
    ScanExpired,
    /// `{until}`.
    ScanExpiredDetail,
    ScanRevoked,
    /// `{date}`.
    ScanRevokedDetail,
    ScanDeclared,
    ScanDeclaredDetail,
    ScanCancelled,
    /// `{date}`.
    ScanCancelledDetail,
    ScanRefused,
    ScanRefusedDetail,
    ScanPending,
    ScanPendingDetail,
    ScanNotFound,
    /// `{no}`.
    ScanNotFoundDetail,
    ScanBadSignature,
    ScanBadSignatureDetail,
    ScanStreet,
    ScanSite,
    ScanScope,
    ScanHighRisk,
    ScanHighRiskYes,
    ScanHighRiskNo,
    ScanValidUntil,
    ScanApplicant,
    ScanContractor,
    ScanProjectLead,
    ScanReceiptNo,
    ScanFilingNo,
    ScanCheckedAt,
    /// `{date}`, `{time}`.
    ScanCheckedAtValue,
    ScanSignature,
    /// `{server}`.
    SigPending,
    SigOk,
    SigOld,
    SigBad,
    SigOther,
    SigForged,
    SigForgedDetail,
    SigGenuineNotInForce,
    /// `{server}`.
    SigUnsupported,
    SigServerOk,
    SigServerBad,
    VerifyCodeNeeded,
    VerifyCodeWrong,
    VerifyCodeWrongDetail,
    ScanCode,
    ScanCodeSubmit,
    SiteCheck,
    SiteCheckPending,
    SiteCheckOk,
    SiteCheckBad,
    SiteCheckV1,
    SiteCheckInput,
    SiteCheckTypedOk,
    SiteCheckTypedBad,
    AccessTokenWithheld,
    ReissueIdentityMismatch,
    AccessTokenReissued,
    ReissueNotPermitted,
    Void,
    /// `{date}`.
    VoidRevokedOn,
    /// `{date}`.
    VoidDeclaredOn,
    VoidCancelledOn,
    /// `{until}`.
    VoidExpiredAfter,
    VoidNotInForce,
    /// `{what}`.
    VoidBanner,
    // Statistics (第二十一条第（二）项).
    NotPermittedStatistics,
    StatsGroupBy,
    StatsFormat,
    StatsPeriodOrder,
    /// `{days}`.
    StatsPeriodLength,
    // Retention and the person's rights (issue 16, item 7).
    PersonalDataRemoved,
    PersonNotNamed,
    PersonHasNoMobile,
    CorrectionEmpty,
    CorrectionPurged,
    CorrectionDone,
}

/// One language's catalogue.
pub struct Catalogue {
    /// Its BCP 47 tag.
    pub tag: &'static str,
    pub text: fn(Key) -> &'static str,
    pub state: fn(State) -> &'static str,
    pub action: fn(Action) -> &'static str,
    pub actor: fn(Actor) -> &'static str,
    /// Between the items of a list ("、", ", ").
    pub list_separator: &'static str,
}

/// A language the API has a catalogue for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    ZhCn,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::ZhCn, Lang::En];
    /// What a tag with no catalogue of its own falls back to: the regulation's language.
    pub const FALLBACK: Lang = Lang::ZhCn;

    pub const fn catalogue(self) -> &'static Catalogue {
        match self {
            Lang::ZhCn => &zh_cn::CATALOGUE,
            Lang::En => &en::CATALOGUE,
        }
    }
    pub fn text(self, k: Key) -> &'static str {
        (self.catalogue().text)(k)
    }
    pub fn state(self, s: State) -> &'static str {
        (self.catalogue().state)(s)
    }
    pub fn action(self, a: Action) -> &'static str {
        (self.catalogue().action)(a)
    }
    pub fn actor(self, a: Actor) -> &'static str {
        (self.catalogue().actor)(a)
    }
    pub fn list<'a>(self, items: impl IntoIterator<Item = &'a str>) -> String {
        items
            .into_iter()
            .collect::<Vec<_>>()
            .join(self.catalogue().list_separator)
    }

    /// A date as people read it: 2026年12月2日, 2 December 2026.
    pub fn date(self, d: anbei_core::Date) -> String {
        match self {
            Lang::ZhCn => d.words_zh(),
            Lang::En => d.words_en(),
        }
    }

    /// A stored `YYYY-MM-DD…` (a date, or an RFC 3339 time in Asia/Shanghai as the service writes them)
    /// as people read its date; the text as it is when it is not one.
    pub fn date_of(self, stored: &str) -> String {
        match stored.get(..10).and_then(anbei_core::Date::parse) {
            Some(d) => self.date(d),
            None => stored.to_owned(),
        }
    }

    /// A stored RFC 3339 time (Asia/Shanghai, as the service writes them) as people read it:
    /// 2026年12月2日 14:05 / 2 December 2026, 14:05; the text as it is when it is not one.
    pub fn time_of(self, stored: &str) -> String {
        match (
            stored.get(..10).and_then(anbei_core::Date::parse),
            stored.get(11..16),
        ) {
            (Some(d), Some(hm)) if stored.get(10..11) == Some("T") => match self {
                Lang::ZhCn => format!("{} {hm}", self.date(d)),
                Lang::En => format!("{}, {hm}", self.date(d)),
            },
            _ => self.date_of(stored),
        }
    }

    /// The message `k` with its `{name}` placeholders replaced.
    pub fn fill(self, k: Key, args: &[(&str, &dyn Display)]) -> String {
        fill(self.text(k), args)
    }

    /// The catalogue language for a BCP 47 tag (case-insensitive, `_` read as `-`), or `None` when the
    /// tag names no language we can answer in — the caller then uses its own documented default
    /// (usually [`Lang::FALLBACK`]). Explicitly:
    /// - `en`, `en-*` (en-GB, en-US, …) → English;
    /// - `zh`, `zh-CN`, `zh-SG`, `zh-Hans`, `zh-Hans-*` → zh-CN;
    /// - `zh-HK`, `zh-MO`, `zh-TW`, `zh-Hant`, `zh-Hant-*` and any other `zh-*` → zh-CN for now (no
    ///   traditional-Chinese catalogue yet: `zh_hk.rs` is where it would go);
    /// - anything else (`fr`, `ja`, `*`, garbage) → `None`.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let t = tag.trim().to_ascii_lowercase().replace('_', "-");
        let primary = t.split('-').next().unwrap_or_default();
        match primary {
            "en" => Some(Lang::En),
            "zh" => Some(Lang::ZhCn),
            _ => None,
        }
    }

    /// The best catalogue language for an `Accept-Language` header (RFC 9110 §12.5.4): the acceptable
    /// tags by descending weight (q=0 excluded), the first one [`Lang::from_tag`] knows; `None` when
    /// none is known (a `*` alone included).
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut tags: Vec<(u16, usize, &str)> = Vec::new();
        for (i, item) in header.split(',').enumerate() {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or_default().trim();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .next()
                .map_or(Some(1000), quality);
            match q {
                Some(q) if q > 0 && !tag.is_empty() => tags.push((q, i, tag)),
                _ => {}
            }
        }
        tags.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        tags.into_iter().find_map(|(_, _, t)| Lang::from_tag(t))
    }
}

/// A weight `0`…`1` with at most three decimals, in thousandths; `None` when malformed.
fn quality(q: &str) -> Option<u16> {
    let q = q.trim();
    let (int, frac) = q.split_once('.').unwrap_or((q, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac_value = format!("{frac:0<3}").parse::<u16>().ok()?;
    match int {
        "0" => Some(frac_value),
        "1" if frac_value == 0 => Some(1000),
        _ => None,
    }
}

/// Replaces each `{name}` of `template` with its argument.
pub fn fill(template: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), &value.to_string());
    }
    out
}

impl Msg {
    /// Message `k` in every language.
    pub fn of(k: Key) -> Msg {
        Msg::with(k, &[])
    }
    /// Message `k` in every language, with arguments that read the same in each.
    pub fn with(k: Key, args: &[(&str, &dyn Display)]) -> Msg {
        Msg::each(|l| l.fill(k, args))
    }
    /// A message built per language (for arguments that are themselves translated).
    pub fn each(f: impl Fn(Lang) -> String) -> Msg {
        Msg {
            zh: f(Lang::ZhCn),
            en: f(Lang::En),
        }
    }
}

#[cfg(test)]
mod tests;
