//! The filing (申报) as accepted and stored: every field normalised and checked. Field names are the
//! API's (API.md "Filing"); the stored JSON is read back by every later version, so fields are only
//! ever added, with a default for filings stored before them.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The most workers one filing lists.
pub const MAX_WORKERS: usize = 500;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub id_number: String,
    pub mobile: String,
    /// Where notifications are e-mailed (rules.md §11); optional. Filings before it have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Contact {
    pub name: String,
    pub mobile: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Site {
    pub address: String,
    pub street: String,
    pub community: String,
    /// The property-management area (物业管理区域) the site lies in, by name ("万科城"): given exactly
    /// when the facts say `property_managed` — its property service company accepts the filing there
    /// (第二十三条第（一）项, rules.md §10). Filings before it have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub property_area: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Contractor {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_code: Option<String>,
    /// When the hired party of an odd job is a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualification_no: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub safety_licence_no: Option<String>,
    /// The contractor's contact for notifications (rules.md §11 "and the contractor's contact where
    /// named"); optional, checked like the applicant's. Filings before it have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl Contractor {
    /// The name a public page shows: a company's in full, a person's masked (`李*`) — a public page never
    /// names a private person in full.
    pub fn public_name(&self) -> String {
        if self.credit_code.is_some() {
            self.name.clone()
        } else {
            crate::ids::mask_name(&self.name)
        }
    }
}

/// A worker (施工人员). With a special operation (the certificate's type, one of the rule set's
/// `hazards.special_operations`) come the certificate's number and validity — 第十条第（三）项,
/// 第十三条第（六）项; the contractor may change the list later (第三十条第（一）项).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Worker {
    pub name: String,
    pub id_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_no: Option<String>,
    /// The last day the certificate is valid, `YYYY-MM-DD` (filings since spec v3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_valid_until: Option<String>,
}

/// Who affirmed the pledge: the applicant, or the agent filing for them (第二十八条第（二）项1).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Signer {
    Applicant,
    Agent,
}

impl Signer {
    pub fn as_str(self) -> &'static str {
        match self {
            Signer::Applicant => "applicant",
            Signer::Agent => "agent",
        }
    }
}

/// The safety pledge (安全生产承诺书) as affirmed in the form — 第二十七条第（四）项 "签署",
/// 第二十八条第（三）项: which text ([`crate::pledge`]), who, and when (the server's time at filing).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Pledge {
    pub version: String,
    pub signer: Signer,
    pub signed_at: String,
}

/// Checklist code → upload id, ordered by code: a JSON object. (A sorted list rather than a B-tree
/// map, whose code would weigh ~2 KB in the browser's bundle for a handful of entries.)
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Documents(Vec<(String, String)>);

impl Documents {
    /// Sets `code`'s upload, keeping the codes in order.
    pub fn insert(&mut self, code: String, upload: String) {
        match self.0.binary_search_by(|(k, _)| k.as_str().cmp(&code)) {
            Ok(i) => self.0[i].1 = upload,
            Err(i) => self.0.insert(i, (code, upload)),
        }
    }
    pub fn get(&self, code: &str) -> Option<&str> {
        let i = self
            .0
            .binary_search_by(|(k, _)| k.as_str().cmp(code))
            .ok()?;
        Some(&self.0[i].1)
    }
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<(String, String)> for Documents {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(it: I) -> Documents {
        let mut d = Documents::default();
        for (k, v) in it {
            d.insert(k, v);
        }
        d
    }
}

impl Serialize for Documents {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Documents {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Documents, D::Error> {
        let m = std::collections::BTreeMap::<String, String>::deserialize(d)?;
        Ok(m.into_iter().collect())
    }
}

/// A filing as accepted, `F` being the facts as the holder keeps them (the server: a JSON object).
/// Stored as JSON.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Filing<F> {
    pub facts: F,
    pub applicant: Person,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<Person>,
    pub site: Site,
    pub contractor: Contractor,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_lead: Option<Contact>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub safety_manager: Option<Contact>,
    pub workers: Vec<Worker>,
    pub planned_start: String,
    pub planned_end: String,
    pub waste_disposal_site: String,
    /// 作业内容: what an odd job does (`S_WORK_CONTENT`, 第二十八条 last paragraph); engineering work says it
    /// through its documents. Filings before it was asked have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_description: Option<String>,
    /// Checklist code → upload id. Filings before spec v3 also hold uploads for `D_WORKER_LIST`,
    /// `D_WASTE_DESTINATION` and `D_SAFETY_PLEDGE`.
    pub documents: Documents,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// Filings since spec v3; earlier ones uploaded a signed paper pledge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pledge: Option<Pledge>,
}

impl<F> Filing<F> {
    /// The same filing holding `facts`.
    pub fn with_facts<G>(self, facts: G) -> Filing<G> {
        Filing {
            facts,
            applicant: self.applicant,
            agent: self.agent,
            site: self.site,
            contractor: self.contractor,
            project_lead: self.project_lead,
            safety_manager: self.safety_manager,
            workers: self.workers,
            planned_start: self.planned_start,
            planned_end: self.planned_end,
            waste_disposal_site: self.waste_disposal_site,
            work_description: self.work_description,
            documents: self.documents,
            lang: self.lang,
            pledge: self.pledge,
        }
    }

    /// The person who affirmed the pledge, if it was affirmed in the form.
    pub fn pledge_signer(&self) -> Option<&Person> {
        match self.pledge.as_ref()?.signer {
            Signer::Applicant => Some(&self.applicant),
            Signer::Agent => self.agent.as_ref(),
        }
    }
}

impl<F: Clone> Filing<F> {
    /// The same filing with identity numbers and mobiles masked — for anyone but the applicant and officers.
    pub fn masked(&self) -> Filing<F> {
        use crate::ids::{mask_email, mask_id, mask_mobile};
        let mut f = self.clone();
        let person = |p: &mut Person| {
            p.id_number = mask_id(&p.id_number);
            p.mobile = mask_mobile(&p.mobile);
            if let Some(e) = p.email.as_mut() {
                *e = mask_email(e);
            }
        };
        person(&mut f.applicant);
        if let Some(a) = f.agent.as_mut() {
            person(a);
        }
        if let Some(id) = f.contractor.id_number.as_mut() {
            *id = mask_id(id);
        }
        if let Some(m) = f.contractor.mobile.as_mut() {
            *m = mask_mobile(m);
        }
        if let Some(e) = f.contractor.email.as_mut() {
            *e = mask_email(e);
        }
        for c in [f.project_lead.as_mut(), f.safety_manager.as_mut()]
            .into_iter()
            .flatten()
        {
            c.mobile = mask_mobile(&c.mobile);
        }
        for w in &mut f.workers {
            w.id_number = mask_id(&w.id_number);
        }
        f
    }
}

/// Facts that can write themselves as JSON (for [`Filing::to_json`]).
pub trait WriteJson {
    fn write_json(&self, out: &mut String);
}

/// Where [`Filing::to_json_marking`] wrote one of the values it was asked to mark: the byte range of
/// its JSON string literal (quotes included) in the text, and its path (`applicant.id_number`,
/// `workers.3.certificate_no`). The store encrypts personal values in place by these, instead of
/// parsing the text it was just given (`api/src/store/fieldcrypt.rs`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marked {
    pub path: String,
    pub start: usize,
    pub end: usize,
}

/// The text being written, and the marks asked for by `mark(member, field)` (`member`: the filing's
/// member the object is, `applicant` … `workers`).
struct Writer<'m> {
    out: String,
    marks: Vec<Marked>,
    mark: &'m dyn Fn(&str, &str) -> bool,
}

impl Writer<'_> {
    fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }

    fn str(&mut self, v: &str) {
        anbei_core::json::write_str(&mut self.out, v);
    }

    /// `"key":"value"` (after a comma unless `first`) of the object `path` (member `member`), marked
    /// when asked for.
    fn pair(&mut self, member: &str, path: &dyn Fn() -> String, key: &str, v: &str, first: bool) {
        self.out.push_str(if first { "\"" } else { ",\"" });
        self.out.push_str(key);
        self.out.push_str("\":");
        let start = self.out.len();
        anbei_core::json::write_str(&mut self.out, v);
        if (self.mark)(member, key) {
            self.marks.push(Marked {
                path: format!("{}.{key}", path()),
                start,
                end: self.out.len(),
            });
        }
    }

    /// `,"key":"v"` when there is a `v` (never the first field of its object).
    fn opt(&mut self, member: &str, path: &dyn Fn() -> String, key: &str, v: &Option<String>) {
        if let Some(v) = v {
            self.pair(member, path, key, v, false);
        }
    }

    fn person(&mut self, member: &str, p: &Person) {
        let path = || member.to_owned();
        self.raw("{");
        self.pair(member, &path, "name", &p.name, true);
        self.pair(member, &path, "id_number", &p.id_number, false);
        self.pair(member, &path, "mobile", &p.mobile, false);
        self.opt(member, &path, "email", &p.email);
        self.raw("}");
    }

    fn contact(&mut self, member: &str, c: &Option<Contact>) {
        if let Some(c) = c {
            let path = || member.to_owned();
            self.raw(",\"");
            self.raw(member);
            self.raw("\":{");
            self.pair(member, &path, "name", &c.name, true);
            self.pair(member, &path, "mobile", &c.mobile, false);
            self.raw("}");
        }
    }
}

impl<F: WriteJson> Filing<F> {
    /// The filing as compact JSON, byte for byte what `serde_json::to_string` gives (a test holds the
    /// two together) without serde_json's byte-by-byte string escaping: the server writes one per filing.
    pub fn to_json(&self) -> String {
        self.to_json_marking(&|_, _| false).0
    }

    /// [`Filing::to_json`], and where it wrote each string field `field` of an object `member` of the
    /// filing (`applicant`, `agent`, `contractor`, `project_lead`, `safety_manager`, `workers`) for
    /// which `mark(member, field)` holds, in the order written.
    pub fn to_json_marking(&self, mark: &dyn Fn(&str, &str) -> bool) -> (String, Vec<Marked>) {
        let mut w = Writer {
            out: String::with_capacity(4096),
            marks: Vec::new(),
            mark,
        };
        w.raw("{\"facts\":");
        self.facts.write_json(&mut w.out);
        w.raw(",\"applicant\":");
        w.person("applicant", &self.applicant);
        if let Some(a) = &self.agent {
            w.raw(",\"agent\":");
            w.person("agent", a);
        }
        let site = || "site".to_owned();
        w.raw(",\"site\":{");
        w.pair("site", &site, "address", &self.site.address, true);
        w.pair("site", &site, "street", &self.site.street, false);
        w.pair("site", &site, "community", &self.site.community, false);
        w.opt("site", &site, "property_area", &self.site.property_area);
        w.raw("},\"contractor\":{");
        let c = &self.contractor;
        let contractor = || "contractor".to_owned();
        w.pair("contractor", &contractor, "name", &c.name, true);
        w.opt("contractor", &contractor, "credit_code", &c.credit_code);
        w.opt("contractor", &contractor, "id_number", &c.id_number);
        w.opt(
            "contractor",
            &contractor,
            "qualification_no",
            &c.qualification_no,
        );
        w.opt(
            "contractor",
            &contractor,
            "safety_licence_no",
            &c.safety_licence_no,
        );
        w.opt("contractor", &contractor, "mobile", &c.mobile);
        w.opt("contractor", &contractor, "email", &c.email);
        w.raw("}");
        w.contact("project_lead", &self.project_lead);
        w.contact("safety_manager", &self.safety_manager);
        w.raw(",\"workers\":[");
        for (i, wk) in self.workers.iter().enumerate() {
            if i > 0 {
                w.raw(",");
            }
            let path = || format!("workers.{i}");
            w.raw("{");
            w.pair("workers", &path, "name", &wk.name, true);
            w.pair("workers", &path, "id_number", &wk.id_number, false);
            w.opt("workers", &path, "operation", &wk.operation);
            w.opt("workers", &path, "certificate_no", &wk.certificate_no);
            w.opt(
                "workers",
                &path,
                "certificate_valid_until",
                &wk.certificate_valid_until,
            );
            w.raw("}");
        }
        w.raw("],\"planned_start\":");
        w.str(&self.planned_start);
        w.raw(",\"planned_end\":");
        w.str(&self.planned_end);
        w.raw(",\"waste_disposal_site\":");
        w.str(&self.waste_disposal_site);
        if let Some(d) = &self.work_description {
            w.raw(",\"work_description\":");
            w.str(d);
        }
        w.raw(",\"documents\":{");
        for (i, (k, v)) in self.documents.iter().enumerate() {
            if i > 0 {
                w.raw(",");
            }
            w.str(k);
            w.raw(":");
            w.str(v);
        }
        w.raw("}");
        if let Some(l) = &self.lang {
            w.raw(",\"lang\":");
            w.str(l);
        }
        if let Some(p) = &self.pledge {
            w.raw(",\"pledge\":{\"version\":");
            w.str(&p.version);
            w.raw(",\"signer\":");
            w.str(p.signer.as_str());
            w.raw(",\"signed_at\":");
            w.str(&p.signed_at);
            w.raw("}");
        }
        w.raw("}");
        (w.out, w.marks)
    }
}
