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

impl<F: WriteJson> Filing<F> {
    /// The filing as compact JSON, byte for byte what `serde_json::to_string` gives (a test holds the
    /// two together) without serde_json's byte-by-byte string escaping: the server writes one per filing.
    pub fn to_json(&self) -> String {
        use anbei_core::json::write_str;
        /// `,"name":"v"` when there is a `v` (never the first field of its object).
        fn opt(out: &mut String, name: &str, v: &Option<String>) {
            if let Some(v) = v {
                out.push_str(",\"");
                out.push_str(name);
                out.push_str("\":");
                write_str(out, v);
            }
        }
        /// `{"name":…,` then `"key":"value"` pairs.
        fn named(out: &mut String, name: &str, pairs: &[(&str, &str)]) {
            out.push_str("{\"name\":");
            write_str(out, name);
            for (k, v) in pairs {
                out.push_str(",\"");
                out.push_str(k);
                out.push_str("\":");
                write_str(out, v);
            }
        }
        fn person(out: &mut String, p: &Person) {
            named(
                out,
                &p.name,
                &[("id_number", &p.id_number), ("mobile", &p.mobile)],
            );
            opt(out, "email", &p.email);
            out.push('}');
        }
        fn contact(out: &mut String, key: &str, c: &Option<Contact>) {
            if let Some(c) = c {
                out.push_str(",\"");
                out.push_str(key);
                out.push_str("\":");
                named(out, &c.name, &[("mobile", &c.mobile)]);
                out.push('}');
            }
        }
        let mut out = String::with_capacity(4096);
        out.push_str("{\"facts\":");
        self.facts.write_json(&mut out);
        out.push_str(",\"applicant\":");
        person(&mut out, &self.applicant);
        if let Some(a) = &self.agent {
            out.push_str(",\"agent\":");
            person(&mut out, a);
        }
        out.push_str(",\"site\":{\"address\":");
        write_str(&mut out, &self.site.address);
        out.push_str(",\"street\":");
        write_str(&mut out, &self.site.street);
        out.push_str(",\"community\":");
        write_str(&mut out, &self.site.community);
        opt(&mut out, "property_area", &self.site.property_area);
        out.push_str("},\"contractor\":");
        let c = &self.contractor;
        named(&mut out, &c.name, &[]);
        opt(&mut out, "credit_code", &c.credit_code);
        opt(&mut out, "id_number", &c.id_number);
        opt(&mut out, "qualification_no", &c.qualification_no);
        opt(&mut out, "safety_licence_no", &c.safety_licence_no);
        opt(&mut out, "mobile", &c.mobile);
        opt(&mut out, "email", &c.email);
        out.push('}');
        contact(&mut out, "project_lead", &self.project_lead);
        contact(&mut out, "safety_manager", &self.safety_manager);
        out.push_str(",\"workers\":[");
        for (i, w) in self.workers.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            named(&mut out, &w.name, &[("id_number", &w.id_number)]);
            opt(&mut out, "operation", &w.operation);
            opt(&mut out, "certificate_no", &w.certificate_no);
            opt(
                &mut out,
                "certificate_valid_until",
                &w.certificate_valid_until,
            );
            out.push('}');
        }
        out.push_str("],\"planned_start\":");
        write_str(&mut out, &self.planned_start);
        out.push_str(",\"planned_end\":");
        write_str(&mut out, &self.planned_end);
        out.push_str(",\"waste_disposal_site\":");
        write_str(&mut out, &self.waste_disposal_site);
        opt(&mut out, "work_description", &self.work_description);
        out.push_str(",\"documents\":{");
        for (i, (k, v)) in self.documents.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_str(&mut out, k);
            out.push(':');
            write_str(&mut out, v);
        }
        out.push('}');
        opt(&mut out, "lang", &self.lang);
        if let Some(p) = &self.pledge {
            out.push_str(",\"pledge\":{\"version\":");
            write_str(&mut out, &p.version);
            out.push_str(",\"signer\":");
            write_str(&mut out, p.signer.as_str());
            out.push_str(",\"signed_at\":");
            write_str(&mut out, &p.signed_at);
            out.push('}');
        }
        out.push('}');
        out
    }
}
