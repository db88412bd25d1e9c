//! English.
use super::{Msg, article_en};

pub fn text(m: &Msg) -> String {
    match m {
        Msg::Required => "Required: please fill this in.".into(),
        Msg::NoWorkers => "List at least one worker.".into(),
        Msg::TooManyWorkers { max } => format!("At most {max} workers."),
        Msg::NotAnObject => "Must be an object.".into(),
        Msg::NotAString => "Must be a string.".into(),
        Msg::NotAnArray => "Must be an array.".into(),
        Msg::UnknownKey(k) => format!("Unknown field \"{k}\"."),
        Msg::TooLong { max, got } => format!("At most {max} characters (got {got})."),
        Msg::ControlCharacter => "Contains control or invisible formatting characters.".into(),
        Msg::IdFormat => "An ID number has 18 characters: 17 digits, then a digit or X.".into(),
        Msg::IdRegion => "The region code of the ID number is not valid.".into(),
        Msg::IdBirthDate => "The birth date in the ID number is not a real date.".into(),
        Msg::IdChecksum => "The ID number's check digit is wrong; please check it.".into(),
        Msg::CreditFormat => {
            "A unified social credit code has 18 digits or capital letters (not I, O, Z, S, V)."
                .into()
        }
        Msg::CreditRegion => {
            "Characters 3–8 of a unified social credit code are the region code.".into()
        }
        Msg::CreditChecksum => {
            "The check character of the unified social credit code is wrong; please check it."
                .into()
        }
        Msg::Mobile => {
            "A mobile number is an 11-digit mainland China number starting 13–19.".into()
        }
        Msg::Date => "Must be a real date (YYYY-MM-DD).".into(),
        Msg::StartBeforeToday => {
            "Register before starting: the planned start cannot be before today (Art. 9).".into()
        }
        Msg::EndBeforeStart => "The planned end cannot be before the planned start.".into(),
        Msg::Street(s) => format!("Not a Longgang street code: {s}."),
        Msg::StreetMismatch(s) => format!("Differs from the street in your answers ({s})."),
        Msg::Operation { allowed } => {
            format!("The operation must be one of {}.", allowed.join(", "))
        }
        Msg::Uncovered { operation } => format!(
            "The work involves a special operation ({}): list at least one worker holding its operation certificate (Art. 11(2), Art. 13(6)).",
            operation.en
        ),
        Msg::CertificateExpired { until, on } => format!(
            "The operation certificate is valid until {until}: no longer valid on the planned start ({on})."
        ),
        Msg::Lang => "lang must be zh-CN or en.".into(),
        Msg::DocumentCode(k) => format!("Not a document code: {k}."),
        Msg::UploadId => "Must be an upload id (sha256:…).".into(),
        Msg::UnknownUpload => "No such upload; upload the file again.".into(),
        Msg::MissingDocument { title, article } => {
            format!("Please upload: {} ({}).", title.en, article_en(article))
        }
        Msg::PledgeNotAffirmed => {
            "Read the safety pledge and tick the box to affirm it (Art. 27(4), Art. 28(3)).".into()
        }
        Msg::PledgeVersion(v) => {
            format!("Unknown pledge version: {v}; read and affirm the pledge again.")
        }
        Msg::NotAFiling => "The filing must be a JSON object.".into(),
        Msg::FactsJson(e) => format!("The facts are not valid: {e}"),
        Msg::MissingFact(q) => format!("Still needed: {}", q.en),
        Msg::Other { text, .. } => text.en.clone(),
    }
}
