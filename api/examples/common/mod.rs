//! What both load generators share: arguments, the facts of an ordinary filing and a complete filing
//! body built against the running server (one upload, its checklist from `/api/v1/assessments`).

use anbei_api::clock::Clock as _;
use anbei_api::validate::{credit_check_char, id_check_char};
use serde_json::{Value, json};

pub fn arg(args: &[String], name: &str, default: &str) -> String {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| default.to_owned())
}

/// An ordinary office fit-out in Bantian: registered at once (not high risk).
pub fn facts() -> Value {
    json!({
        "activity": "nonresidential_decoration", "contract_amount_yuan": 420000, "construction_area_m2": 260,
        "venue": "office", "property_managed": false, "street": "bantian", "temporary_building": false,
        "emergency_rescue": false, "illegal_addition": false, "closed_managed_site": false, "structural_change": false,
        "load_increase": false, "use_change": false, "hot_work": false, "confined_space": false, "excavation_depth_m": 0,
        "scaffold_height_m": 0, "lifting": false, "other_dangerous_subproject": false, "work_at_height": false,
        "electrical_work": false, "welding": false, "other_special_operation": false, "temporary_electricity": false,
        "suspended_work": false, "demolition": false, "other_dangerous_work": false, "earthwork": false,
        "gas_pipeline_alteration": false, "hazardous_chemicals": false, "applicant_is_owner": true, "via_agent": false
    })
}

pub fn id_number(seq: u32) -> String {
    let first = format!("44030719900101{:03}", seq % 1000);
    format!("{first}{}", id_check_char(&first).unwrap())
}

/// A complete filing of [`facts`]: one PDF uploaded (marked with `tag`) serves every document of the
/// checklist the server returns for these facts.
pub async fn filing_body(http: &reqwest::Client, url: &str, tag: &str) -> Vec<u8> {
    let up: Value = http
        .post(format!("{url}/api/v1/uploads"))
        .header("Content-Type", "application/pdf")
        .body(format!("%PDF-1.4\n% {tag}\n%%EOF\n").into_bytes())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let doc = up["upload_id"].as_str().unwrap().to_owned();
    let a: Value = http
        .post(format!("{url}/api/v1/assessments"))
        .json(&facts())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut docs = serde_json::Map::new();
    for d in a["documents"].as_array().unwrap() {
        let code = d["code"].as_str().unwrap();
        if code.starts_with("D_") && code != "D_BASIC_FORM" {
            docs.insert(code.into(), Value::String(doc.clone()));
        }
    }
    let cc = "91440300MA5F12345";
    let today = anbei_api::clock::shanghai_date(anbei_api::clock::SystemClock.now_ms());
    serde_json::to_vec(&json!({
        "facts": facts(),
        "applicant": { "name": "张三", "id_number": id_number(1), "mobile": "13800138000" },
        "site": { "address": "龙岗区坂田街道岗头社区某某大厦 5 楼", "street": "bantian", "community": "岗头社区" },
        "contractor": { "name": "深圳市某某装饰工程有限公司", "credit_code": format!("{cc}{}", credit_check_char(cc).unwrap()) },
        "project_lead": { "name": "李四", "mobile": "13900139000" },
        "safety_manager": { "name": "赵六", "mobile": "13700137000" },
        "workers": [ { "name": "钱七", "id_number": id_number(2) }, { "name": "孙八", "id_number": id_number(3) } ],
        "planned_start": today.add_days(7).to_string(), "planned_end": today.add_days(90).to_string(),
        "waste_disposal_site": "龙岗区某某建筑废弃物综合利用厂",
        "documents": docs, "lang": "zh-CN"
    }))
    .unwrap()
}
