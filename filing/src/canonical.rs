//! The canonical JSON of a request (feature `serde_json`, the server's): object keys sorted at every
//! level. Idempotency-Key replays are compared by its hash, and stored facts are written in it.

use crate::schema::WriteJson;
use anbei_core::json::{list, write_str};
use serde_json::{Map, Value};

/// JSON with object keys sorted at every level.
pub fn canonical(v: &Value) -> String {
    let mut out = String::with_capacity(4096);
    write_canonical(v, &mut out);
    out
}

/// An object of [`canonical`] form: keys sorted, values canonical.
pub fn write_canonical_object(m: &Map<String, Value>, out: &mut String) {
    out.push('{');
    // serde_json's Map is a BTreeMap (no `preserve_order`): keys already come sorted. Sort anyway if
    // that ever changes, without allocating when it has not.
    let sorted = m.keys().zip(m.keys().skip(1)).all(|(a, b)| a <= b);
    let mut first = true;
    let mut one = |k: &String, x: &Value, out: &mut String| {
        if !first {
            out.push(',');
        }
        first = false;
        write_str(out, k);
        out.push(':');
        write_canonical(x, out);
    };
    if sorted {
        for (k, x) in m {
            one(k, x, out);
        }
    } else {
        let mut keys: Vec<&String> = m.keys().collect();
        keys.sort();
        for k in keys {
            if let Some(x) = m.get(k) {
                one(k, x, out);
            }
        }
    }
    out.push('}');
}

/// [`canonical`] into a buffer, without an allocation per key or value. The bytes are serde_json's:
/// strings go through the core's writer (escaping exactly as serde_json does, without its byte-by-byte
/// loop), numbers through serde_json itself.
pub fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => write_canonical_object(m, out),
        Value::Array(a) => list(out, a, |out, x| write_canonical(x, out)),
        Value::String(s) => write_str(out, s),
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            if let Ok(t) = serde_json::to_string(n) {
                out.push_str(&t);
            }
        }
    }
}

impl WriteJson for Map<String, Value> {
    fn write_json(&self, out: &mut String) {
        write_canonical_object(self, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::*;
    use serde_json::json;

    /// The Idempotency-Key hash of filings stored by earlier versions must not change: the canonical
    /// form is exactly serde_json's compact output of the sorted tree (its Map is a BTreeMap), escapes,
    /// numbers and non-ASCII text included.
    #[test]
    fn canonical_form_is_serde_jsons_sorted_output() {
        let v = json!({
            "z": [1, -2, 3.5, 1e300, 18446744073709551615u64, true, false, null],
            "a": {"quote\"back\\slash": "控制\u{1}字符\u{1f}\t\n\r\u{c}\u{8}\u{7f}€𝄞", "": ""},
            "m": {"b": {"d": [], "c": {}}, "a": "长文本长文本长文本长文本\"长"},
            "n": 0
        });
        assert_eq!(Ok(canonical(&v)), serde_json::to_string(&v).map_err(|_| ()));
    }

    /// The stored request is what serde_json would write, with every optional part present and absent.
    #[test]
    fn filing_json_is_serde_jsons() {
        let person = |n: &str| Person {
            email: n.starts_with('张').then(|| "zhang.san@example.com".into()),
            name: n.into(),
            id_number: "11010519491231002X".into(),
            mobile: "13800138000".into(),
        };
        let contact = |n: &str| Contact {
            name: n.into(),
            mobile: "13900139000".into(),
        };
        let facts = json!({"activity": "facade_cleaning", "contract_amount": 120000.5, "hot_work": true,
                          "note": "引号\"与\\反斜杠\u{1}", "list": [1, null, "x"]});
        let full = Filing {
            facts: facts.as_object().cloned().unwrap_or_default(),
            applicant: person("张三"),
            agent: Some(person("李四 \"代理\"")),
            site: Site {
                address: "龙岗区坂田街道\t5 楼".into(),
                street: "bantian".into(),
                community: "岗头社区".into(),
                property_area: Some("万科城".into()),
            },
            contractor: Contractor {
                name: "深圳市某某建设有限公司".into(),
                credit_code: Some("91440300MA5FXXXX0X".into()),
                id_number: Some("11010519491231002X".into()),
                qualification_no: Some("D344000001".into()),
                safety_licence_no: Some("(粤)JZ安许证字[2020]000001".into()),
                mobile: Some("13800138000".into()),
                email: Some("site@example.com".into()),
            },
            project_lead: Some(contact("王五")),
            safety_manager: Some(contact("赵六")),
            workers: vec![
                Worker {
                    name: "钱七".into(),
                    id_number: "11010519491231002X".into(),
                    operation: Some("welding".into()),
                    certificate_no: Some("T110105194912310021".into()),
                    certificate_valid_until: Some("2029-06-30".into()),
                },
                Worker {
                    name: "孙八".into(),
                    id_number: "11010519491231002X".into(),
                    operation: None,
                    certificate_no: None,
                    certificate_valid_until: None,
                },
            ],
            planned_start: "2026-12-01".into(),
            planned_end: "2026-12-31".into(),
            waste_disposal_site: "龙岗区建筑废弃物消纳场".into(),
            work_description: None,
            documents: [
                ("D_B".to_owned(), "sha256:cd".to_owned()),
                ("D_A".to_owned(), "sha256:ab".to_owned()),
            ]
            .into_iter()
            .collect(),
            lang: Some("en".into()),
            pledge: Some(Pledge {
                version: "2026.1".into(),
                signer: Signer::Agent,
                signed_at: "2026-11-23T10:00:00.000+08:00".into(),
            }),
        };
        let serde = |f: &Filing<Map<String, Value>>| serde_json::to_string(f).unwrap_or_default();
        assert_eq!(full.to_json(), serde(&full));
        assert!(
            full.to_json()
                .contains(r#""documents":{"D_A":"sha256:ab","D_B":"sha256:cd"}"#)
        );
        // Marked values: the literal at each mark is the value at its path, and only what was asked.
        let (text, marks) = full.to_json_marking(&|member, field| {
            matches!(
                (member, field),
                ("workers", "id_number" | "certificate_no") | ("agent" | "contractor", "mobile")
            )
        });
        assert_eq!(text, full.to_json());
        let tree: Value = serde_json::from_str(&text).unwrap_or_default();
        let paths: Vec<&str> = marks.iter().map(|m| m.path.as_str()).collect();
        let mut expected = vec!["agent.mobile"];
        if full.contractor.mobile.is_some() {
            expected.push("contractor.mobile");
        }
        for (i, w) in full.workers.iter().enumerate() {
            expected.push(["workers.0.id_number", "workers.1.id_number"][i]);
            if w.certificate_no.is_some() {
                expected.push(["workers.0.certificate_no", "workers.1.certificate_no"][i]);
            }
        }
        assert_eq!(paths, expected);
        for m in &marks {
            let at: Value = serde_json::from_str(&text[m.start..m.end]).unwrap_or_default();
            let pointer = format!("/{}", m.path.replace('.', "/"));
            assert_eq!(Some(&at), tree.pointer(&pointer), "{}", m.path);
        }
        let mut bare = full.clone();
        bare.facts.clear();
        bare.agent = None;
        bare.contractor = Contractor {
            name: "个人".into(),
            credit_code: None,
            id_number: None,
            qualification_no: None,
            safety_licence_no: None,
            mobile: None,
            email: None,
        };
        bare.site.property_area = None;
        bare.project_lead = None;
        bare.safety_manager = None;
        bare.workers.truncate(0);
        bare.documents = Documents::default();
        bare.lang = None;
        bare.pledge = None;
        assert_eq!(bare.to_json(), serde(&bare));
        // A filing stored before spec v3 (no pledge, no certificate validity) still reads.
        let old: Result<Filing<Map<String, Value>>, _> = serde_json::from_str(&bare.to_json());
        let old = old.ok();
        assert_eq!(old.as_ref().map(|f| &f.pledge), Some(&None));
        // …and one stored before the property-management area
        assert_eq!(old.map(|f| f.site.property_area), Some(None));
    }
}
