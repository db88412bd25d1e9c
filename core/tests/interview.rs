#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] functions
//! Interview exploration (issue: "follow missing_facts answering each question with every value class").
//!
//! From `{activity}` for every activity, the test answers the next screen (the facts of `missing_facts[0]`'s
//! group that are missing — exactly what the widget shows) with every value class — both booleans, every
//! enum value, numbers at and around each threshold (taken from the rule set's parameters, not hard-coded) —
//! and follows each answer until the result is decided. It asserts that every path ends, never asks a fact
//! twice, asks only facts that can change the result, asks at most 45 facts on at most 15 screens, and that
//! every stable code is reached. Paths are explored exhaustively up to a node budget per activity, then by
//! a sample of each node's children, seeded per activity (every child is still assessed, so every answer
//! of every question is exercised). The reached-code report is committed (tests/data/interview-report.md); the test
//! fails when a code becomes unreachable or the report is stale (`UPDATE_REPORT=1` rewrites it).

use anbei_core::facts::Raw;
use anbei_core::{Code, Date, Engine, Fact, RawFacts, Ruleset};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

const MAX_FACTS: usize = 45;
const MAX_SCREENS: usize = 15;
const FULL_NODES_PER_ACTIVITY: usize = 1500;
const SAMPLED_CHILDREN: usize = 2;

struct Explorer<'e> {
    engine: &'e Engine,
    rs: &'e Ruleset,
    today: Date,
    reached: BTreeMap<String, (u64, String)>,
    paths: u64,
    nodes: usize,
    max_facts: usize,
    max_screens: usize,
    rng: u64,
    problems: Vec<String>,
}

fn num(x: f64) -> Value {
    json!(x)
}

impl Explorer<'_> {
    fn classes(&self, f: Fact, activity: &str) -> Vec<Value> {
        let p = &self.rs.params;
        let spec = self.rs.spec(f);
        match spec.ty.as_str() {
            "bool" => vec![json!(false), json!(true)],
            "activity" => self
                .rs
                .file
                .activities
                .iter()
                .map(|a| json!(a.code))
                .collect(),
            "venue" => self.rs.file.venues.iter().map(|v| json!(v.code)).collect(),
            "street" => self
                .engine
                .streets()
                .iter()
                .map(|s| json!(s.code))
                .collect(),
            "enum" => spec.values.iter().map(|v| json!(v)).collect(),
            "number" => {
                let near = 1.0 - p.near_limit_fraction;
                match f {
                    Fact::contract_amount_yuan => vec![
                        num(0.0),
                        num(p.limit_contract_yuan * near - 1.0),
                        num(p.limit_contract_yuan),
                        num(p.limit_contract_yuan + 1.0),
                        num(p.supervision_investment_yuan - 1.0),
                        num(p.supervision_investment_yuan),
                    ],
                    Fact::construction_area_m2 => {
                        let mut v = vec![
                            num(0.0),
                            num(p.limit_area_m2 * near - 0.01),
                            num(p.limit_area_m2),
                            num(p.limit_area_m2 + 0.01),
                            num(p.supervision_area_m2),
                        ];
                        let l = self
                            .rs
                            .file
                            .activities
                            .iter()
                            .any(|a| a.code == activity && a.has_flag('L'));
                        if l {
                            v.push(Value::Null);
                        }
                        v
                    }
                    Fact::investment_yuan => vec![
                        num(p.supervision_investment_yuan - 1.0),
                        num(p.supervision_investment_yuan),
                    ],
                    Fact::excavation_depth_m => vec![
                        num(0.0),
                        num(p.deep_excavation_m - 0.01),
                        num(p.deep_excavation_m),
                    ],
                    Fact::scaffold_height_m => vec![
                        num(0.0),
                        num(p.high_scaffold_m - 0.1),
                        num(p.high_scaffold_m),
                    ],
                    other => panic!("no value classes for {}", other.key()),
                }
            }
            other => panic!("no value classes for type {other}"),
        }
    }

    fn parse(&self, facts: &Map<String, Value>) -> anbei_core::Facts {
        let raw = RawFacts::Object(
            facts
                .iter()
                .map(|(k, v)| {
                    let r = match v {
                        Value::Null => Raw::Null,
                        Value::Bool(b) => Raw::Bool(*b),
                        Value::Number(n) => Raw::Num(n.as_f64().unwrap()),
                        Value::String(s) => Raw::Str(s.clone()),
                        _ => unreachable!(),
                    };
                    (anbei_core::facts::Key::from(k.as_str()), r)
                })
                .collect(),
        );
        self.engine
            .parse_facts(raw, self.today)
            .unwrap_or_else(|e| panic!("interview produced invalid facts {facts:?}: {e}"))
    }

    fn missing(&self, facts: &Map<String, Value>) -> Vec<&'static str> {
        self.engine.assess(&self.parse(facts)).missing_facts
    }

    fn outcome(&self, facts: &Map<String, Value>) -> String {
        serde_json::to_string(&self.engine.assess(&self.parse(facts))).unwrap()
    }

    /// The answers offered for one screen.
    fn assignments(&self, group: &[Fact], activity: &str) -> Vec<Vec<(Fact, Value)>> {
        if group.len() <= 2 {
            let mut out: Vec<Vec<(Fact, Value)>> = vec![vec![]];
            for &f in group {
                let mut next = Vec::new();
                for partial in &out {
                    for v in self.classes(f, activity) {
                        let mut p = partial.clone();
                        p.push((f, v));
                        next.push(p);
                    }
                }
                out = next;
            }
            return out;
        }
        // Checklist screens (hazards, structure, exclusions): none, each single answer, all at their maximum.
        let base: Vec<(Fact, Value)> = group
            .iter()
            .map(|&f| (f, self.classes(f, activity)[0].clone()))
            .collect();
        let mut out = vec![base.clone()];
        for (i, &f) in group.iter().enumerate() {
            for v in self.classes(f, activity).into_iter().skip(1) {
                let mut a = base.clone();
                a[i].1 = v;
                out.push(a);
            }
        }
        out.push(
            group
                .iter()
                .map(|&f| {
                    (
                        f,
                        self.classes(f, activity)
                            .last()
                            .cloned()
                            .unwrap_or(Value::Null),
                    )
                })
                .collect(),
        );
        out
    }

    fn next_rand(&mut self) -> usize {
        self.rng = self
            .rng
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.rng >> 33) as usize
    }

    fn walk(
        &mut self,
        facts: Map<String, Value>,
        asked: BTreeSet<Fact>,
        screens: usize,
        activity: &str,
        budget: &mut usize,
    ) {
        self.nodes += 1;
        let parsed = self.parse(&facts);
        let r = self.engine.assess(&parsed);
        let missing: Vec<Fact> = r
            .missing_facts
            .iter()
            .map(|k| Fact::from_key(k).unwrap())
            .collect();
        if missing.is_empty() {
            self.paths += 1;
            self.max_facts = self.max_facts.max(asked.len());
            self.max_screens = self.max_screens.max(screens);
            for c in r.codes() {
                let e = self
                    .reached
                    .entry(c.as_str().to_owned())
                    .or_insert((0, activity.to_owned()));
                e.0 += 1;
            }
            return;
        }
        // The next screen: the missing facts of the first missing fact's group.
        let group_name = &self.rs.spec(missing[0]).group;
        let group: Vec<Fact> = missing
            .iter()
            .copied()
            .filter(|f| &self.rs.spec(*f).group == group_name)
            .collect();
        for f in &group {
            if asked.contains(f) {
                self.problems.push(format!(
                    "{activity}: {} asked twice (facts {facts:?})",
                    f.key()
                ));
                return;
            }
        }
        if asked.len() + group.len() > MAX_FACTS || screens + 1 > MAX_SCREENS {
            self.problems.push(format!(
                "{activity}: interview too long: {} facts, {} screens at {facts:?}",
                asked.len() + group.len(),
                screens + 1
            ));
            return;
        }
        // Relevance: each asked fact, answered alone, can change the result (or what is asked next).
        for &f in &group {
            let mut outcomes = BTreeSet::new();
            for v in self.classes(f, activity) {
                let mut g = facts.clone();
                g.insert(f.key().into(), v);
                outcomes.insert(self.outcome(&g));
            }
            if outcomes.len() < 2 {
                self.problems.push(format!(
                    "{activity}: asks {} although no answer changes anything (facts {facts:?})",
                    f.key()
                ));
            }
        }
        let options = self.assignments(&group, activity);
        let explore_all = *budget > 0;
        let chosen: Vec<usize> = if explore_all {
            (0..options.len()).collect()
        } else {
            // Every answer is still assessed once (above and via the sampled children); follow a sample.
            let mut c = vec![0];
            for _ in 1..SAMPLED_CHILDREN {
                c.push(self.next_rand() % options.len());
            }
            c.sort_unstable();
            c.dedup();
            c
        };
        for (i, a) in options.iter().enumerate() {
            let mut g = facts.clone();
            let mut asked2 = asked.clone();
            for (f, v) in a {
                g.insert(f.key().into(), v.clone());
                asked2.insert(*f);
            }
            if !chosen.contains(&i) {
                // Not followed: still check the answer is accepted and does not ask anything twice.
                for k in self.missing(&g) {
                    let f = Fact::from_key(k).unwrap();
                    if asked2.contains(&f) {
                        self.problems
                            .push(format!("{activity}: {} would be asked twice", f.key()));
                    }
                }
                continue;
            }
            *budget = budget.saturating_sub(1);
            self.walk(g, asked2, screens + 1, activity, budget);
        }
    }
}

#[test]
fn interview_exploration_reaches_every_code_and_never_asks_in_vain() {
    let engine = Engine::embedded().unwrap();
    let today = Date::parse("2026-05-06").unwrap();
    let rs = engine.ruleset_for(today);
    let mut ex = Explorer {
        engine: &engine,
        rs,
        today,
        reached: BTreeMap::new(),
        paths: 0,
        nodes: 0,
        max_facts: 0,
        max_screens: 0,
        rng: 0x5eed,
        problems: vec![],
    };
    let mut per_activity = Vec::new();
    for a in &rs.file.activities {
        let (p0, n0) = (ex.paths, ex.nodes);
        let (mf, ms) = (ex.max_facts, ex.max_screens);
        ex.max_facts = 0;
        ex.max_screens = 0;
        let mut facts = Map::new();
        facts.insert("activity".into(), json!(a.code));
        facts.insert("registration_date".into(), json!("2026-05-06"));
        // Each activity's sample has its own seed, so adding or changing one activity changes only its
        // own row of the report (and the totals).
        ex.rng = a.code.bytes().fold(0x5eed_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        let mut budget = FULL_NODES_PER_ACTIVITY;
        ex.walk(
            facts,
            BTreeSet::from([Fact::activity]),
            0,
            &a.code,
            &mut budget,
        );
        per_activity.push(format!(
            "| `{}` | {} | {} | {} | {} |",
            a.code,
            ex.paths - p0,
            ex.nodes - n0,
            ex.max_facts,
            ex.max_screens
        ));
        ex.max_facts = ex.max_facts.max(mf);
        ex.max_screens = ex.max_screens.max(ms);
        if ex.problems.len() > 20 {
            break;
        }
    }
    assert!(
        ex.problems.is_empty(),
        "{} problems:\n{}",
        ex.problems.len(),
        ex.problems.join("\n")
    );
    let unreached: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !ex.reached.contains_key(*c))
        .collect();
    assert!(
        unreached.is_empty(),
        "codes no interview path reaches: {unreached:?}"
    );

    let mut report = String::from(
        "# Interview exploration report\n\nGenerated by `cargo test -p anbei-core --test interview` (rewrite with `UPDATE_REPORT=1`).\n\
         Every path starts from `{activity}` and answers each screen with every value class until decided.\n\n",
    );
    report += &format!(
        "- decided paths followed: {}\n- interview states assessed: {}\n- most facts asked on one path: {} (limit {MAX_FACTS})\n- most screens on one path: {} (limit {MAX_SCREENS})\n\n",
        ex.paths, ex.nodes, ex.max_facts, ex.max_screens
    );
    report += "| activity | paths | states | max facts | max screens |\n|---|---|---|---|---|\n";
    report += &per_activity.join("\n");
    report += "\n\n## Codes reached (paths ending with the code; first activity reaching it)\n\n| code | paths | first reached from |\n|---|---|---|\n";
    for c in Code::ALL {
        let (n, a) = ex
            .reached
            .get(c.as_str())
            .cloned()
            .unwrap_or((0, "—".into()));
        report += &format!("| `{}` | {} | `{}` |\n", c.as_str(), n, a);
    }
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/interview-report.md"
    );
    if std::env::var_os("UPDATE_REPORT").is_some() {
        std::fs::write(path, &report).unwrap();
    } else {
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == report,
            "tests/data/interview-report.md is stale: run UPDATE_REPORT=1 cargo test -p anbei-core --test interview and commit it"
        );
    }
}
