//! The page's words (data/words.tsv) and the two languages.

/// The page's language: Chinese by default, English on request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
    pub fn tag(self) -> &'static str {
        self.pick("zh-CN", "en")
    }
    pub fn from_tag(t: &str) -> Lang {
        if t.starts_with("en") {
            Lang::En
        } else {
            Lang::Zh
        }
    }
}

const WORDS: &str = include_str!("../data/words.tsv");

/// A word in both languages; the key itself if missing (a test checks every key used exists).
pub fn both(key: &str) -> (&'static str, &'static str) {
    WORDS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| {
            let mut p = l.split('\t');
            (p.next() == Some(key)).then(|| (p.next().unwrap_or(""), p.next().unwrap_or("")))
        })
        .unwrap_or(("", ""))
}

pub fn w(lang: Lang, key: &str) -> &'static str {
    let (zh, en) = both(key);
    lang.pick(zh, en)
}

/// Every key of the words file.
pub fn keys() -> impl Iterator<Item = &'static str> {
    WORDS
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| l.split('\t').next())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_has_both_languages() {
        for k in keys() {
            let (zh, en) = both(k);
            assert!(!zh.is_empty() && !en.is_empty(), "{k}");
        }
    }

    #[test]
    fn every_word_the_page_and_its_script_name_exists() {
        let html = include_str!("../www/index.html");
        let js = include_str!("../www/page.js");
        let named = html
            .split("data-w=\"")
            .skip(1)
            .chain(js.split("app.word('").skip(1))
            .filter_map(|s| s.split(['"', '\'']).next());
        let mut n = 0;
        for k in named {
            assert!(keys().any(|x| x == k), "{k} is not in data/words.tsv");
            n += 1;
        }
        assert!(n > 20);
    }
}
