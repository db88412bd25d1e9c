//! Wording of a result, shared by the result page and "copy the result" (plain text). No DOM code.

use crate::i18n::{Lang, Texts, article, fill, fmt_date};
use anbei_core::{Assessment, Code, Date, Engine};

pub fn code_title(engine: &Engine, c: Code, lang: Lang) -> String {
    let t = &engine.code_text(c).title;
    lang.pick(&t.zh, &t.en).to_string()
}

pub fn code_explain(engine: &Engine, c: Code, lang: Lang) -> Option<String> {
    engine
        .code_text(c)
        .explain
        .as_ref()
        .map(|t| lang.pick(&t.zh, &t.en).to_string())
}

pub fn street_office(engine: &Engine, code: &str, lang: Lang) -> Option<String> {
    engine
        .streets()
        .iter()
        .find(|s| s.code == code)
        .map(|s| lang.pick(&s.office.zh, &s.office.en).to_string())
}

pub fn department_name(engine: &Engine, code: &str, lang: Lang) -> String {
    engine
        .departments()
        .iter()
        .find(|d| d.code == code)
        .map_or_else(
            || code.to_string(),
            |d| lang.pick(&d.name.zh, &d.name.en).to_string(),
        )
}

/// When to cancel the registration while the completion date is not known ("完工后3个工作日内", 第三十三条):
/// the working days are the rule set's parameter, like every text that shows a threshold.
pub fn after_completion(engine: &Engine, date: Date, lang: Lang) -> String {
    let days = engine.ruleset_for(date).params.cancellation_working_days;
    fill(
        lang.cat().after_completion,
        &[("cancellation_working_days", &days.to_string())],
    )
}

/// The scope in one sentence: the code's title, then why.
pub fn scope_sentence(engine: &Engine, a: &Assessment<'_>, lang: Lang) -> String {
    let Some(scope) = a.scope else {
        return String::new();
    };
    let title = code_title(engine, scope, lang);
    match &a.scope_because {
        Some(b) => {
            let why = lang.pick(&b.zh, &b.en);
            match lang.texts() {
                Texts::Zh => format!("{title}（{why}）。"),
                Texts::En => format!("{title} ({why})."),
            }
        }
        None => format!("{title}{}", lang.pick("。", ".")),
    }
}

/// The whole result as plain text, for "copy the result".
pub fn result_text(engine: &Engine, a: &Assessment<'_>, lang: Lang) -> String {
    let c = lang.cat();
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(format!("{} — {}", c.result_title, c.widget_title));
    line(format!(
        "{}：{} [{}]",
        c.scope,
        scope_sentence(engine, a, lang),
        article(lang, a.scope_article.unwrap_or(""))
    ));
    match a.high_risk {
        Some(true) => {
            line(format!("{}：{}", c.high_risk, c.high_risk_yes));
            for t in &a.high_risk_triggers {
                line(format!(
                    "  · {} — {} [{}]",
                    code_title(engine, t.code, lang),
                    lang.pick(&t.because.zh, &t.because.en),
                    article(lang, t.article)
                ));
            }
        }
        Some(false) if a.scope.is_some_and(Code::is_in_scope) => {
            line(format!("{}：{}", c.high_risk, c.high_risk_no))
        }
        _ => {}
    }
    if let Some(s) = a.supervision {
        line(format!(
            "{}：{}",
            c.supervision,
            code_title(engine, s, lang)
        ));
    }
    // the checklist and the obligations: a heading, then each code's title and article
    let bullet = |code, art| {
        format!(
            "  · {} [{}]",
            code_title(engine, code, lang),
            article(lang, art)
        )
    };
    if !a.documents.is_empty() {
        line(format!("{}：", c.documents));
    }
    for d in &a.documents {
        line(bullet(d.code, d.article));
    }
    if !a.obligations.is_empty() {
        line(format!("{}：", c.obligations));
    }
    for o in &a.obligations {
        line(bullet(o.code, o.article));
    }
    if !a.channels.is_empty() {
        let office = a
            .street_office
            .and_then(|s| street_office(engine, s, lang))
            .unwrap_or_default();
        let ch: Vec<String> = a
            .channels
            .iter()
            .map(|ch| code_title(engine, *ch, lang))
            .collect();
        line(format!(
            "{}：{}；{}",
            c.where_register,
            ch.join(" / "),
            office
        ));
    }
    let d = &a.deadlines;
    for (label, date) in [
        (c.acceptance_due, d.acceptance_due),
        (c.inspection_due, d.inspection_due),
        (c.valid_until, d.valid_until),
        (c.extension_window_start, d.extension_window_start),
    ] {
        if let Some(date) = date {
            line(format!("{label}：{}", fmt_date(lang, date)));
        }
    }
    line(format!(
        "{} {} ({})",
        a.ruleset.id, a.ruleset.version, c.ruleset_draft
    ));
    if lang.texts() == Texts::En {
        out = out.replace('：', ": ").replace('；', "; ");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 依据：第二十八条 — the copied result lists every document of the checklist and every obligation,
    /// each with its article, under its heading.
    #[test]
    fn the_copied_result_lists_documents_and_obligations_with_articles() {
        let engine = Engine::embedded().unwrap_or_else(|e| panic!("{e}"));
        let day = Date::parse(anbei_filing::fixtures::TODAY).unwrap_or_else(|| panic!("date"));
        let facts = anbei_filing::fixtures::facts("ordinary").unwrap_or_else(|e| panic!("{e}"));
        let facts = engine
            .parse_json(&facts.to_string(), day)
            .unwrap_or_else(|e| panic!("{e:?}"));
        let a = engine.assess(&facts);
        assert!(!a.documents.is_empty() && !a.obligations.is_empty());
        let text = result_text(&engine, &a, Lang::Zh);
        let c = Lang::Zh.cat();
        for (heading, items) in [
            (
                c.documents,
                a.documents
                    .iter()
                    .map(|d| (d.code, d.article))
                    .collect::<Vec<_>>(),
            ),
            (
                c.obligations,
                a.obligations.iter().map(|o| (o.code, o.article)).collect(),
            ),
        ] {
            let at = text
                .find(&format!("{heading}：\n"))
                .unwrap_or_else(|| panic!("{heading}"));
            for (code, art) in items {
                let line = format!("  · {} [{art}]\n", code_title(&engine, code, Lang::Zh));
                assert!(text[at..].contains(&line), "{line}");
            }
        }
        assert!(
            result_text(&engine, &a, Lang::En).contains(&format!("{}: ", Lang::En.cat().documents))
        );
    }

    /// 依据：第三十三条 — the working days to cancel in come from the rule set: the same data with 5 says 5.
    #[test]
    fn the_cancellation_days_come_from_the_rule_set() {
        let day = Date::parse("2026-12-01").unwrap_or_else(|| panic!("date"));
        let engine = Engine::embedded().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            after_completion(&engine, day, Lang::Zh),
            "完工后3个工作日内"
        );
        let mut src = anbei_core::embedded_sources();
        let mut ruleset: serde_json::Value =
            serde_json::from_str(src.rulesets[0]).unwrap_or_else(|e| panic!("{e}"));
        ruleset["parameters"]["cancellation_working_days"]["value"] = 5.into();
        let text = ruleset.to_string();
        src.rulesets[0] = &text;
        let five = Engine::from_sources(&src).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(after_completion(&five, day, Lang::Zh), "完工后5个工作日内");
        assert_eq!(
            after_completion(&five, day, Lang::En),
            "within 5 working days after completion"
        );
    }
}
