//! Client-side checks mirroring the server's: 居民身份证号码 (GB 11643-1999 check character),
//! 统一社会信用代码 (GB 32100-2015 check character) and mainland mobile numbers. No regex: plain loops.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdProblem {
    /// Not 17 digits + digit/X, or the embedded date of birth is not a real date.
    Format,
    /// The check character does not match.
    Checksum,
}

/// Checks an 18-character resident ID number. Accepts a lowercase `x`.
pub fn check_id_number(s: &str) -> Result<(), IdProblem> {
    let b: Vec<u8> = s.trim().bytes().collect();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return Err(IdProblem::Format);
    }
    let last = b[17].to_ascii_uppercase();
    if !(last.is_ascii_digit() || last == b'X') {
        return Err(IdProblem::Format);
    }
    // region code: not starting with 0, and not a bare province (GB/T 2260), as the server checks
    if b[0] == b'0' || &b[2..6] == b"0000" {
        return Err(IdProblem::Format);
    }
    let num =
        |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |a, d| a * 10 + u32::from(d - b'0'));
    let (y, m, d) = (num(6..10), num(10..12), num(12..14));
    let real_date =
        (1900..=2100).contains(&y) && anbei_core::Date::from_ymd(y as i32, m, d).is_some();
    if !real_date {
        return Err(IdProblem::Format);
    }
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const C: &[u8; 11] = b"10X98765432";
    let sum: u32 = b[..17]
        .iter()
        .zip(W)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    if C[(sum % 11) as usize] == last {
        Ok(())
    } else {
        Err(IdProblem::Checksum)
    }
}

/// Checks an 18-character unified social credit code (uppercase letters without I, O, Z, S, V).
pub fn check_credit_code(s: &str) -> bool {
    const A: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    const W: [usize; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let b: Vec<u8> = s.trim().bytes().map(|c| c.to_ascii_uppercase()).collect();
    if b.len() != 18 {
        return false;
    }
    let mut vals = [0usize; 18];
    for (i, c) in b.iter().enumerate() {
        match A.iter().position(|a| a == c) {
            Some(v) => vals[i] = v,
            None => return false,
        }
    }
    let sum: usize = vals[..17].iter().zip(W).map(|(v, w)| v * w).sum();
    let check = (31 - sum % 31) % 31;
    vals[17] == check
}

/// A mainland mobile number: 11 digits, `1` then `3`–`9`. Spaces and a leading +86 are tolerated.
pub fn check_mobile(s: &str) -> bool {
    let digits: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    let d = digits.strip_prefix("+86").unwrap_or(&digits);
    let b = d.as_bytes();
    b.len() == 11
        && b.iter().all(u8::is_ascii_digit)
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_numbers() {
        // The example of API.md, and a Shenzhen number.
        for ok in [
            "11010519491231002X",
            "11010519491231002x",
            "440307199003071239",
        ] {
            assert_eq!(check_id_number(ok), Ok(()), "{ok}");
        }
        for (bad, why) in [
            ("110105194912310021", IdProblem::Checksum),
            ("11010519491331002X", IdProblem::Format), // month 13
            ("11010519490229002X", IdProblem::Format), // 1949 was not a leap year
            ("1101051949123100", IdProblem::Format),
            ("A1010519491231002X", IdProblem::Format),
            ("440524188001010014", IdProblem::Format), // born before 1900: the server refuses it too
            ("010105194912310021", IdProblem::Format), // region code
        ] {
            assert_eq!(check_id_number(bad), Err(why), "{bad}");
        }
    }

    #[test]
    fn credit_codes() {
        for ok in [
            "91350100M000100Y43",
            "91440300708461136T",
            "914403001922038216",
        ] {
            assert!(check_credit_code(ok), "{ok}");
        }
        for bad in [
            "91440300MA5XXXXXXX",
            "91350100M000100Y44",
            "9135010OM000100Y43",
            "123",
        ] {
            assert!(!check_credit_code(bad), "{bad}");
        }
    }

    #[test]
    fn mobiles() {
        for ok in ["13800138000", "+86 139 0000 1111", "19912345678"] {
            assert!(check_mobile(ok), "{ok}");
        }
        for bad in ["12800138000", "1380013800", "1380013800a", ""] {
            assert!(!check_mobile(bad), "{bad}");
        }
    }
}
