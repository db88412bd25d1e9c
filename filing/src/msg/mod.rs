//! Every problem a filing can have, and its words: one catalogue, one file per language (`zh.rs`,
//! `en.rs`). The server's problem documents and the widget's form errors both come from here, so the
//! browser and the server say the same words. A new language is one more file with a `text` function
//! and one more method below.

use anbei_core::Date;

mod article;
mod en;
mod zh;

pub use article::article_en;

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
    /// 简体中文.
    pub fn zh(&self) -> String {
        zh::text(self)
    }
    /// English.
    pub fn en(&self) -> String {
        en::text(self)
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
        for m in all {
            assert!(!m.zh().is_empty() && !m.en().is_empty(), "{m:?}");
            assert!(!m.rule().is_empty());
            assert_ne!(m.zh(), m.en(), "{m:?}");
        }
        assert_eq!(Msg::IdChecksum.rule(), "checksum");
        assert_eq!(Msg::NoWorkers.rule(), "required");
        assert_eq!(Msg::DocumentCode("D_X".into()).rule(), "code");
    }
}
