//! Every problem a filing can have, and its words: one catalogue, one file per language (`zh.rs`,
//! `en.rs`: the words of every message, `{name}` where a value goes in — a missing one is a compile
//! error). The server's problem documents and the widget's form errors both come from here, so the
//! browser and the server say the same words. A new language is one more file and one more
//! [`Catalogue`] line below.

use anbei_core::Date;

mod article;
mod en;
mod zh;

pub use article::article_en;

macro_rules! words {
    ($($name:ident),* $(,)?) => {
        /// Every message's words in one language.
        struct Words { $($name: &'static str),* }
    };
}

words! {
    required, no_workers, too_many_workers, not_an_object, not_a_string, not_an_array, unknown_key,
    too_long, control_character, id_format, id_region, id_birth_date, id_checksum, credit_format,
    credit_region, credit_checksum, mobile, email, date, start_before_today, end_before_start, street,
    street_mismatch, operation, uncovered, certificate_expired, lang, document_code, upload_id,
    unknown_upload, missing_document, pledge_not_affirmed, pledge_version, not_a_filing, facts_json,
    missing_fact,
}

/// Which half of a bilingual text (rule data, [`Given`]) a catalogue shows: the data is written in zh
/// and en.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Half {
    Zh,
    En,
}

/// One language: its words, the half of the bilingual data it shows, what stands between the items of
/// a list.
struct Catalogue {
    words: &'static Words,
    half: Half,
    separator: &'static str,
}

const ZH: Catalogue = Catalogue {
    words: &zh::WORDS,
    half: Half::Zh,
    separator: "、",
};
const EN: Catalogue = Catalogue {
    words: &en::WORDS,
    half: Half::En,
    separator: ", ",
};

impl Catalogue {
    fn pick<'a>(&self, g: &'a Given) -> &'a str {
        match self.half {
            Half::Zh => &g.zh,
            Half::En => &g.en,
        }
    }
    /// An article citation as this language writes it ("第二十八条第（二）项" / "Art. 28(2)").
    fn article(&self, zh: &str) -> String {
        match self.half {
            Half::Zh => zh.to_owned(),
            Half::En => article_en(zh),
        }
    }
}

/// A text in both languages that the catalogue takes as it is (rule data: a document's title, a
/// question; or words written elsewhere, such as the core's facts errors).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Given {
    pub zh: String,
    pub en: String,
}

/// What is wrong with one field. Each variant has one stable rule code ([`Msg::rule`], part of the
/// API: `errors[].rule`) and one text per language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// A required field is absent or blank.
    Required,
    /// `workers` is an empty list.
    NoWorkers,
    /// More than `max` workers.
    TooManyWorkers {
        max: usize,
    },
    NotAnObject,
    NotAString,
    NotAnArray,
    /// A member the filing does not have.
    UnknownKey(String),
    /// Text longer than `max` characters.
    TooLong {
        max: usize,
        got: usize,
    },
    ControlCharacter,
    IdFormat,
    IdRegion,
    IdBirthDate,
    IdChecksum,
    CreditFormat,
    CreditRegion,
    CreditChecksum,
    Mobile,
    /// Not an e-mail address.
    Email,
    /// Not a real date `YYYY-MM-DD`.
    Date,
    /// 依据：第九条 — register before starting.
    StartBeforeToday,
    EndBeforeStart,
    /// Not a Longgang street code.
    Street(String),
    /// The site's street is not the street of the facts.
    StreetMismatch(String),
    /// A worker's operation is not one of the rule set's special operations.
    Operation {
        allowed: Vec<String>,
    },
    /// 依据：第十一条第（二）项, 第十三条第（六）项 — a special operation answered yes and no worker
    /// holding its certificate.
    Uncovered {
        operation: Given,
    },
    /// The certificate is no longer valid on `on` (the planned start).
    CertificateExpired {
        until: Date,
        on: Date,
    },
    Lang,
    /// A `documents` key that is not a document code.
    DocumentCode(String),
    UploadId,
    /// The upload id is not in the store (the server's own check).
    UnknownUpload,
    /// A required upload is missing: the document's title and article.
    MissingDocument {
        title: Given,
        article: String,
    },
    /// 依据：第二十七条第（四）项 — the pledge is not affirmed.
    PledgeNotAffirmed,
    /// A pledge version this build does not know.
    PledgeVersion(String),
    /// The body is not a JSON object.
    NotAFiling,
    /// The facts could not be read (the parser's words).
    FactsJson(String),
    /// A fact the assessment still needs: its question.
    MissingFact(Given),
    /// Words written elsewhere, with their rule code (the core's facts errors).
    Other {
        rule: &'static str,
        text: Given,
    },
}

impl Msg {
    /// The stable rule code.
    pub fn rule(&self) -> &'static str {
        match self {
            Msg::Required | Msg::NoWorkers => "required",
            Msg::TooManyWorkers { .. } | Msg::TooLong { .. } => "length",
            Msg::NotAnObject | Msg::NotAString | Msg::NotAnArray => "type",
            Msg::UnknownKey(_) => "unknown_key",
            Msg::ControlCharacter => "control_character",
            Msg::IdFormat | Msg::CreditFormat | Msg::CreditRegion => "format",
            Msg::IdRegion => "region",
            Msg::IdBirthDate => "birth_date",
            Msg::IdChecksum | Msg::CreditChecksum => "checksum",
            Msg::Mobile => "mobile",
            Msg::Email => "email",
            Msg::Date => "date",
            Msg::StartBeforeToday => "before_filing",
            Msg::EndBeforeStart => "date_order",
            Msg::Street(_) | Msg::Operation { .. } | Msg::Lang | Msg::DocumentCode(_) => "code",
            Msg::StreetMismatch(_) => "mismatch",
            Msg::Uncovered { .. } => "special_operation_uncovered",
            Msg::CertificateExpired { .. } => "certificate_expired",
            Msg::UploadId => "upload_id",
            Msg::UnknownUpload => "unknown_upload",
            Msg::MissingDocument { .. } => "missing_document",
            Msg::PledgeNotAffirmed => "not_affirmed",
            Msg::PledgeVersion(_) => "unknown_version",
            Msg::NotAFiling => "not_an_object",
            Msg::FactsJson(_) => "json",
            Msg::MissingFact(_) => "missing_fact",
            Msg::Other { rule, .. } => rule,
        }
    }
    /// The message's words in `w` (`""` for words given as they are).
    fn words(&self, w: &Words) -> &'static str {
        match self {
            Msg::Required => w.required,
            Msg::NoWorkers => w.no_workers,
            Msg::TooManyWorkers { .. } => w.too_many_workers,
            Msg::NotAnObject => w.not_an_object,
            Msg::NotAString => w.not_a_string,
            Msg::NotAnArray => w.not_an_array,
            Msg::UnknownKey(_) => w.unknown_key,
            Msg::TooLong { .. } => w.too_long,
            Msg::ControlCharacter => w.control_character,
            Msg::IdFormat => w.id_format,
            Msg::IdRegion => w.id_region,
            Msg::IdBirthDate => w.id_birth_date,
            Msg::IdChecksum => w.id_checksum,
            Msg::CreditFormat => w.credit_format,
            Msg::CreditRegion => w.credit_region,
            Msg::CreditChecksum => w.credit_checksum,
            Msg::Mobile => w.mobile,
            Msg::Email => w.email,
            Msg::Date => w.date,
            Msg::StartBeforeToday => w.start_before_today,
            Msg::EndBeforeStart => w.end_before_start,
            Msg::Street(_) => w.street,
            Msg::StreetMismatch(_) => w.street_mismatch,
            Msg::Operation { .. } => w.operation,
            Msg::Uncovered { .. } => w.uncovered,
            Msg::CertificateExpired { .. } => w.certificate_expired,
            Msg::Lang => w.lang,
            Msg::DocumentCode(_) => w.document_code,
            Msg::UploadId => w.upload_id,
            Msg::UnknownUpload => w.unknown_upload,
            Msg::MissingDocument { .. } => w.missing_document,
            Msg::PledgeNotAffirmed => w.pledge_not_affirmed,
            Msg::PledgeVersion(_) => w.pledge_version,
            Msg::NotAFiling => w.not_a_filing,
            Msg::FactsJson(_) => w.facts_json,
            Msg::MissingFact(_) => w.missing_fact,
            Msg::Other { .. } => "",
        }
    }
    /// The values the words take (at most two), by placeholder name, as `cat` writes them.
    fn values(&self, cat: &Catalogue) -> [(&'static str, String); 2] {
        let none = || ("", String::new());
        let one = |name, v: &str| [(name, v.to_owned()), none()];
        match self {
            Msg::TooManyWorkers { max } => [("max", max.to_string()), none()],
            Msg::TooLong { max, got } => [("max", max.to_string()), ("got", got.to_string())],
            Msg::UnknownKey(k) => one("key", k),
            Msg::Street(s) | Msg::StreetMismatch(s) => one("street", s),
            Msg::Operation { allowed } => [("allowed", allowed.join(cat.separator)), none()],
            Msg::Uncovered { operation } => one("operation", cat.pick(operation)),
            Msg::CertificateExpired { until, on } => {
                [("until", until.to_string()), ("on", on.to_string())]
            }
            Msg::DocumentCode(c) => one("code", c),
            Msg::MissingDocument { title, article } => [
                ("title", cat.pick(title).to_owned()),
                ("article", cat.article(article)),
            ],
            Msg::PledgeVersion(v) => one("version", v),
            Msg::FactsJson(e) => one("error", e),
            Msg::MissingFact(q) => one("question", cat.pick(q)),
            _ => [none(), none()],
        }
    }
    fn text(&self, cat: &Catalogue) -> String {
        if let Msg::Other { text, .. } = self {
            return cat.pick(text).to_owned();
        }
        let [(a, x), (b, y)] = self.values(cat);
        anbei_core::assess::fill(self.words(cat.words), &[(a, &x), (b, &y)])
    }
    /// 简体中文.
    pub fn zh(&self) -> String {
        self.text(&ZH)
    }
    /// English.
    pub fn en(&self) -> String {
        self.text(&EN)
    }
}

/// One problem: the field's dotted path in the body (`workers.0.certificate_no`) and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub field: String,
    pub msg: Msg,
}

impl Problem {
    pub fn new(field: impl Into<String>, msg: Msg) -> Problem {
        Problem {
            field: field.into(),
            msg,
        }
    }
    pub fn rule(&self) -> &'static str {
        self.msg.rule()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every message has words in both languages, and the rule codes the API has always used stay.
    #[test]
    fn every_message_has_both_languages() {
        let g = || Given {
            zh: "中".into(),
            en: "e".into(),
        };
        let d = Date::from_ymd(2026, 12, 1).unwrap_or_else(|| panic!("date"));
        let all = [
            Msg::Required,
            Msg::NoWorkers,
            Msg::TooManyWorkers { max: 500 },
            Msg::NotAnObject,
            Msg::NotAString,
            Msg::NotAnArray,
            Msg::UnknownKey("x".into()),
            Msg::TooLong { max: 2, got: 3 },
            Msg::ControlCharacter,
            Msg::IdFormat,
            Msg::IdRegion,
            Msg::IdBirthDate,
            Msg::IdChecksum,
            Msg::CreditFormat,
            Msg::CreditRegion,
            Msg::CreditChecksum,
            Msg::Mobile,
            Msg::Email,
            Msg::Date,
            Msg::StartBeforeToday,
            Msg::EndBeforeStart,
            Msg::Street("x".into()),
            Msg::StreetMismatch("x".into()),
            Msg::Operation {
                allowed: vec!["welding".into()],
            },
            Msg::Uncovered { operation: g() },
            Msg::CertificateExpired { until: d, on: d },
            Msg::Lang,
            Msg::DocumentCode("x".into()),
            Msg::UploadId,
            Msg::UnknownUpload,
            Msg::MissingDocument {
                title: g(),
                article: "第二十八条".into(),
            },
            Msg::PledgeNotAffirmed,
            Msg::PledgeVersion("0".into()),
            Msg::NotAFiling,
            Msg::FactsJson("x".into()),
            Msg::MissingFact(g()),
        ];
        /// The `{name}`s of a text.
        fn placeholders(t: &str) -> Vec<&str> {
            t.split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}'))
                .map(|p| p.0)
                .collect()
        }
        for m in all {
            assert!(!m.zh().is_empty() && !m.en().is_empty(), "{m:?}");
            assert!(!m.rule().is_empty());
            assert_ne!(m.zh(), m.en(), "{m:?}");
            // every language has the same placeholders, and each is filled
            let zh = m.words(ZH.words);
            for cat in [&ZH, &EN] {
                assert_eq!(placeholders(m.words(cat.words)), placeholders(zh), "{m:?}");
                assert!(!m.text(cat).contains('{'), "{}", m.text(cat));
            }
        }
        assert_eq!(Msg::IdChecksum.rule(), "checksum");
        assert_eq!(Msg::NoWorkers.rule(), "required");
        assert_eq!(Msg::DocumentCode("D_X".into()).rule(), "code");
    }
}
