//! Article citations for English readers (the regulation is cited in Chinese in the data).

fn zh_number(s: &str) -> Option<u32> {
    let d = |c: char| {
        "零一二三四五六七八九"
            .chars()
            .position(|x| x == c)
            .map(|p| p as u32)
    };
    let chars: Vec<char> = s.chars().collect();
    if chars.iter().all(char::is_ascii_digit) {
        return s.parse().ok();
    }
    match chars.as_slice() {
        ['十'] => Some(10),
        ['十', u] => Some(10 + d(*u)?),
        [t, '十'] => Some(d(*t)? * 10),
        [t, '十', u] => Some(d(*t)? * 10 + d(*u)?),
        [u] => d(*u),
        _ => None,
    }
}

/// An article citation in English: "第二十八条第（二）项" → "Art. 28(2)".
pub fn article_en(zh: &str) -> String {
    let mut out = String::new();
    let mut rest = zh;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('第') {
            // 第N条 / 第N行 / 第N项 / 第（k）项
            if let Some(r2) = r.strip_prefix('（') {
                if let Some(end) = r2.find('）') {
                    let n = zh_number(&r2[..end])
                        .map_or_else(|| r2[..end].to_string(), |n| n.to_string());
                    out.push_str(&format!("({n})"));
                    rest = r2[end + '）'.len_utf8()..]
                        .strip_prefix('项')
                        .unwrap_or(&r2[end + '）'.len_utf8()..]);
                    continue;
                }
            }
            let end = r.find(['条', '行', '项']).unwrap_or(r.len());
            let unit = r[end..].chars().next();
            let n = zh_number(&r[..end]).map_or_else(|| r[..end].to_string(), |n| n.to_string());
            match unit {
                Some('条') => out.push_str(&format!("Art. {n}")),
                Some('行') => out.push_str(&format!("row {n}")),
                Some('项') => out.push_str(&format!(" item {n}")),
                _ => out.push_str(&n),
            }
            rest = unit.map_or("", |u| &r[end + u.len_utf8()..]);
            continue;
        }
        if let Some(r) = rest.strip_prefix('（') {
            if let Some(end) = r.find('）') {
                let n =
                    zh_number(&r[..end]).map_or_else(|| r[..end].to_string(), |n| n.to_string());
                out.push_str(&format!("({n})"));
                let after = &r[end + '）'.len_utf8()..];
                rest = after.strip_prefix('项').unwrap_or(after);
                continue;
            }
        }
        let mut chars = rest.chars();
        let Some(ch) = chars.next() else { break };
        match ch {
            '、' | '，' => out.push_str(", "),
            '及' | '和' => out.push_str(" and "),
            _ if rest.starts_with("分类表") => {
                out.push_str("Classification table");
                rest = &rest["分类表".len()..];
                continue;
            }
            c => out.push(c),
        }
        rest = chars.as_str();
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
