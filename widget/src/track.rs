//! "查询办理进度": what a registration's state means to the person who filed it — its status in words, the
//! extension window (第二十五条) and the street in words. Pure (no DOM): the rule set gives the numbers.

use crate::i18n::{Lang, fill, fmt_day};
use crate::json::Json;
use anbei_core::{Date, Engine};

/// A registration's status (API.md: `status`), as the track view tells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Filed,
    Returned,
    Registered,
    Extended,
    Refused,
    Revoked,
    Expired,
    /// 注销申报 made; the street confirms completion on site before it is closed (rules.md §7 v3).
    Declared,
    Cancelled,
    /// A status this build does not know (a newer server): shown as "being handled", never raw.
    Other,
}

impl Phase {
    pub fn of(status: &str) -> Phase {
        match status {
            "filed" | "resubmitted" => Phase::Filed,
            "returned" => Phase::Returned,
            "registered" | "accepted" => Phase::Registered,
            "extended" => Phase::Extended,
            "refused" => Phase::Refused,
            "revoked" => Phase::Revoked,
            "expired" => Phase::Expired,
            "completion_declared" => Phase::Declared,
            "cancelled" => Phase::Cancelled,
            _ => Phase::Other,
        }
    }

    /// The status in words.
    pub fn words(self, lang: Lang) -> &'static str {
        let c = lang.cat();
        match self {
            Phase::Filed => c.st_filed,
            Phase::Returned => c.st_returned,
            Phase::Registered => c.st_registered,
            Phase::Extended => c.st_extended,
            Phase::Refused => c.st_refused,
            Phase::Revoked => c.st_revoked,
            Phase::Expired => c.st_expired,
            Phase::Declared => c.st_declared,
            Phase::Cancelled => c.st_cancelled,
            Phase::Other => c.st_other,
        }
    }

    /// A registration in force: it can be extended or cancelled.
    pub fn in_force(self) -> bool {
        matches!(self, Phase::Registered | Phase::Extended)
    }

    /// The history's action word (`filed`, `returned`, …) in words.
    pub fn action_words(action: &str, lang: Lang) -> &'static str {
        let c = lang.cat();
        match action {
            "filed" => c.act_filed,
            "resubmitted" => c.act_resubmitted,
            "registered" | "accepted" => c.act_registered,
            "returned" => c.act_returned,
            "refused" => c.act_refused,
            "extended" => c.act_extended,
            "completion_declared" => c.act_declared,
            "cancelled" => c.act_cancelled,
            "revoked" => c.act_revoked,
            _ => c.st_other,
        }
    }
}

/// The extension window (rules.md §3.7): the `extension_window_days` days ending on `valid_until`, the
/// rule set's parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub opens: Date,
    pub closes: Date,
}

/// Where today is relative to the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WindowNow {
    NotYet,
    Open,
    Closed,
}

pub fn window(engine: &Engine, valid_until: Date) -> Window {
    let days = engine
        .ruleset_for(valid_until)
        .params
        .extension_window_days
        .max(1);
    Window {
        opens: valid_until.add_days(1 - days as i32),
        closes: valid_until,
    }
}

impl Window {
    pub fn now(&self, today: Date) -> WindowNow {
        if today < self.opens {
            WindowNow::NotYet
        } else if today > self.closes {
            WindowNow::Closed
        } else {
            WindowNow::Open
        }
    }
}

/// A street in words (坂田街道 / Bantian Subdistrict), from the rule data; the street office's name when
/// a street has no name of its own, and a plain dash for an unknown code (never the code itself).
pub fn street_name(engine: &Engine, code: &str, lang: Lang) -> String {
    engine
        .streets()
        .iter()
        .find(|s| s.code == code)
        .map(|s| lang.pick(&s.name.zh, &s.name.en).to_string())
        .unwrap_or_else(|| "—".to_string())
}

/// A `YYYY-MM-DD` (or RFC 3339 timestamp) of the API in words; "" when there is none.
pub fn date_words(v: Option<&Json>, lang: Lang) -> String {
    v.and_then(Json::as_str)
        .and_then(|t| Date::parse(t.get(..10)?))
        .map(|d| fmt_day(lang, d))
        .unwrap_or_default()
}

/// A text from the server (a problem's message) with every `YYYY-MM-DD` in it in words.
pub fn dates_in_words(text: &str, lang: Lang) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i + 10 <= b.len() {
        let w = &b[i..i + 10];
        let shape = w.iter().enumerate().all(|(k, c)| match k {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        });
        let edge = |j: usize| b.get(j).is_none_or(|c| !c.is_ascii_digit());
        let date = (shape && (i == 0 || edge(i - 1)) && edge(i + 10))
            .then(|| text.get(i..i + 10).and_then(Date::parse))
            .flatten();
        match date {
            Some(d) => {
                out.push_str(&text[copied..i]);
                out.push_str(&fmt_day(lang, d));
                i += 10;
                copied = i;
            }
            None => i += 1,
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// "在 2026年11月19日 前不能申请延期" and the like: the window's sentence for today.
pub fn window_sentence(w: &Window, today: Date, lang: Lang) -> String {
    let c = lang.cat();
    let dates = [
        ("opens", fmt_day(lang, w.opens)),
        ("closes", fmt_day(lang, w.closes)),
    ];
    let dates: Vec<(&str, &str)> = dates.iter().map(|(k, v)| (*k, v.as_str())).collect();
    match w.now(today) {
        WindowNow::NotYet => fill(c.ext_not_yet, &dates),
        WindowNow::Open => fill(c.ext_open, &dates),
        WindowNow::Closed => fill(c.ext_closed, &dates),
    }
}

/// Where a finding stands for the applicant (rules.md §9.3; API.md: a finding's `status` and its
/// `rectifications`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FindingState {
    /// To put right, no answer yet.
    Open,
    /// The street rejected the last answer, with this reason: to put right again.
    Rejected(String),
    /// An answer awaits the street's check.
    Answered,
    /// The street accepted the answer (or closed it).
    Closed,
    /// Handed over (第三十六条): the body's words and the date.
    Referred { body: String, on: String },
}

impl FindingState {
    pub fn of(f: &Json, lang: Lang) -> FindingState {
        let last = |key: &str| match f.get(key) {
            Some(Json::Arr(a)) => a.last().cloned(),
            _ => None,
        };
        match f.str_at("status") {
            "rectified" => FindingState::Answered,
            "closed" => FindingState::Closed,
            "referred" => {
                let r = last("referrals").unwrap_or_default();
                let body = r
                    .get("title")
                    .map_or("", |t| t.str_at(lang.pick("zh", "en")));
                FindingState::Referred {
                    body: body.to_string(),
                    on: date_words(r.get("referred_on"), lang),
                }
            }
            _ => match last("rectifications") {
                Some(r) if r.str_at("decision") == "rejected" => {
                    FindingState::Rejected(r.str_at("reason").to_string())
                }
                _ => FindingState::Open,
            },
        }
    }

    /// An answer may be sent (第三十四条): open, or open again after a rejection.
    pub fn answerable(&self) -> bool {
        matches!(self, FindingState::Open | FindingState::Rejected(_))
    }
}

/// Every finding of a registration's inspections, in the order found.
pub fn findings(reg: &Json) -> Vec<Json> {
    let mut out = Vec::new();
    if let Some(Json::Arr(ins)) = reg.get("inspections") {
        for i in ins {
            if let Some(Json::Arr(f)) = i.get("findings") {
                out.extend(f.iter().cloned());
            }
        }
    }
    out
}

/// Puts the finding `f` (as the API answers an action on it) in place of the one with its id.
pub fn replace_finding(reg: &mut Json, f: Json) -> bool {
    let id = f.str_at("id").to_string();
    if let Some(Json::Arr(ins)) = reg.entry("inspections") {
        for i in ins {
            if let Some(Json::Arr(list)) = i.entry("findings") {
                if let Some(slot) = list.iter_mut().find(|x| x.str_at("id") == id) {
                    *slot = f;
                    return true;
                }
            }
        }
    }
    false
}

/// A finding's `rectify_by` in words, overdue said in words too ("2026年11月26日（已逾期）").
pub fn rectify_by_words(f: &Json, lang: Lang) -> String {
    let by = date_words(f.get("rectify_by"), lang);
    if by.is_empty() {
        return by;
    }
    match f.get("overdue").and_then(Json::as_bool) {
        Some(true) => fill(lang.cat().fnd_overdue, &[("date", &by)]),
        _ => by,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> &'static Engine {
        Box::leak(Box::new(
            Engine::embedded().unwrap_or_else(|e| panic!("{e}")),
        ))
    }
    fn d(s: &str) -> Date {
        Date::parse(s).unwrap_or_else(|| panic!("{s}"))
    }

    #[test]
    fn window_is_the_rule_sets_days_ending_on_valid_until() {
        let e = engine();
        let vu = d("2027-06-02");
        let days = e.ruleset_for(vu).params.extension_window_days as i32;
        let w = window(e, vu);
        assert_eq!(w.closes, vu);
        // the window counts `days` days, both ends included
        assert_eq!(w.closes.days_since(w.opens) + 1, days);
        assert_eq!(w.now(w.opens.add_days(-1)), WindowNow::NotYet);
        assert_eq!(w.now(w.opens), WindowNow::Open);
        assert_eq!(w.now(vu), WindowNow::Open);
        assert_eq!(w.now(vu.add_days(1)), WindowNow::Closed);
    }

    #[test]
    fn statuses_are_words_never_codes() {
        for st in [
            "filed",
            "returned",
            "registered",
            "extended",
            "refused",
            "revoked",
            "expired",
            "cancelled",
            "something_new",
        ] {
            for lang in [Lang::Zh, Lang::En] {
                let w = Phase::of(st).words(lang);
                // a sentence, never the code ("filed"); in Chinese no Latin letters at all
                assert!(!w.is_empty() && w != st && !w.contains('_'), "{st}: {w}");
                if lang == Lang::Zh {
                    assert!(!w.bytes().any(|b| b.is_ascii_alphabetic()), "{st}: {w}");
                }
            }
        }
        assert_eq!(Phase::of("revoked").words(Lang::Zh), "已撤销登记");
        assert!(Phase::of("extended").in_force());
        assert!(!Phase::of("revoked").in_force());
    }

    #[test]
    fn dates_and_streets_in_words() {
        let e = engine();
        assert_eq!(
            date_words(Some(&Json::Str("2026-12-02".into())), Lang::Zh),
            "2026年12月2日"
        );
        assert_eq!(
            date_words(
                Some(&Json::Str("2026-12-02T10:15:00.000+08:00".into())),
                Lang::En
            ),
            "2 December 2026"
        );
        assert_eq!(date_words(None, Lang::En), "");
        assert_eq!(street_name(e, "bantian", Lang::Zh), "坂田街道");
        assert!(!street_name(e, "bantian", Lang::En).contains("bantian"));
        assert_eq!(street_name(e, "nowhere", Lang::Zh), "—");
    }

    #[test]
    fn server_dates_read_as_words() {
        assert_eq!(
            dates_in_words("应晚于 2027-06-02，且不超过 2027-12-02（延长）", Lang::Zh),
            "应晚于 2027年6月2日，且不超过 2027年12月2日（延长）"
        );
        assert_eq!(
            dates_in_words("after 2027-06-02.", Lang::En),
            "after 2 June 2027."
        );
        // not a date, or part of a longer number: left alone
        assert_eq!(dates_in_words("T2027-06-021", Lang::Zh), "T2027-06-021");
        assert_eq!(dates_in_words("2027-13-02", Lang::Zh), "2027-13-02");
    }

    fn finding(status: &str, rect: Vec<Json>, refs: Vec<Json>) -> Json {
        crate::json::obj(vec![
            ("id", Json::Str("fnd_1".into())),
            ("status", Json::Str(status.into())),
            ("rectify_by", Json::Str("2026-11-26".into())),
            ("overdue", Json::Bool(false)),
            ("rectifications", Json::Arr(rect)),
            ("referrals", Json::Arr(refs)),
        ])
    }

    /// 第三十四条 and §9.3: open → answered → rejected with its reason → answered → closed; referred
    /// (第三十六条) names the body in the reader's language.
    #[test]
    fn a_findings_state_in_the_applicants_words() {
        use crate::json::obj;
        let st = |f: &Json| FindingState::of(f, Lang::Zh);
        assert_eq!(st(&finding("open", vec![], vec![])), FindingState::Open);
        let answer =
            |decision: Json, reason: Json| obj(vec![("decision", decision), ("reason", reason)]);
        let f = finding("rectified", vec![answer(Json::Null, Json::Null)], vec![]);
        assert_eq!(st(&f), FindingState::Answered);
        assert!(!st(&f).answerable());
        let f = finding(
            "open",
            vec![answer(
                Json::Str("rejected".into()),
                Json::Str("照片看不清".into()),
            )],
            vec![],
        );
        assert_eq!(st(&f), FindingState::Rejected("照片看不清".into()));
        assert!(st(&f).answerable());
        let f = finding(
            "closed",
            vec![answer(Json::Str("accepted".into()), Json::Null)],
            vec![],
        );
        assert_eq!(st(&f), FindingState::Closed);
        let title = obj(vec![
            ("zh", Json::Str("转街道综合执法机构".into())),
            ("en", Json::Str("the street's law-enforcement body".into())),
        ]);
        let f = finding(
            "referred",
            vec![],
            vec![obj(vec![
                ("title", title),
                ("referred_on", Json::Str("2026-11-24".into())),
            ])],
        );
        assert_eq!(
            FindingState::of(&f, Lang::En),
            FindingState::Referred {
                body: "the street's law-enforcement body".into(),
                on: "24 November 2026".into()
            }
        );
    }

    #[test]
    fn rectify_by_in_words_overdue_said_so() {
        let mut f = finding("open", vec![], vec![]);
        assert_eq!(rectify_by_words(&f, Lang::Zh), "2026年11月26日");
        f.set("overdue", Json::Bool(true));
        let w = rectify_by_words(&f, Lang::Zh);
        assert!(w.starts_with("2026年11月26日") && w.contains("逾期"), "{w}");
        let w = rectify_by_words(&f, Lang::En);
        assert!(
            w.contains("26 November 2026") && w.contains("overdue"),
            "{w}"
        );
    }

    #[test]
    fn an_answered_finding_replaces_its_old_self() {
        use crate::json::obj;
        let mut reg = obj(vec![(
            "inspections",
            Json::Arr(vec![obj(vec![(
                "findings",
                Json::Arr(vec![finding("open", vec![], vec![])]),
            )])]),
        )]);
        assert_eq!(findings(&reg).len(), 1);
        assert!(replace_finding(
            &mut reg,
            finding("rectified", vec![], vec![])
        ));
        assert_eq!(findings(&reg)[0].str_at("status"), "rectified");
        let mut other = finding("closed", vec![], vec![]);
        other.set("id", Json::Str("fnd_2".into()));
        assert!(!replace_finding(&mut reg, other));
    }

    #[test]
    fn window_sentence_names_the_dates() {
        let e = engine();
        let w = window(e, d("2027-06-02"));
        let s = window_sentence(&w, d("2027-01-01"), Lang::Zh);
        assert!(s.contains("2027年5月19日"), "{s}");
        let s = window_sentence(&w, d("2027-05-25"), Lang::En);
        assert!(s.contains("2 June 2027"), "{s}");
    }
}
