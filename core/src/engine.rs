//! Loading the rule data: rule sets (resolved and indexed), wording, departments, streets, calendars —
//! checked as a whole at load. Checking a facts object against it is in `check.rs`.

use crate::calendar::Calendar;
use crate::date::Date;
use crate::facts::{Fact, N_FACTS};
use crate::model::*;
use crate::result::Code;
use crate::text::{CASE_VALUES, fill_params, i18n_params};
#[cfg(not(target_arch = "wasm32"))]
use crate::text::{hard_coded_parameter, unfilled};

/// Named rule parameters of one rule set (rules.md §3), read from its data file.
#[derive(Debug, Clone)]
pub struct Params {
    pub limit_contract_yuan: f64,
    pub limit_area_m2: f64,
    pub supervision_investment_yuan: f64,
    pub supervision_area_m2: f64,
    pub deep_excavation_m: f64,
    pub high_scaffold_m: f64,
    pub work_at_height_m: f64,
    pub validity_months: u32,
    pub extension_window_days: u32,
    pub acceptance_working_days: u32,
    pub inspection_working_days: u32,
    pub cancellation_working_days: u32,
    pub near_limit_fraction: f64,
    /// §9.1: a work escalated by `F_MAJOR_HAZARD` is inspected within this many working days of the
    /// escalation (*product policy*).
    pub escalation_inspection_working_days: u32,
    /// §9.1: the completion check falls due this many working days after the declaration (*product policy*).
    pub completion_inspection_working_days: u32,
    /// §9.3: the default `rectify_by` is the finding's date + this many working days (*product policy*).
    pub rectify_working_days: u32,
    /// §9.1: a scheduled re-inspection (`INSPECTION_FOLLOW_UP`) falls due by default this many working
    /// days after the finding's `rectify_by` (*product policy*, 第三十四条).
    pub follow_up_working_days: u32,
}

/// One rule set, resolved and indexed for fast assessment.
#[derive(Debug, Clone)]
pub struct Ruleset {
    pub file: RulesetFile,
    pub params: Params,
    /// Facts in interview order.
    pub(crate) order: Vec<Fact>,
    pub(crate) fact_specs: Vec<FactSpec>, // indexed by Fact
    pub(crate) hazards_engineering: Vec<Fact>,
    pub(crate) hazards_odd_job: Vec<Fact>,
    pub(crate) special_operations: Vec<Fact>,
    pub(crate) implications: Vec<(Fact, Fact)>,
    pub(crate) activity_implies: Vec<Vec<Fact>>,
    /// Special operations / dangerous work restricted to each kind's hazards: [engineering, odd job].
    pub(crate) special_by_kind: [Vec<Fact>; 2],
    pub(crate) dangerous_by_kind: [Vec<Fact>; 2],
    /// Facts of type number (bit set).
    pub(crate) numeric: u64,
    pub(crate) elevator_values: Vec<String>,
    /// The wording (codes.json) as this rule set shows it.
    pub(crate) texts: CodesFile,
    /// `texts.codes` indexed by [`Code`].
    pub(crate) code_texts: Vec<CodeText>,
}

/// Everything the engine knows: rule sets by effective date, wording, departments, streets, calendars.
#[derive(Debug, Clone)]
pub struct Engine {
    pub(crate) rulesets: Vec<Ruleset>, // sorted by effective_from
    pub(crate) codes: CodesFile,
    pub(crate) departments: Vec<Department>,
    /// `departments.json`'s `usual_referral`, each a known department.
    pub(crate) usual_referral: Vec<String>,
    pub(crate) streets: Vec<Street>,
    pub(crate) calendar: Calendar,
    pub(crate) calendar_years: Vec<CalendarYear>,
    /// §9's wording, loaded on first use ([`Engine::manage_data`]): the widget never loads it.
    pub(crate) manage: std::sync::OnceLock<Result<crate::manage::ManageData, DataError>>,
}

/// Rule data that does not hold together (a bug in a data file, caught by the tests and at start-up).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataError(pub String);

impl std::fmt::Display for DataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "rule data error: {}", self.0)
    }
}
impl std::error::Error for DataError {}

/// The data files shipped with this build, as text.
pub struct DataSources<'a> {
    pub rulesets: Vec<&'a str>,
    pub codes: &'a str,
    pub departments: &'a str,
    pub streets: &'a str,
    pub calendars: Vec<&'a str>,
}

/// The rule data embedded in this build: the files under `data/`, without indentation (build.rs).
pub fn embedded_sources() -> DataSources<'static> {
    macro_rules! data {
        ($f:literal) => {
            include_str!(concat!(env!("OUT_DIR"), "/", $f))
        };
    }
    DataSources {
        rulesets: vec![data!("rulesets-longgang-2026.1-draft.json")],
        codes: data!("codes.json"),
        departments: data!("departments.json"),
        streets: data!("streets.json"),
        calendars: vec![data!("calendars-2025.json"), data!("calendars-2026.json")],
    }
}

/// The wording of rules.md §9 (codes.json's `manage_codes` and `manage_words`), embedded apart from
/// [`embedded_sources`] so that a build that never shows an inspection (the widget) does not carry it.
pub fn embedded_manage_source() -> &'static str {
    include_str!(concat!(env!("OUT_DIR"), "/codes-manage.json"))
}

/// Turns a data file's text into its typed form. Native builds use serde_json; the wasm shell uses the
/// browser's `JSON.parse`, which keeps a JSON parser out of the module.
pub trait DataParser {
    fn parse<T: serde::de::DeserializeOwned>(&self, what: &str, text: &str)
    -> Result<T, DataError>;
}

/// serde_json.
pub struct SerdeJson;

impl DataParser for SerdeJson {
    fn parse<T: serde::de::DeserializeOwned>(
        &self,
        what: &str,
        text: &str,
    ) -> Result<T, DataError> {
        serde_json::from_str(text).map_err(|e| DataError(format!("{what}: {e}")))
    }
}

fn param(file: &RulesetFile, name: &str) -> Result<f64, DataError> {
    match file.parameters.get(name) {
        Some(p) if p.value.is_finite() && p.value >= 0.0 => Ok(p.value),
        Some(_) => Err(DataError(format!(
            "{} {}: parameter {name} must be finite and ≥ 0",
            file.id, file.version
        ))),
        None => Err(DataError(format!(
            "{} {}: parameter {name} is missing",
            file.id, file.version
        ))),
    }
}

fn fact_list(what: &str, keys: &[String]) -> Result<Vec<Fact>, DataError> {
    keys.iter()
        .map(|k| Fact::from_key(k).ok_or_else(|| DataError(format!("{what}: unknown fact {k}"))))
        .collect()
}

impl Ruleset {
    fn build(
        mut file: RulesetFile,
        codes: &CodesFile,
        departments: &[Department],
    ) -> Result<Ruleset, DataError> {
        let name = format!("{} {}", file.id, file.version);
        let texts = render_wording(&name, codes, &mut file.facts, &file.parameters)?;
        let u = |n: &str| -> Result<u32, DataError> {
            let v = param(&file, n)?;
            if v.fract() != 0.0 || v > 1000.0 {
                return Err(DataError(format!(
                    "{name}: parameter {n} must be a whole number ≤ 1000"
                )));
            }
            Ok(v as u32)
        };
        let params = Params {
            limit_contract_yuan: param(&file, "limit_contract_yuan")?,
            limit_area_m2: param(&file, "limit_area_m2")?,
            supervision_investment_yuan: param(&file, "supervision_investment_yuan")?,
            supervision_area_m2: param(&file, "supervision_area_m2")?,
            deep_excavation_m: param(&file, "deep_excavation_m")?,
            high_scaffold_m: param(&file, "high_scaffold_m")?,
            work_at_height_m: param(&file, "work_at_height_m")?,
            validity_months: u("validity_months")?,
            extension_window_days: u("extension_window_days")?,
            acceptance_working_days: u("acceptance_working_days")?,
            inspection_working_days: u("inspection_working_days")?,
            cancellation_working_days: u("cancellation_working_days")?,
            near_limit_fraction: param(&file, "near_limit_fraction")?,
            escalation_inspection_working_days: u("escalation_inspection_working_days")?,
            completion_inspection_working_days: u("completion_inspection_working_days")?,
            rectify_working_days: u("rectify_working_days")?,
            follow_up_working_days: u("follow_up_working_days")?,
        };
        if params.extension_window_days == 0 {
            return Err(DataError(format!(
                "{name}: extension_window_days must be ≥ 1"
            )));
        }
        // The facts table must name every fact of the contract exactly once.
        let mut rank = [u8::MAX; N_FACTS];
        let mut order = Vec::with_capacity(N_FACTS);
        let mut specs: Vec<Option<FactSpec>> = vec![None; N_FACTS];
        for (i, spec) in file.facts.iter().enumerate() {
            let f = Fact::from_key(&spec.key)
                .ok_or_else(|| DataError(format!("{name}: unknown fact {}", spec.key)))?;
            if rank[f as usize] != u8::MAX {
                return Err(DataError(format!("{name}: fact {} listed twice", spec.key)));
            }
            rank[f as usize] = i as u8;
            order.push(f);
            specs[f as usize] = Some(spec.clone());
        }
        let fact_specs: Vec<FactSpec> = specs
            .into_iter()
            .zip(Fact::ALL)
            .map(|(s, f)| {
                s.ok_or_else(|| {
                    DataError(format!(
                        "{name}: fact {} is not in the facts table",
                        f.key()
                    ))
                })
            })
            .collect::<Result<_, _>>()?;
        let hz = file
            .hazards
            .as_ref()
            .ok_or_else(|| DataError(format!("{name}: no hazards table")))?;
        let dept_known = |d: &str| departments.iter().any(|x| x.code == d);
        let mut activity_implies = Vec::new();
        for a in &file.activities {
            if a.dept.is_empty() || !a.dept.iter().all(|d| dept_known(d)) {
                return Err(DataError(format!(
                    "{name}: activity {} has an unknown or no department",
                    a.code
                )));
            }
            if a.kind == Kind::Engineering && codes.codes.is_empty() {
                return Err(DataError("no code texts".into()));
            }
            activity_implies.push(fact_list(&a.code, &a.implies)?);
        }
        for v in &file.venues {
            if !v.co.iter().all(|d| dept_known(d)) {
                return Err(DataError(format!(
                    "{name}: venue {} has an unknown department",
                    v.code
                )));
            }
        }
        if file.activities.is_empty() || file.venues.is_empty() {
            return Err(DataError(format!(
                "{name}: activities and venues must not be empty"
            )));
        }
        let implications = hz
            .implications
            .iter()
            .map(|i| {
                Ok((
                    fact_list(&name, std::slice::from_ref(&i.if_))?[0],
                    fact_list(&name, std::slice::from_ref(&i.then))?[0],
                ))
            })
            .collect::<Result<Vec<_>, DataError>>()?;
        let elevator_values = fact_specs[Fact::elevator_work as usize].values.clone();
        let hz_eng = fact_list(&name, &hz.engineering)?;
        let hz_odd = fact_list(&name, &hz.odd_job)?;
        let special = fact_list(&name, &hz.special_operations)?;
        let dangerous = fact_list(&name, &hz.dangerous_work)?;
        let restrict = |l: &[Fact], only: &[Fact]| -> Vec<Fact> {
            l.iter().copied().filter(|f| only.contains(f)).collect()
        };
        let special_by_kind = [restrict(&special, &hz_eng), restrict(&special, &hz_odd)];
        let dangerous_by_kind = [restrict(&dangerous, &hz_eng), restrict(&dangerous, &hz_odd)];
        let numeric = Fact::ALL
            .iter()
            .filter(|f| fact_specs[**f as usize].ty == "number")
            .fold(0u64, |m, f| m | f.bit());
        let code_texts = Code::ALL
            .iter()
            .map(|c| {
                texts
                    .codes
                    .get(c.as_str())
                    .cloned()
                    .ok_or_else(|| DataError(format!("codes.json: no text for {}", c.as_str())))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Ruleset {
            texts,
            code_texts,
            special_by_kind,
            dangerous_by_kind,
            numeric,
            hazards_engineering: fact_list(&name, &hz.engineering)?,
            hazards_odd_job: fact_list(&name, &hz.odd_job)?,
            special_operations: fact_list(&name, &hz.special_operations)?,
            implications,
            activity_implies,
            elevator_values,
            params,
            order,
            fact_specs,
            file,
        })
    }

    pub fn activity_index(&self, code: &str) -> Option<usize> {
        self.file.activities.iter().position(|a| a.code == code)
    }

    pub fn spec(&self, f: Fact) -> &FactSpec {
        &self.fact_specs[f as usize]
    }

    /// The wording and article of a code as this rule set shows it.
    pub fn code_text(&self, c: Code) -> &CodeText {
        &self.code_texts[c as usize]
    }

    /// Facts in interview order.
    pub fn interview_order(&self) -> &[Fact] {
        &self.order
    }

    /// A text kept outside the rule data (the safety pledge) as this rule set shows it: its parameter
    /// placeholders filled (`{cancellation_working_days}` → `3`, formats as in `codes.json`), any other
    /// placeholder left as it is.
    pub fn fill_params(&self, text: &str) -> String {
        fill_params(text, &self.file.parameters)
    }

    /// Where a text outside the rule data writes out one of this rule set's parameters instead of its
    /// placeholder ("3 个工作日" where `cancellation_working_days` is 3): the parameter and what is
    /// written. The rule data itself is checked at load.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn written_out_parameter(&self, text: &str) -> Option<(String, String)> {
        hard_coded_parameter(text, &self.file.parameters)
    }
}

/// The wording as a rule set shows it: its parameters filled into every text of codes.json and of its
/// facts table. Each text is checked first: it must not write out a parameter's number ("3米" where
/// `deep_excavation_m` is 3 — a rule set that changes the parameter would leave the text saying the
/// old number), and no placeholder may be left that the engine does not fill with a case's values.
fn render_wording(
    name: &str,
    codes: &CodesFile,
    facts: &mut [FactSpec],
    params: &SortedMap<Parameter>,
) -> Result<CodesFile, DataError> {
    let render = |what: &dyn Fn() -> String,
                  t: &mut I18n,
                  case: &[&str]|
     -> Result<(), DataError> {
        // Native builds (tests, the API, the CLI) check the data; the browser loads the same embedded
        // data, already checked, and is spared the checks' code.
        #[cfg(not(target_arch = "wasm32"))]
        for s in [&t.zh, &t.en] {
            if let Some((p, written)) = hard_coded_parameter(s, params) {
                return Err(DataError(format!(
                    "{name}: {} writes \"{written}\", which is {p}: write {{{p}}} so the text follows the rule set",
                    what()
                )));
            }
        }
        *t = i18n_params(t, params);
        #[cfg(not(target_arch = "wasm32"))]
        for s in [&t.zh, &t.en] {
            if let Some(ph) = unfilled(s, case) {
                return Err(DataError(format!(
                    "{name}: {}: {{{ph}}} is neither a parameter nor a value the engine fills here",
                    what()
                )));
            }
        }
        #[cfg(target_arch = "wasm32")]
        let _ = (what, case, name); // used by the native checks only
        Ok(())
    };
    let mut out = codes.clone();
    for (code, ct) in out.codes.iter_mut() {
        let what = |field: &str| format!("codes.json {code} {field}");
        render(&|| what("title"), &mut ct.title, &[])?;
        if let Some(t) = &mut ct.explain {
            render(&|| what("explain"), t, &[])?;
        }
        if let Some(t) = &mut ct.because {
            render(&|| what("because"), t, CASE_VALUES)?;
        }
        if let Some(t) = &mut ct.because_elevator {
            render(&|| what("because_elevator"), t, CASE_VALUES)?;
        }
    }
    for (kind, map) in [("notes", &mut out.notes), ("words", &mut out.words)] {
        for (k, t) in map.iter_mut() {
            render(&|| format!("codes.json {kind} {k}"), t, CASE_VALUES)?;
        }
    }
    for f in facts {
        render(&|| format!("fact {} question", f.key), &mut f.question, &[])?;
        render(&|| format!("fact {} help", f.key), &mut f.help, &[])?;
    }
    Ok(out)
}

/// Fills in what an amending rule-set file leaves out from the file it amends.
fn resolve(mut f: RulesetFile, base: &RulesetFile) -> RulesetFile {
    let mut params = base.parameters.clone();
    params.extend(std::mem::take(&mut f.parameters));
    f.parameters = params;
    fn inherit<T: Clone>(own: &mut Vec<T>, base: &[T]) {
        if own.is_empty() {
            own.extend_from_slice(base);
        }
    }
    inherit(&mut f.facts, &base.facts);
    inherit(&mut f.activities, &base.activities);
    inherit(&mut f.venues, &base.venues);
    f.hazards = f.hazards.or_else(|| base.hazards.clone());
    f.title = f.title.or_else(|| base.title.clone());
    f.notice = f.notice.or_else(|| base.notice.clone());
    f
}

impl Engine {
    /// The engine with the rule data embedded in this build.
    ///
    /// ```
    /// let engine = anbei_core::Engine::embedded().unwrap();
    /// let today = anbei_core::Date::parse("2026-05-06").unwrap();
    /// let facts = engine.parse_json(r#"{"activity": "odd_signage", "illegal_addition": false}"#, today).unwrap();
    /// let result = engine.assess(&facts);
    /// assert_eq!(result.scope, Some(anbei_core::Code::SPORADIC_WORK)); // signage always touches a public area
    /// assert_eq!(result.missing_facts[0], "earthwork"); // next: the hazards screen
    /// ```
    pub fn embedded() -> Result<Engine, DataError> {
        Engine::from_sources(&embedded_sources())
    }

    /// Builds an engine from data files' text (the embedded ones, or others for tests and previews).
    pub fn from_sources(src: &DataSources<'_>) -> Result<Engine, DataError> {
        Engine::from_sources_with(src, &SerdeJson)
    }

    /// Like [`Engine::from_sources`], with another JSON parser.
    pub fn from_sources_with<P: DataParser>(
        src: &DataSources<'_>,
        p: &P,
    ) -> Result<Engine, DataError> {
        let mut codes: CodesFile = p.parse("codes.json", src.codes)?;
        // The article of each code is its rule's (src/rules/): the citation lives beside the condition.
        for c in Code::ALL {
            let article = crate::rules::article_of(*c)
                .ok_or_else(|| DataError(format!("no rule decides {}", c.as_str())))?;
            if let Some(t) = codes.codes.get_mut(c.as_str()) {
                if !t.article.is_empty() {
                    return Err(DataError(format!(
                        "codes.json: {} gives an article; a code's article is its rule's, in src/rules/",
                        c.as_str()
                    )));
                }
                t.article = article.to_owned();
            }
        }
        let DepartmentsFile {
            usual_referral,
            departments,
        } = p.parse::<DepartmentsFile>("departments.json", src.departments)?;
        if let Some(u) = usual_referral
            .iter()
            .find(|u| !departments.iter().any(|d| &d.code == *u))
        {
            return Err(DataError(format!(
                "departments.json: usual_referral names {u}, not a department"
            )));
        }
        let streets = p.parse::<StreetsFile>("streets.json", src.streets)?.streets;
        let calendar_years: Vec<CalendarYear> = src
            .calendars
            .iter()
            .map(|c| p.parse("calendar", c))
            .collect::<Result<_, _>>()?;
        let calendar = Calendar::new(&calendar_years).map_err(|e| DataError(e.0))?;
        let mut files: Vec<RulesetFile> = src
            .rulesets
            .iter()
            .map(|r| p.parse("ruleset", r))
            .collect::<Result<_, _>>()?;
        files.sort_by_key(|f| f.effective_from);
        let mut rulesets: Vec<Ruleset> = Vec::with_capacity(files.len());
        // The files as written (texts with their placeholders): an amendment takes its base's from here.
        let mut resolved: Vec<RulesetFile> = Vec::with_capacity(files.len());
        for f in files {
            let f = match &f.amends {
                Some(v) => {
                    let base = resolved.iter().find(|r| &r.version == v).ok_or_else(|| {
                        DataError(format!("{} amends unknown version {v}", f.version))
                    })?;
                    resolve(f, base)
                }
                None => f,
            };
            if resolved
                .iter()
                .any(|r| r.effective_from == f.effective_from)
            {
                return Err(DataError(format!(
                    "two rule sets take effect on {}",
                    f.effective_from
                )));
            }
            resolved.push(f.clone());
            rulesets.push(Ruleset::build(f, &codes, &departments)?);
        }
        if rulesets.is_empty() {
            return Err(DataError("no rule set".into()));
        }
        for k in codes.codes.keys() {
            if Code::from_str(k).is_none() {
                return Err(DataError(format!(
                    "codes.json: {k} is not a code of the contract"
                )));
            }
        }
        let engine = Engine {
            rulesets,
            codes,
            departments,
            usual_referral,
            streets,
            calendar,
            calendar_years,
            manage: std::sync::OnceLock::new(),
        };
        engine.check_wording()?;
        Ok(engine)
    }

    fn check_wording(&self) -> Result<(), DataError> {
        for n in crate::assess::NOTE_CODES {
            if !self.codes.notes.contains_key(n) {
                return Err(DataError(format!("codes.json: no text for note {n}")));
            }
        }
        for w in crate::assess::WORDS {
            if !self.codes.words.contains_key(w) {
                return Err(DataError(format!("codes.json: no word {w}")));
            }
        }
        Ok(())
    }

    /// All rule sets, oldest first.
    pub fn rulesets(&self) -> &[Ruleset] {
        &self.rulesets
    }

    /// Index of the rule set in force on `d` (the earliest if `d` precedes them all).
    pub fn ruleset_index_for(&self, d: Date) -> usize {
        self.rulesets
            .iter()
            .rposition(|r| r.file.effective_from <= d)
            .unwrap_or(0)
    }

    pub fn ruleset_for(&self, d: Date) -> &Ruleset {
        &self.rulesets[self.ruleset_index_for(d)]
    }

    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// The wording and article of a code as the newest rule set shows it. A result's own wording is its
    /// rule set's: `engine.ruleset_for(date).code_text(code)` (titles quote the rule set's parameters).
    pub fn code_text(&self, c: Code) -> &CodeText {
        match self.rulesets.last() {
            Some(rs) => rs.code_text(c),
            None => &self.rulesets[0].code_texts[c as usize], // never: load requires a rule set
        }
    }

    /// The wording and article of a code under the rule set in force on `d`.
    pub fn code_text_on(&self, d: Date, c: Code) -> &CodeText {
        self.ruleset_for(d).code_text(c)
    }

    pub fn departments(&self) -> &[Department] {
        &self.departments
    }

    /// The departments a referral offers first when the work suggests none (`departments.json`'s
    /// `usual_referral`, *product policy*).
    pub fn usual_referral(&self) -> &[String] {
        &self.usual_referral
    }

    /// The departments a referral offers, `suggested` first (in its order), then the usual ones
    /// (`departments.json`'s `usual_referral`), then the rest in §5's order; unknown codes dropped.
    pub fn referral_departments<'e>(&'e self, suggested: &[&str]) -> Vec<&'e Department> {
        let by = |c: &str| self.departments.iter().find(|d| d.code == c);
        let mut out: Vec<&Department> = Vec::with_capacity(self.departments.len());
        let first = suggested.iter().copied().filter_map(by);
        let usual = self.usual_referral.iter().filter_map(|c| by(c));
        for d in first.chain(usual).chain(self.departments.iter()) {
            if !out.iter().any(|o| o.code == d.code) {
                out.push(d);
            }
        }
        out
    }

    pub fn streets(&self) -> &[Street] {
        &self.streets
    }

    pub fn street_index(&self, code: &str) -> Option<usize> {
        self.streets.iter().position(|s| s.code == code)
    }
}

#[cfg(test)]
mod tests {
    /// The embedded data (compacted by build.rs) is exactly the JSON of the files under data/.
    #[test]
    fn embedded_data_is_the_data_files() {
        let src = super::embedded_sources();
        let files = [
            (
                src.rulesets[0],
                include_str!("../data/rulesets/longgang-2026.1-draft.json"),
            ),
            (src.departments, include_str!("../data/departments.json")),
            (src.streets, include_str!("../data/streets.json")),
            (
                src.calendars[0],
                include_str!("../data/calendars/2025.json"),
            ),
            (
                src.calendars[1],
                include_str!("../data/calendars/2026.json"),
            ),
        ];
        // codes.json is embedded in two pieces: the assessment's wording and §9's.
        let mut codes: serde_json::Value = serde_json::from_str(src.codes).unwrap();
        assert!(codes.get("manage_codes").is_none() && !src.codes.contains("IC_WORKERS_MATCH"));
        let manage: serde_json::Value =
            serde_json::from_str(super::embedded_manage_source()).unwrap();
        for (k, v) in manage.as_object().unwrap() {
            codes[k] = v.clone();
        }
        let file: serde_json::Value =
            serde_json::from_str(include_str!("../data/codes.json")).unwrap();
        assert_eq!(codes, file);
        for (embedded, file) in files {
            let a: serde_json::Value = serde_json::from_str(embedded).unwrap();
            let b: serde_json::Value = serde_json::from_str(file).unwrap();
            assert_eq!(a, b);
            assert!(embedded.len() < file.len() && !embedded.contains('\n'));
        }
    }

    /// A referral offers the suggested departments first, then departments.json's usual ones, then
    /// the rest of §5, each once; a usual one that is not a department stops the load.
    #[test]
    fn referral_departments_suggested_then_usual_then_the_rest() {
        let e = super::Engine::embedded().unwrap();
        let usual: Vec<&str> = e.usual_referral().iter().map(String::as_str).collect();
        assert!(usual.len() >= 3 && usual[0] == "URBAN", "{usual:?}");
        let all: Vec<&str> = e
            .referral_departments(&["FIRE", "NOWHERE", "HOUSING"])
            .iter()
            .map(|d| d.code.as_str())
            .collect();
        assert_eq!(&all[..2], &["FIRE", "HOUSING"]);
        let rest_usual: Vec<&str> = usual
            .iter()
            .copied()
            .filter(|u| !["FIRE", "HOUSING"].contains(u))
            .collect();
        assert_eq!(&all[2..2 + rest_usual.len()], &rest_usual[..]);
        assert_eq!(all.len(), e.departments().len(), "each department once");
        let mut src: super::DataSources<'_> = super::embedded_sources();
        let bad = src.departments.replacen("\"URBAN\"", "\"NOWHERE\"", 1);
        src.departments = &bad;
        let err = super::Engine::from_sources(&src).unwrap_err();
        assert!(err.0.contains("usual_referral names NOWHERE"), "{}", err.0);
    }
}
