//! Article citations for English readers (the regulation is cited in Chinese in the data).

/// A number written in Chinese (一 … 九十九) or in digits.
fn zh_number(s: &str) -> Option<u32> {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    let d = |c: char| {
        "零一二三四五六七八九"
            .chars()
            .position(|x| x == c)
            .map(|p| p as u32)
    };
    let mut c = s.chars();
    match (c.next()?, c.next(), c.next(), c.next()) {
        ('十', None, ..) => Some(10),
        ('十', Some(u), None, _) => Some(10 + d(u)?),
        (t, Some('十'), None, _) => Some(d(t)? * 10),
        (t, Some('十'), Some(u), None) => Some(d(t)? * 10 + d(u)?),
        (u, None, ..) => d(u),
        _ => None,
    }
}

/// `s` as a number if it is one, else as it is.
fn push_number(out: &mut String, s: &str) {
    match zh_number(s) {
        Some(n) => out.push_str(&n.to_string()),
        None => out.push_str(s),
    }
}

/// An article citation in English: "第二十八条第（二）项" → "Art. 28(2)".
pub fn article_en(zh: &str) -> String {
    let mut out = String::new();
    let mut rest = zh;
    while let Some(ch) = rest.chars().next() {
        let after = &rest[ch.len_utf8()..];
        // （k）, after 第 or not: "(k)", and the 项 that may follow is implied
        let paren = after.strip_prefix('（').filter(|_| ch == '第');
        if let Some((n, r)) = paren
            .or((ch == '（').then_some(after))
            .and_then(|r| r.split_once('）'))
        {
            out.push('(');
            push_number(&mut out, n);
            out.push(')');
            rest = r.strip_prefix('项').unwrap_or(r);
            continue;
        }
        if ch == '第' {
            // 第N条 / 第N行 / 第N项
            let end = after.find(['条', '行', '项']).unwrap_or(after.len());
            let unit = after[end..].chars().next();
            out.push_str(match unit {
                Some('条') => "Art. ",
                Some('行') => "row ",
                Some('项') => " item ",
                _ => "",
            });
            push_number(&mut out, &after[..end]);
            rest = unit.map_or("", |u| &after[end + u.len_utf8()..]);
            continue;
        }
        if let Some(r) = rest.strip_prefix("分类表") {
            out.push_str("Classification table");
            rest = r;
            continue;
        }
        match ch {
            '、' | '，' => out.push_str(", "),
            '及' | '和' => out.push_str(" and "),
            c => out.push(c),
        }
        rest = after;
    }
    out.replace("  ", " ").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_read_in_english() {
        for (zh, en) in [
            ("第二十八条第（二）项", "Art. 28(2)"),
            ("第二条", "Art. 2"),
            ("第十条第（六）（七）项", "Art. 10(6)(7)"),
            (
                "第二十八条第（三）项、第二十七条第（四）项",
                "Art. 28(3), Art. 27(4)",
            ),
            ("第五条（一）", "Art. 5(1)"),
            ("分类表 第14行第6项", "Classification table row 14 item 6"),
            ("第四十五条", "Art. 45"),
        ] {
            assert_eq!(article_en(zh), en, "{zh}");
        }
    }
}
