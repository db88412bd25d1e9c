//! The safety pledge (安全生产承诺书) the applicant or agent affirms in the form — 第二十七条第（四）项
//! ("通过签署安全生产承诺书……告知……注意事项、禁止行为、安全生产工作要求"), 第二十八条第（三）项 — written
//! from the obligations of 第十条, 第十一条 and 第十三条. Its text is versioned data
//! (`filing/data/pledge-<version>.<lang>.txt`: the title on the first line, then one paragraph per line,
//! blank lines between them for the reader). A filing records the version it affirmed; a changed text is a new version — new files and one
//! line in [`pledges!`] — and no version is ever removed (stored filings print the text they affirmed).
//!
//! The versions are one list and the texts another function, so that code which only checks a version
//! (the browser's form) does not carry the texts: the widget shows the text the server sends
//! (`GET /api/v1/pledge`).
//!
//! A number the text quotes from the rules is a rule-set parameter placeholder
//! (`{cancellation_working_days}`), filled by `Ruleset::fill_params` where the text is shown.

/// One version of the pledge, in both languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PledgeText {
    pub version: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

macro_rules! pledges {
    ($($version:literal),* $(,)?) => {
        /// Every version, oldest first; the last is the one the form shows.
        pub const VERSIONS: &[&str] = &[$($version),*];

        /// A version's text.
        pub fn text(version: &str) -> Option<PledgeText> {
            match version {
                $($version => Some(PledgeText {
                    version: $version,
                    zh: include_str!(concat!("../data/pledge-", $version, ".zh.txt")),
                    en: include_str!(concat!("../data/pledge-", $version, ".en.txt")),
                }),)*
                _ => None,
            }
        }
    };
}

pledges!["2026.1"];

/// The version the form shows today.
pub fn current() -> &'static str {
    VERSIONS[VERSIONS.len() - 1]
}

/// Whether `version` is one this build knows.
pub fn is_known(version: &str) -> bool {
    VERSIONS.contains(&version)
}

/// The title of a text (its first line).
pub fn title(text: &str) -> &str {
    text.lines().next().unwrap_or("").trim()
}

/// The paragraphs after the title (one per line).
pub fn paragraphs(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .skip(1)
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 依据：第二十七条第（四）项, 第十条, 第十三条 — the pledge names the duties it makes the signer promise,
    /// in both languages, paragraph for paragraph.
    #[test]
    fn the_pledge_covers_the_owners_and_contractors_duties() {
        for v in VERSIONS {
            let p = text(v).unwrap_or_else(|| panic!("{v} has no text"));
            assert_eq!(p.version, *v);
            assert_eq!(paragraphs(p.zh).count(), paragraphs(p.en).count(), "{v}");
            assert!(title(p.zh).contains("安全生产承诺书"));
            assert!(title(p.en).contains("safety pledge"));
            for article in [
                "第二十七条第（四）项",
                "第十条第（三）项",
                "第十三条",
                "第十一条",
            ] {
                assert!(p.zh.contains(article), "{v} lacks {article}");
            }
            for words in ["特种作业操作证", "消纳场所", "工伤保险", "张贴", "注销"]
            {
                assert!(p.zh.contains(words), "{v} lacks {words}");
            }
        }
        assert!(is_known(current()) && text(current()).is_some());
        assert!(!is_known("1999.1") && text("1999.1").is_none());
    }
}
