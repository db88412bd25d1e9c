//! Returning a filing for correction (退回补正, 一次性告知 — 第二十七条第（三）项): the fields and documents
//! of the filing an officer may ask to change, the officer's choices, and the one request body that
//! carries every change at once: `{"changes":[{"field":"applicant.mobile","message":{"zh":…,"en":…}}]}`.
//! No DOM code.

use crate::i18n::{self, Catalogue};
use anbei_widget::filing::{TEXT, WORKER};
use anbei_widget::json::{Json, obj, s};

/// The member at a dotted path (`applicant.mobile`, `workers.0.name`; numbers index lists).
pub fn at<'j>(j: &'j Json, path: &str) -> Option<&'j Json> {
    path.split('.').try_fold(j, |cur, seg| match cur {
        Json::Arr(a) => a.get(seg.parse::<usize>().ok()?),
        _ => cur.get(seg),
    })
}

/// The fields of the filing `request` an officer may ask to change, in the form's order: its text
/// fields that the filing has, the worker list and each worker's fields, then each document
/// (`documents.<checklist code>`).
pub fn returnable(request: &Json) -> Vec<String> {
    let mut out: Vec<String> = TEXT
        .iter()
        .map(|(path, _)| *path)
        .filter(|p| *p != "pledge.version")
        .filter(|p| at(request, p).is_some_and(|v| v.as_str().is_some()))
        .map(str::to_string)
        .collect();
    // the worker list as a whole (someone missing), then each worker's fields
    let at_workers = out
        .iter()
        .position(|p| p == "planned_start")
        .unwrap_or(out.len());
    let mut workers = vec!["workers".to_string()];
    if let Some(Json::Arr(list)) = request.get("workers") {
        for (i, w) in list.iter().enumerate() {
            for k in WORKER {
                if w.get(k).is_some_and(|v| v.as_str().is_some()) {
                    workers.push(format!("workers.{i}.{k}"));
                }
            }
        }
    }
    out.splice(at_workers..at_workers, workers);
    if let Some(Json::Obj(docs)) = request.get("documents") {
        out.extend(docs.iter().map(|(code, _)| format!("documents.{code}")));
    }
    out
}

/// How many common reasons the form offers (see [`common_reason`]).
pub const COMMON_REASONS: usize = 7;

/// A common reason, `i` < [`COMMON_REASONS`], in the catalogue's language.
pub fn common_reason(c: &Catalogue, i: usize) -> &'static str {
    match i {
        0 => c.reason_incomplete,
        1 => c.reason_mismatch_id,
        2 => c.reason_mismatch_site,
        3 => c.reason_illegible,
        4 => c.reason_missing_pages,
        5 => c.reason_expired,
        _ => c.reason_unsigned,
    }
}

/// The reason given for one field.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Reason {
    /// Not chosen yet.
    #[default]
    None,
    /// One of the common reasons: sent in Chinese and in English.
    Common(usize),
    /// The officer's own words (Chinese only is enough; sent as `zh`).
    Free(String),
}

/// The officer's choices: the fields to change and the reason for each.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Draft {
    pub chosen: Vec<(String, Reason)>,
}

/// Why a return cannot be sent yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DraftError {
    /// Nothing chosen.
    NoneChosen,
    /// This chosen field has no reason (or an empty "other").
    NoReason(String),
}

impl Draft {
    pub fn is_chosen(&self, field: &str) -> bool {
        self.chosen.iter().any(|(f, _)| f == field)
    }
    pub fn reason(&self, field: &str) -> Option<&Reason> {
        self.chosen.iter().find(|(f, _)| f == field).map(|(_, r)| r)
    }
    /// Choose or un-choose a field (its reason goes with it).
    pub fn toggle(&mut self, field: &str, on: bool) {
        self.chosen.retain(|(f, _)| f != field);
        if on {
            self.chosen.push((field.to_string(), Reason::None));
        }
    }
    pub fn set_reason(&mut self, field: &str, r: Reason) {
        if let Some(slot) = self.chosen.iter_mut().find(|(f, _)| f == field) {
            slot.1 = r;
        }
    }

    /// The request body for `POST …/return`: every chosen field in the order of `fields` (the form's),
    /// each with its message; or every reason it cannot be sent yet.
    pub fn body(&self, fields: &[String]) -> Result<Json, Vec<DraftError>> {
        if self.chosen.is_empty() {
            return Err(vec![DraftError::NoneChosen]);
        }
        let (zh, en) = (i18n::by_tag("zh-CN"), i18n::by_tag("en"));
        let mut errors = Vec::new();
        let mut changes = Vec::new();
        let ordered = fields
            .iter()
            .filter_map(|f| self.chosen.iter().find(|(c, _)| c == f))
            .chain(self.chosen.iter().filter(|(c, _)| !fields.contains(c)));
        for (field, reason) in ordered {
            let message = match reason {
                Reason::Common(i) if *i < COMMON_REASONS => obj(vec![
                    ("zh", s(common_reason(zh, *i))),
                    ("en", s(common_reason(en, *i))),
                ]),
                Reason::Free(t) if !t.trim().is_empty() => obj(vec![("zh", s(t.trim()))]),
                _ => {
                    errors.push(DraftError::NoReason(field.clone()));
                    continue;
                }
            };
            changes.push(obj(vec![("field", s(field)), ("message", message)]));
        }
        if errors.is_empty() {
            Ok(obj(vec![("changes", Json::Arr(changes))]))
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::tests::json;

    const REQUEST: &str = r#"{
        "facts": {"activity": "renovation"},
        "applicant": {"name": "张三", "id_number": "110105194912310020", "mobile": "13800138000"},
        "site": {"address": "坂田街道1号", "street": "bantian", "community": "岗头社区"},
        "contractor": {"name": "深圳某装饰有限公司", "credit_code": "91440300MA5F00000X"},
        "workers": [{"name": "王五", "id_number": "110105194912310021"},
                    {"name": "赵六", "id_number": "110105194912310022", "operation": "electrician",
                     "certificate_no": "T123", "certificate_valid_until": "2027-01-01"}],
        "planned_start": "2026-12-10", "planned_end": "2026-12-20",
        "waste_disposal_site": "龙岗区某消纳场",
        "documents": {"D_CONTRACT": "sha256:aa", "D_SITE_PLAN": "sha256:bb"},
        "pledge": {"version": "v1", "signer": "applicant", "signed_at": "2026-12-01T09:00:00+08:00"}
    }"#;

    #[test]
    fn paths_reach_members_and_list_items() {
        let r = json(REQUEST);
        assert_eq!(
            at(&r, "applicant.mobile").and_then(Json::as_str),
            Some("13800138000")
        );
        assert_eq!(
            at(&r, "workers.1.operation").and_then(Json::as_str),
            Some("electrician")
        );
        assert_eq!(at(&r, "workers.2.name"), None);
        assert_eq!(at(&r, "agent.name"), None);
    }

    #[test]
    fn the_returnable_fields_are_the_filings_in_form_order() {
        let f = returnable(&json(REQUEST));
        assert_eq!(
            f,
            [
                "applicant.name",
                "applicant.id_number",
                "applicant.mobile",
                "site.address",
                "site.community",
                "contractor.name",
                "contractor.credit_code",
                "workers",
                "workers.0.name",
                "workers.0.id_number",
                "workers.1.name",
                "workers.1.id_number",
                "workers.1.operation",
                "workers.1.certificate_no",
                "workers.1.certificate_valid_until",
                "planned_start",
                "planned_end",
                "waste_disposal_site",
                "documents.D_CONTRACT",
                "documents.D_SITE_PLAN",
            ]
        );
    }

    #[test]
    fn the_body_carries_every_change_at_once_in_form_order() {
        let fields = returnable(&json(REQUEST));
        let mut d = Draft::default();
        d.toggle("documents.D_SITE_PLAN", true);
        d.toggle("applicant.mobile", true);
        d.toggle("site.address", true);
        d.toggle("site.address", false);
        d.set_reason("documents.D_SITE_PLAN", Reason::Common(3));
        d.set_reason(
            "applicant.mobile",
            Reason::Free("  手机号码无法接通，请核对。 ".into()),
        );
        let body = d.body(&fields).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            body.text(),
            r#"{"changes":[{"field":"applicant.mobile","message":{"zh":"手机号码无法接通，请核对。"}},"#.to_string()
                + r#"{"field":"documents.D_SITE_PLAN","message":{"zh":"文件不清晰，无法辨认，请重新上传清晰的扫描件或照片。","#
                + r#""en":"The document cannot be read: please upload a clear scan or photo."}}]}"#
        );
    }

    #[test]
    fn a_return_needs_a_field_and_a_reason_for_each() {
        let fields = returnable(&json(REQUEST));
        assert_eq!(
            Draft::default().body(&fields),
            Err(vec![DraftError::NoneChosen])
        );
        let mut d = Draft::default();
        d.toggle("planned_end", true);
        d.toggle("applicant.name", true);
        d.set_reason("applicant.name", Reason::Free("   ".into()));
        assert_eq!(
            d.body(&fields),
            Err(vec![
                DraftError::NoReason("applicant.name".into()),
                DraftError::NoReason("planned_end".into()),
            ])
        );
        d.set_reason("applicant.name", Reason::Common(0));
        d.set_reason("planned_end", Reason::Common(COMMON_REASONS));
        assert_eq!(
            d.body(&fields),
            Err(vec![DraftError::NoReason("planned_end".into())])
        );
        assert_eq!(d.reason("applicant.name"), Some(&Reason::Common(0)));
        assert!(d.is_chosen("planned_end") && !d.is_chosen("site.address"));
    }

    #[test]
    fn every_common_reason_is_worded_in_both_languages() {
        for c in [i18n::by_tag("zh-CN"), i18n::by_tag("en")] {
            let all: Vec<&str> = (0..COMMON_REASONS).map(|i| common_reason(c, i)).collect();
            for (i, r) in all.iter().enumerate() {
                assert!(!r.is_empty());
                assert!(!all[..i].contains(r), "{r} twice");
            }
        }
    }
}
