//! The published view of the rule data (`ruleset()` in JavaScript, `GET /api/v1/ruleset`): everything a
//! widget or portal needs to ask the questions and explain the answers in both languages.

use crate::date::Date;
use crate::engine::Engine;
use crate::facts::Fact;
use crate::model::*;
use serde::Serialize;

#[derive(Serialize)]
pub struct RulesetView<'a> {
    pub contract_version: &'static str,
    pub id: &'a str,
    pub version: &'a str,
    pub status: &'a str,
    pub effective_from: Date,
    pub title: Option<&'a I18n>,
    pub notice: Option<&'a I18n>,
    pub parameters: &'a SortedMap<Parameter>,
    /// Questions, in interview order.
    pub facts: &'a [FactSpec],
    pub hazards: Option<&'a HazardLists>,
    pub activities: &'a [Activity],
    pub venues: &'a [Venue],
    pub departments: &'a [Department],
    pub streets: &'a [Street],
    pub codes: &'a SortedMap<CodeText>,
    pub notes: &'a SortedMap<I18n>,
    pub fact_names: &'a SortedMap<I18n>,
    pub calendar_years: Vec<i32>,
    /// The holiday tables themselves (State Council notices).
    pub calendars: &'a [CalendarYear],
    /// Every rule set this build knows, oldest first.
    pub rulesets: Vec<RulesetSummary<'a>>,
    /// §9 ([`Engine::ruleset_view_with_manage`] only): `inspection_kinds`, `checklist_items`,
    /// `findings` (with their handling), `referral_targets`, and their wording `manage_codes` (title,
    /// explanation, article) and `manage_words`. Absent from [`Engine::ruleset_view`], so a build that
    /// never shows an inspection (the widget) carries none of it.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub manage: Option<crate::manage::ManageView<'a>>,
}

#[derive(Serialize)]
pub struct RulesetSummary<'a> {
    pub id: &'a str,
    pub version: &'a str,
    pub status: &'a str,
    pub effective_from: Date,
}

impl Engine {
    /// The rule set in force on `date`, for publication.
    pub fn ruleset_view(&self, date: Date) -> RulesetView<'_> {
        let rs = self.ruleset_for(date);
        RulesetView {
            contract_version: "1",
            id: &rs.file.id,
            version: &rs.file.version,
            status: &rs.file.status,
            effective_from: rs.file.effective_from,
            title: rs.file.title.as_ref(),
            notice: rs.file.notice.as_ref(),
            parameters: &rs.file.parameters,
            facts: &rs.file.facts,
            hazards: rs.file.hazards.as_ref(),
            activities: &rs.file.activities,
            venues: &rs.file.venues,
            departments: &self.departments,
            streets: &self.streets,
            codes: &rs.texts.codes,
            notes: &rs.texts.notes,
            fact_names: &rs.texts.fact_names,
            calendar_years: self.calendar.years(),
            calendars: &self.calendar_years,
            rulesets: self
                .rulesets
                .iter()
                .map(|r| RulesetSummary {
                    id: &r.file.id,
                    version: &r.file.version,
                    status: &r.file.status,
                    effective_from: r.file.effective_from,
                })
                .collect(),
            manage: None,
        }
    }

    /// [`Engine::ruleset_view`] with §9's tables and wording (the API's `GET /api/v1/ruleset`, the
    /// console, the core's `ruleset()` in JavaScript). Fails only if §9's wording does not load.
    pub fn ruleset_view_with_manage(
        &self,
        date: Date,
    ) -> Result<RulesetView<'_>, crate::engine::DataError> {
        let mut v = self.ruleset_view(date);
        v.manage = Some(self.manage_view(self.ruleset_index_for(date))?);
        Ok(v)
    }

    /// The question group of a fact (facts in one group are asked on one screen).
    pub fn fact_group(&self, date: Date, f: Fact) -> &str {
        &self.ruleset_for(date).spec(f).group
    }
}
