//! English (`en`): the problem documents' `title`/`detail` and every `message.en`.

use super::{Catalogue, Key};
use crate::lifecycle::{Action, Actor, Role, State};

pub const CATALOGUE: Catalogue = Catalogue {
    tag: "en",
    text,
    state,
    action,
    actor,
    list_separator: ", ",
};

fn text(k: Key) -> &'static str {
    match k {
        Key::BadRequest => "Bad request",
        Key::InvalidFiling => "The filing is incomplete or invalid",
        Key::InvalidRequest => "The request is invalid",
        Key::InvalidFacts => "The facts are invalid",
        Key::NotRegistrable => "This work cannot be registered here",
        Key::IdempotencyMismatch => "Idempotency-Key reused with a different body",
        Key::IdempotencyMismatchDetail => {
            "an Idempotency-Key may only be replayed with the same body; use a new key for a new filing"
        }
        Key::IdempotencyInFlight => "The same request is still being processed",
        Key::IdempotencyInFlightDetail => {
            "retry later with the same Idempotency-Key to get the result"
        }
        Key::InvalidState => "Not allowed in the current state",
        Key::Unauthorized => "Authentication required",
        Key::UnauthorizedDetail => "send a valid access token (Authorization: Bearer …)",
        Key::Forbidden => "Forbidden",
        Key::MetricsForbidden => {
            "The metrics are only for this machine or a holder of the metrics token"
        }
        Key::NotFound => "Not found",
        Key::NotFoundDetail => "the requested resource does not exist",
        Key::MethodNotAllowed => "Method not allowed",
        Key::MethodNotAllowedDetail => "this address does not support that HTTP method",
        Key::PayloadTooLarge => "Payload too large",
        Key::PayloadTooLargeDetail => "the body may be at most {limit} bytes",
        Key::UnsupportedMediaType => "Unsupported media type",
        Key::RateLimited => "Too many requests",
        Key::RateLimitedDetail => "try again in {seconds} s",
        Key::Unavailable => "Service unavailable",
        Key::UnavailableDetail => "the database is not reachable",
        Key::UploadQuota => "Too many uploads from this address",
        Key::UploadQuotaDetail => {
            "at most {count} documents and {mb} MB per hour may be uploaded from one address; try again in {seconds} s"
        }
        Key::InsufficientStorage => "Uploads paused: storage nearly full",
        Key::InsufficientStorageDetail => {
            "the server is short of disk space, so documents cannot be uploaded now; a filing whose documents are already uploaded can still be submitted. Try the upload later"
        }
        Key::Internal => "Internal server error",
        Key::InternalDetail => "please try again later; the problem has been logged",
        Key::ProblemsOne => "{n} problem; nothing was done",
        Key::ProblemsMany => "{n} problems; nothing was done",
        Key::ConcurrentChange => "the registration was changed concurrently; reload and retry",
        Key::MalformedJson => "the body is not valid JSON: {error}",
        Key::NotUtf8 => "the body is not UTF-8",
        Key::BodyNotJson => "the body must be JSON (Content-Type: application/json)",
        Key::BadBody => "the body could not be read: {error}",
        Key::BadPath => "{error}",
        Key::BadQuery => "{error}",
        Key::EmptyUpload => "the upload is empty",
        Key::UploadType => "only PDF, JPEG or PNG files are accepted (judged by content)",
        Key::UploadStructure => {
            "the file is truncated or damaged: not a well-formed {actual}; export or photograph it again and upload that"
        }
        Key::UploadTypeMismatch => {
            "the declared type {declared} does not match the content ({actual})"
        }
        Key::IdempotencyKeyRequired => "the Idempotency-Key header is required",
        Key::IdempotencyKeyInvalid => "the Idempotency-Key must be 1–255 visible ASCII characters",
        Key::OfficersOnly => "officers only",
        Key::OtherStreet => "this registration belongs to another street",
        Key::ApplicantOrContractorOnly => {
            "only the applicant or the contractor named in the filing can do this"
        }
        Key::ApplicantOnly => "only the applicant can do this",
        Key::ListOwnStreet => "you can only list your own street",
        Key::NotPermittedLedger => {
            "a patrol account cannot read the ledger, only the registrations it inspects"
        }
        Key::OutsideScope => "this registration is outside your account's area",
        Key::AdminOnly => "district administrators only",
        Key::HighRiskStaysWithStreet => {
            "a high-risk filing is accepted by the street office, not by a community workstation or property company (第二十一条第（四）项)"
        }
        Key::SignInFailed => "Sign-in failed",
        Key::SignInFailedDetail => {
            "The login or password is wrong. After 5 failures in a row the login is paused for 15 minutes."
        }
        Key::TotpRequired => "Verification code needed",
        Key::TotpRequiredDetail => "Enter the 6-digit code your authenticator app shows",
        Key::CsrfFailed => "Request check failed",
        Key::CsrfFailedDetail => {
            "a change made with a sign-in session needs the X-CSRF-Token header; reload the page and try again"
        }
        Key::PasswordChangeRequired => "Change your password first",
        Key::PasswordChangeRequiredDetail => {
            "after the first sign-in or a password reset, set a new password before anything else"
        }
        Key::TotpEnrolmentRequired => "Turn on verification codes first",
        Key::TotpEnrolmentRequiredDetail => {
            "administrator accounts must turn on verification codes (two-factor sign-in) before use"
        }
        Key::PasswordLength => "the password must be {min} to {max} characters long",
        Key::PasswordCommon => "this password is too common or easy to guess; choose another",
        Key::PasswordSame => "the new password must differ from the current one",
        Key::PasswordWrong => "the current password is wrong",
        Key::TotpWrong => "the verification code is wrong or was used already",
        Key::TotpNotStarted => "start turning on verification codes first",
        Key::AccountExists => "this login is taken",
        Key::UnknownRole => "the role must be one of {roles}",
        Key::UnknownStreet => "unknown street; one of: {streets}",
        Key::StreetRequired => "a {role} account needs its street",
        Key::CommunityRequired => "a community account needs its community",
        Key::AreasRequired => {
            "a property account lists its property-management areas (without | % _ characters)"
        }
        Key::DepartmentRequired => "a department account needs its department",
        Key::UnknownDepartment => "unknown department; one of: {departments}",
        Key::EveryStreetAdminOnly => "only an administrator account may cover every street",
        Key::LoginFormat => {
            "the login must be 3 to 40 lower-case letters, digits or . _ - characters"
        }
        Key::TokenDays => "the number of days must be 1 to 365",
        Key::OwnAccount => "you cannot disable your own account",
        Key::NotPermitted => "the {actor} cannot {action} a registration",
        Key::WrongState => {
            "cannot {action} a registration that is {state}; only one that is {allowed} ({article})"
        }
        Key::NewFiling => "not yet filed",
        Key::NoFastAcceptance => "fast acceptance does not apply",
        Key::NotInForce => "only a registration in force can be extended",
        Key::Expired => "the registration expired on {date}; file anew",
        Key::OutsideExtensionWindow => {
            "an extension can be requested only in the {days} days before expiry ({start} to {end}) (Art. 25)"
        }
        Key::FastAcceptance => "fast acceptance",
        Key::Date => "must be a real date YYYY-MM-DD",
        Key::CompletionInFuture => "the completion date cannot be in the future",
        Key::CompletionBeforeRegistration => {
            "the completion date cannot be before registration ({date})"
        }
        Key::UploadId => "must be an upload id (sha256:…)",
        Key::UnknownUpload => "no such upload; upload the file again",
        Key::StreetImmutable => "cannot move to another street (was {street}); file anew",
        Key::ChangesLength => "list 1–100 requested changes",
        Key::RevocationGround => "ground must be one of {grounds}",
        Key::ExtensionRange => {
            "the new end must be after {current} and no later than {max} (at most {months} months more)"
        }
        Key::UnknownStatus => "unknown status",
        Key::InspectionKind => "the inspection kind must be one of: {kinds}",
        Key::ChecklistItem => "must be an item of this inspection's checklist: {items}",
        Key::ItemAnswer => "the answer must be ok, finding or not_applicable",
        Key::NoteRequired => "a note is required when the answer is finding or not_applicable",
        Key::FindingForItem => {
            "an item answered finding needs at least one finding naming it (its item in findings)"
        }
        Key::FindingCode => "the finding code must be one of: {codes}",
        Key::NotAnImage => "a photo must be an uploaded image (JPEG or PNG)",
        Key::ItemMissing => {
            "checklist item {item} has no answer (Art. 34: inspections are recorded as found)"
        }
        Key::ItemTwice => "each checklist item is answered once",
        Key::RectifyByRange => {
            "the rectification date must be a real date no earlier than the inspection"
        }
        Key::InspectedAt => "the inspection time must be YYYY-MM-DD or an RFC 3339 time",
        Key::InspectedInFuture => "the inspection time cannot be after today",
        Key::InspectOnlyStaff => {
            "only the street office, communities, property companies and patrol staff record inspections and verify rectifications (Art. 29, 34)"
        }
        Key::PropertyWatchOnly => "a property company records property watches only (Art. 23 (3))",
        Key::InspectNotInForce => {
            "this registration is not under management now: this inspection cannot be recorded"
        }
        Key::FindingNotOpen => "this finding is not awaiting rectification",
        Key::RejectNeedsReason => "a rejection needs a reason",
        Key::NothingToDecide => "no rectification awaits a decision",
        Key::NoEscalation => "no major-hazard escalation awaits confirmation (Art. 30 (7))",
        Key::OfficerOnly => "the street office does this (Art. 21, 36)",
        Key::ReferralTarget => "the referral target must be one of: {targets}",
        Key::AddressRequired => {
            "an inspection of unregistered work needs the street and the address (Art. 30 (3))"
        }
        Key::UnregisteredReferralFinding => {
            "a referral names one of this record's findings by its place, 0 to {n} - 1"
        }
        Key::UnregisteredReferralDepartment => {
            "REF_DEPARTMENT needs the department (Art. 36 (3)), one of: {codes}"
        }
        Key::ItemFinding => "checklist item {item} may record only these findings: {codes}",
        Key::DepartmentCode => "the department must be one of: {departments}",
        Key::ReferralDepartmentRequired => {
            "a referral to a department (REF_DEPARTMENT) names the department (Art. 36 (3))"
        }
        Key::DepartmentOnlyForDepartment => {
            "only a referral to a department (REF_DEPARTMENT) names a department"
        }
        Key::StatsOutsideScope => {
            "these statistics are outside your account's scope: it covers {scope} only"
        }
        Key::ContractorOnly => {
            "only the contractor named in the filing, with its own access code, adds site records"
        }
        Key::SiteRecordKind => "the kind of site record must be one of: {kinds}",
        Key::SiteRecordEmpty => "a site record needs a note or at least one document",
        Key::SiteRecordNotManaged => {
            "this registration is not under management now: site records cannot be added"
        }
        Key::FollowUpFindingState => {
            "a follow-up can be scheduled only for a finding that is open or awaiting verification; this one is closed or referred (Art. 30, 36)"
        }
        Key::FollowUpDue => "the follow-up date must be a real date (YYYY-MM-DD), today or later",
        Key::FollowUpScheduled => {
            "a follow-up of this finding is already scheduled ({due}): record that one first; one scheduled follow-up per finding at a time"
        }
        Key::FeedbackViewerOnly => {
            "supervisory-check feedback is given by the district departments (Art. 31)"
        }
        Key::NotifySubject => "[Anbei] {event}: {filing_no}",
        Key::NotifyFiled => "filing received",
        Key::NotifyReturned => "changes requested",
        Key::NotifyRegistered => "registered",
        Key::NotifyRefused => "registration refused",
        Key::NotifyRevoked => "registration revoked",
        Key::NotifyExtended => "registration extended",
        Key::NotifyCancelled => "registration cancelled",
        Key::NotifyExtensionWindowOpens => "you can now extend your registration",
        Key::NotifyValidUntilReached => "your registration ends today",
        Key::NotifyFinding => "inspection finding: please rectify",
        Key::NotifyRectificationAccepted => "rectification accepted",
        Key::NotifyRectificationRejected => "rectification not accepted",
        Key::NotifyEscalated => "now under high-risk management",
        Key::NotifyCancellationDue => "declare completion and cancel your registration",
        Key::NotifyRectificationDue => "rectification due today",
        Key::NotifyOfficerFilingAwaiting => "a filing awaits acceptance",
        Key::NotifyFindingRecorded => "a finding was recorded",
        Key::NotifyRectificationAnswered => "a rectification awaits your decision",
        Key::NotifySiteRecord => "the contractor added a site record",
        Key::NotifyFeedback => "a district department gave feedback",
        Key::NotifyInspectionDue => "an inspection is due today",
        Key::NotifyInspectionOverdue => "an inspection is overdue",
        Key::NotifyReferralDue => "a referral is due today",
        Key::NotifyRectificationOverdue => "a rectification is overdue",
        Key::NotifyInspectionDueLine => {
            "The {inspection} is due today ({date}; {article}). Open the registration from the console's inspection queue, inspect the site and record it."
        }
        Key::NotifyInspectionOverdueLine => {
            "The {inspection} was due by {date} and is not recorded: it is overdue ({article}). Overdue inspections head the console's inspection queue."
        }
        Key::NotifyReferralDueLine => {
            "Finding: {finding}. By Art. 30 it must be referred on {date} (Art. 36) and is not yet; a referral made after that day is flagged late."
        }
        Key::NotifyReferralSuggested => "Suggested referral: {target}",
        Key::NotifyRectificationOverdueLine => {
            "Finding: {finding}. Its rectification was due by {date} and has not been answered (Art. 34). Follow it up; a refusal to rectify is referred (Art. 36)."
        }
        Key::NotifyOfficerFindingLine => {
            "Finding: {finding}. Open the registration in the console."
        }
        Key::NotifyCancellationDueLine => {
            "Your planned completion date is today ({date}). Within {days} working days of completing the work you must declare its completion and cancel (注销) the registration online, uploading the waste-disposal record (Article 33): by {due} if you complete it today. Do it under \"Track an application\" with the filing number and your access code. If the work is not finished yet, cancel once it is."
        }
        Key::NotifyRectificationDueLine => {
            "The inspection found: {finding}. The rectification is due today ({date}). Please rectify it and answer with photos and a note under \"Track an application\" (Art. 30, 34)."
        }
        Key::NotifyFindingNote => "Inspector's note: {note}",
        Key::NotifyFindingLine => {
            "The inspection found: {finding}. Please rectify it by {date} and upload photos and a note (Art. 30, 34)."
        }
        Key::NotifyEscalatedLine => {
            "The street office confirmed a major hazard on site: the work is now under high-risk management and the street will inspect it by {date} (Art. 30 (7))."
        }
        Key::NotifyGreeting => "Hello,",
        Key::NotifyFiling => "Filing number: {filing_no}\nStreet: {street}\nStatus: {status}",
        Key::NotifyAcceptanceDue => {
            "The street office will answer your filing by {date} (Article 27, item 2)."
        }
        Key::NotifyAccessCode => {
            "Access code: {code}\nKeep it safe: with the filing number and this code you can follow the filing, extend it and cancel it."
        }
        Key::NotifyChanges => {
            "Please make all of the following changes and submit the filing again (Article 27, item 3):"
        }
        Key::NotifyChange => "- {field}: {message}",
        Key::NotifyReceipt => {
            "Receipt number: {receipt_no}\nValid until: {date}\nPrint the receipt and the notice: {url}"
        }
        Key::NotifyReason => "Reason: {reason}",
        Key::NotifyArticle => "Under: {article}",
        Key::NotifyExtendedTo => "It is now valid until {date} (Article 25).",
        Key::NotifyCancelledOn => {
            "Completion date: {date}. The registration is cancelled (Article 33)."
        }
        Key::NotifyWindowOpens => {
            "Your registration is valid until {date}. From {start} you can apply to extend it, before it ends (Article 25)."
        }
        Key::NotifyValidUntil => {
            "Your registration ends today ({date}). If the work is not finished, file again; if it is, declare its completion within 3 working days of finishing (Article 33)."
        }
        Key::NotifyFooter => "This message was sent automatically by Anbei; please do not reply.",
        Key::NotifyStateFiled => "awaiting the street office's answer",
        Key::NotifyStateReturned => "returned for changes",
        Key::NotifyStateRegistered => "registered",
        Key::NotifyStateExtended => "registered (extended)",
        Key::NotifyStateRefused => "refused",
        Key::NotifyStateCancelled => "cancelled",
        Key::NotifyStateCompletionDeclared => "completion declared, awaiting the street's check",
        Key::NotifyCompletionDeclared => "completion declared",
        Key::NotifyCompletionDeclaredLine => {
            "Completion date: {date}. The street confirms the completion on site by {due}; the registration is then cancelled (Article 33). The receipt no longer admits new work on the site."
        }
        Key::NotifyStateRevoked => "revoked",
        Key::NotifyStateExpired => "expired",
        Key::NotAPermit => {
            "Registration is a notification, not a permit: every other approval must still be obtained (Art. 8)"
        }
        Key::ScanTitle => "Receipt check",
        Key::ScanManagement => "Site management",
        Key::ScanUnderRectification => "Inspection findings under rectification",
        Key::ScanReferred => "Inspection findings referred for enforcement",
        Key::PrintedDraftNotice => {
            "The rule set this registration rests on follows the Rules' consultation draft (rule version above); once the final text is in force, it governs."
        }
        Key::ScanValid => "Valid",
        Key::ScanValidDetail => "Registered and in force until {until}",
        Key::ScanExtendedDetail => "Extended and in force until {until}",
        Key::ScanExpired => "Expired",
        Key::ScanExpiredDetail => "It was valid until {until}; this receipt is no longer valid",
        Key::ScanRevoked => "Revoked",
        Key::ScanRevokedDetail => {
            "The street office revoked this registration on {date}; this receipt is void"
        }
        Key::ScanDeclared => "Completion declared",
        Key::ScanDeclaredDetail => {
            "Completion was declared on {date}, awaiting the street's on-site check; this receipt no longer admits new work on the site"
        }
        Key::ScanCancelled => "Cancelled",
        Key::ScanCancelledDetail => {
            "This registration was closed on {date} (works completed); this receipt is void"
        }
        Key::ScanRefused => "Refused",
        Key::ScanRefusedDetail => "This filing was not registered; there is no valid receipt",
        Key::ScanPending => "Not registered",
        Key::ScanPendingDetail => "Still being processed; there is no valid receipt yet",
        Key::ScanNotFound => "No such receipt",
        Key::ScanNotFoundDetail => {
            "There is no receipt numbered {no}. Check the number; the QR code may be forged"
        }
        Key::ScanBadSignature => "Signature invalid",
        Key::ScanBadSignatureDetail => {
            "The receipt's signature does not check on the server; it is not a valid receipt"
        }
        Key::ScanStreet => "Street",
        Key::ScanSite => "Site",
        Key::ScanScope => "Scope",
        Key::ScanHighRisk => "High risk",
        Key::ScanHighRiskYes => "Yes (high-risk works)",
        Key::ScanHighRiskNo => "No",
        Key::ScanValidUntil => "Valid until",
        Key::ScanApplicant => "Applicant",
        Key::ScanContractor => "Contractor",
        Key::ScanProjectLead => "Project lead",
        Key::ScanReceiptNo => "Receipt no.",
        Key::ScanFilingNo => "Filing no.",
        Key::ScanCheckedAt => "Checked at",
        Key::ScanCheckedAtValue => "{date}, {time} (Beijing time)",
        Key::ScanSignature => "Signature",
        Key::SigPending => "Checking the signature on this device… ({server})",
        Key::SigOk => {
            "Signature valid: checked on this device with the published key; the receipt has not been altered"
        }
        Key::SigOld => {
            "Signature valid, but the QR code carries an earlier version of the receipt (e.g. before an extension); the state above is what counts"
        }
        Key::SigBad => {
            "Signature invalid: the QR code's content does not match its signature; it may have been altered or forged"
        }
        Key::SigOther => "Signature invalid: the QR code's signature belongs to another receipt",
        Key::SigForged => "QR code signature invalid",
        Key::SigForgedDetail => {
            "This QR code was altered or forged and proves nothing; below is what the system holds for this number — compare it with the notice at the site"
        }
        Key::SigGenuineNotInForce => {
            "The receipt is genuine but no longer in force: the state above is what counts"
        }
        Key::SigUnsupported => {
            "This device cannot check signatures; the server's result stands: {server}"
        }
        Key::SigServerOk => "the server found the signature valid",
        Key::SigServerBad => "the server found the signature invalid",
        Key::VerifyCodeNeeded => {
            "Enter the verification code printed beside the QR code to see the site and the parties; without it only whether the receipt exists and until when it is valid is shown."
        }
        Key::VerifyCodeWrong => "Wrong verification code",
        Key::VerifyCodeWrongDetail => {
            "The verification code does not match this receipt: check the 8-character code printed beside the QR code on the receipt or notice. Repeated wrong codes are blocked for a while."
        }
        Key::ScanCode => "Verification code",
        Key::ScanCodeSubmit => "Show",
        Key::SiteCheck => "Site check",
        Key::SiteCheckPending => {
            "Checking the site address the signature covers… (if it cannot be checked, compare the address above with the site and the notice yourself)"
        }
        Key::SiteCheckOk => {
            "The signature covers the site address shown above. Check that the site you stand at and the address on the notice are the same — otherwise this QR code belongs to another site."
        }
        Key::SiteCheckBad => {
            "The site the signature covers is not this registration's site: this QR code does not belong here."
        }
        Key::SiteCheckV1 => {
            "This receipt was signed before receipts were bound to their site; its signature does not cover the address: compare the address above with the site and the notice yourself."
        }
        Key::SiteCheckInput => {
            "Type the site address printed on the notice to check it against the signature:"
        }
        Key::SiteCheckTypedOk => "Matches the address the signature covers",
        Key::SiteCheckTypedBad => {
            "Does not match the address the signature covers: this QR code does not belong to a site with that address"
        }
        Key::AccessTokenWithheld => {
            "This filing was already made. A repeated request more than 24 hours after the first no longer returns the access code: use the access code you kept; if it is lost, bring your ID to the street office, where an officer re-issues it after checking your identity."
        }
        Key::ReissueIdentityMismatch => {
            "The ID number given is not the applicant's of this registration; no access code was re-issued."
        }
        Key::ReissueNotPermitted => {
            "Only a street officer or a district admin re-issues an access code, after checking the applicant's identity"
        }
        Key::AccessTokenReissued => {
            "The access code was re-issued by a street officer after an identity check; the old one no longer works."
        }
        Key::Void => "VOID",
        Key::VoidRevokedOn => "Revoked · {date}",
        Key::VoidDeclaredOn => "Completion declared, awaiting the street's check · {date}",
        Key::VoidCancelledOn => "Cancelled · {date}",
        Key::VoidExpiredAfter => "Expired · valid until {until}",
        Key::VoidNotInForce => "Not in force",
        Key::VoidBanner => {
            "This receipt is void ({what}) and no longer proves registration at the site; scan the QR code for the current state."
        }
        Key::NotPermittedStatistics => {
            "a patrol account cannot read the statistics, only the registrations it inspects"
        }
        Key::StatsGroupBy => "group_by must be month, community or activity",
        Key::StatsFormat => "format must be json or csv",
        Key::StatsPeriodOrder => "the start (from) must not be after the end (to)",
        Key::StatsPeriodLength => "a period of at most {days} days",
        Key::PersonalDataRemoved => {
            "Personal data removed after the retention period; the receipt's signature still verifies."
        }
        Key::PersonNotNamed => "no one with this ID number is named in this registration",
        Key::PersonHasNoMobile => {
            "this person has no mobile in this registration (workers are named with their ID number only)"
        }
        Key::CorrectionEmpty => "give the corrected name or mobile",
        Key::CorrectionPurged => {
            "this registration's personal data was removed after the retention period: nothing to correct"
        }
        Key::CorrectionDone => {
            "Corrected. The receipt's signature covers no personal data: the receipt stays valid."
        }
    }
}

/// In English a state is called by its code.
fn state(s: State) -> &'static str {
    match s {
        State::CompletionDeclared => "completion declared",
        _ => s.as_str(),
    }
}

fn action(a: Action) -> &'static str {
    match a {
        Action::File => "file",
        Action::Register => "register",
        Action::Accept => "accept",
        Action::Return => "return",
        Action::Resubmit => "resubmit",
        Action::Refuse => "refuse",
        Action::Extend => "extend",
        Action::DeclareCompletion => "declare completion",
        Action::Cancel => "close after the completion check",
        Action::Revoke => "revoke",
        Action::Correct => "correct personal data",
        Action::Purge => "remove personal data after the retention period",
    }
}

fn actor(a: Actor) -> &'static str {
    match a {
        Actor::Applicant => "applicant",
        Actor::Contractor => "contractor",
        Actor::Staff(Role::Officer) => "street officer",
        Actor::Staff(Role::Admin) => "district administrator",
        Actor::Staff(Role::Community) => "community workstation",
        Actor::Staff(Role::Property) => "property company",
        Actor::Staff(Role::Patrol) => "patrol inspector",
        Actor::Staff(Role::Viewer) => "district department",
        Actor::System => "system",
    }
}
