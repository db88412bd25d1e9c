use super::*;
use crate::lifecycle::State;
use std::collections::BTreeSet;

fn placeholders(t: &str) -> BTreeSet<String> {
    t.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

/// Every message exists in every language with the same placeholders, so an argument given to one
/// language is shown in all of them.
#[test]
fn every_language_has_every_message_with_the_same_placeholders() {
    for k in Key::ALL {
        let want = placeholders(Lang::En.text(*k));
        for l in Lang::ALL {
            let t = l.text(*k);
            assert!(!t.trim().is_empty(), "{k:?} empty in {}", l.catalogue().tag);
            assert_eq!(
                placeholders(t),
                want,
                "{k:?}: placeholders differ in {}",
                l.catalogue().tag
            );
        }
    }
    for l in Lang::ALL {
        for s in State::ALL {
            assert!(!l.state(*s).is_empty());
        }
        for a in Action::ALL {
            assert!(!l.action(*a).is_empty());
        }
        for a in Actor::all() {
            assert!(!l.actor(a).is_empty());
        }
    }
}

#[test]
fn messages_are_filled_per_language() {
    let m = Msg::with(Key::PayloadTooLargeDetail, &[("limit", &262_144)]);
    assert_eq!(m.zh, "请求内容不能超过 262144 字节");
    assert_eq!(m.en, "the body may be at most 262144 bytes");
    let m = Msg::each(|l| l.list(["a", "b"]));
    assert_eq!((m.zh.as_str(), m.en.as_str()), ("a、b", "a, b"));
}

/// Checks `f` against each `(input, expected)` case.
fn table<T: PartialEq + std::fmt::Debug>(cases: &[(&str, T)], f: impl Fn(&str) -> T) {
    for (input, want) in cases {
        assert_eq!(&f(input), want, "{input:?}");
    }
}

/// Language tags fall back explicitly (API.md, "Languages"), not "everything that is not en is Chinese".
#[test]
fn language_tags_resolve_by_the_documented_table() {
    let (en, zh) = (Some(Lang::En), Some(Lang::ZhCn));
    table(
        &[
            ("en", en),
            ("en-GB", en),
            ("EN_us", en),
            ("zh", zh),
            ("zh-CN", zh),
            ("zh-SG", zh),
            ("zh-Hans", zh),
            ("zh-Hans-CN", zh),
            // No traditional-Chinese catalogue yet: zh-CN, until zh_hk.rs exists.
            ("zh-HK", zh),
            ("zh-TW", zh),
            ("zh-Hant", zh),
            ("fr", None),
            ("ja-JP", None),
            ("english", None),
            ("zhx", None),
            ("*", None),
            ("", None),
        ],
        Lang::from_tag,
    );
    table(
        &[
            ("en-GB,en;q=0.9", en),
            ("zh-CN,zh;q=0.9,en;q=0.8", zh),
            ("fr-FR, en;q=0.5, zh;q=0.4", en),
            ("zh;q=0.2, en;q=0.7", en),
            ("en;q=0, zh-TW", zh),
            ("fr, de;q=0.9", None),
            ("*", None),
            ("en;q=2", None),
            ("en;q=abc, zh;q=0.001", zh),
            ("", None),
        ],
        Lang::from_accept_language,
    );
}
