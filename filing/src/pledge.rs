//! The safety pledge (安全生产承诺书) the applicant or agent affirms in the form — 第二十七条第（四）项
//! ("通过签署安全生产承诺书……告知……注意事项、禁止行为、安全生产工作要求"), 第二十八条第（三）项 — written
//! from the obligations of 第十条, 第十一条 and 第十三条. Its text is versioned data
//! (`filing/data/pledge-<version>.<lang>.txt`: the title, a blank line, then paragraphs separated by blank
//! lines). A filing records the version it affirmed; a changed text is a new version and a new line in
//! [`PLEDGES`], and no version is ever removed (stored filings print the text they affirmed).

/// One version of the pledge, in both languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PledgeText {
    pub version: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

/// Every version, oldest first; the last is the one the form shows.
pub const PLEDGES: &[PledgeText] = &[PledgeText {
    version: "2026.1",
    zh: include_str!("../data/pledge-2026.1.zh.txt"),
    en: include_str!("../data/pledge-2026.1.en.txt"),
}];

/// The version the form shows today.
pub fn current() -> &'static PledgeText {
    &PLEDGES[PLEDGES.len() - 1]
}

/// A version by its name.
pub fn find(version: &str) -> Option<&'static PledgeText> {
    PLEDGES.iter().find(|p| p.version == version)
}

/// The title of a text (its first line).
pub fn title(text: &str) -> &str {
    text.lines().next().unwrap_or("").trim()
}

/// The paragraphs after the title.
pub fn paragraphs(text: &str) -> impl Iterator<Item = &str> {
    text.split("\n\n")
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
        for p in PLEDGES {
            assert_eq!(
                paragraphs(p.zh).count(),
                paragraphs(p.en).count(),
                "{}",
                p.version
            );
            assert!(title(p.zh).contains("安全生产承诺书"));
            assert!(title(p.en).contains("safety pledge"));
            for article in [
                "第二十七条第（四）项",
                "第十条第（三）项",
                "第十三条",
                "第十一条",
            ] {
                assert!(p.zh.contains(article), "{} lacks {article}", p.version);
            }
            for words in ["特种作业操作证", "消纳场所", "工伤保险", "张贴", "注销"]
            {
                assert!(p.zh.contains(words), "{} lacks {words}", p.version);
            }
        }
        assert_eq!(find(current().version), Some(current()));
        assert_eq!(find("1999.1"), None);
    }
}
