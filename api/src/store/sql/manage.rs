//! The statements of inspections, findings, rectifications and referrals
//! (`migrations/0006_inspections.sql`), under the rules of `sql.rs`.

use super::{Arg, Query, Stmt};
use crate::store::manage::{
    FindingRow, InspectionFilter, InspectionRow, RectificationRow, ReferralRow, SiteRecordRow,
};

macro_rules! inspection_columns {
    () => {
        "id, filing_no, street, community, area, departments, address, kind, due, status, created_at, \
         inspected_at, done_at, inspector_login, inspector_name, answers, finding_id"
    };
}

query!(
    insert_inspection(i: &'a InspectionRow) -> 17 = [
        "INSERT INTO inspections (", inspection_columns!(), ") VALUES \
         ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
    ] [
        Arg::Text(&i.id), Arg::MaybeText(i.filing_no.as_deref()), Arg::Text(&i.street), Arg::Text(&i.community),
        Arg::Text(&i.area), Arg::Text(&i.departments), Arg::MaybeText(i.address.as_deref()), Arg::Text(&i.kind),
        Arg::MaybeText(i.due.as_deref()), Arg::Text(&i.status), Arg::Text(&i.created_at),
        Arg::MaybeText(i.inspected_at.as_deref()), Arg::MaybeText(i.done_at.as_deref()),
        Arg::MaybeText(i.inspector_login.as_deref()), Arg::MaybeText(i.inspector_name.as_deref()),
        Arg::MaybeText(i.answers.as_deref()), Arg::MaybeText(i.finding_id.as_deref()),
    ]
);

query!(
    /// 0 rows unless it is still due.
    complete_inspection(i: &'a InspectionRow) -> 7 = [
        "UPDATE inspections SET status = $2, inspected_at = $3, done_at = $4, inspector_login = $5, \
         inspector_name = $6, answers = $7 WHERE id = $1 AND status = 'due'"
    ] [
        Arg::Text(&i.id), Arg::Text(&i.status), Arg::MaybeText(i.inspected_at.as_deref()),
        Arg::MaybeText(i.done_at.as_deref()), Arg::MaybeText(i.inspector_login.as_deref()),
        Arg::MaybeText(i.inspector_name.as_deref()), Arg::MaybeText(i.answers.as_deref()),
    ]
);

query!(inspections_of(filing_no: &'a str) -> 1 = [
    "SELECT ", inspection_columns!(), " FROM inspections WHERE filing_no = $1 ORDER BY created_at, id"
] [Arg::Text(filing_no)]);

/// An account's inspections by due date (none last), filtered: only the filters that are set, each an
/// equality or range the planner walks `inspections_street_due (street, status, due)` with —
/// `($n IS NULL OR …)` made SQLite read every inspection of the district (67 ms at 290,000, Session 9).
pub fn inspection_list(f: &InspectionFilter) -> (String, Vec<Arg<'_>>) {
    let mut sql = format!(
        "SELECT {} FROM inspections i WHERE TRUE",
        inspection_columns!()
    );
    let mut args = Vec::new();
    super::stats::covered("i", &f.cover, &mut sql, &mut args);
    for (cond, v) in [
        ("i.status = $", &f.status),
        ("i.due < $", &f.due_lt),
        ("i.due <= $", &f.due_le),
    ] {
        if let Some(v) = v {
            args.push(Arg::Text(v));
            sql.push_str(&format!(" AND {cond}{}", args.len()));
        }
    }
    args.push(Arg::Int(i64::from(f.limit)));
    sql.push_str(&format!(
        " ORDER BY COALESCE(i.due, '9999-12-31'), i.id LIMIT ${}",
        args.len()
    ));
    (sql, args)
}

macro_rules! finding_columns {
    () => {
        "id, inspection_id, filing_no, street, code, item, note, found_on, rectify_by, status, escalation, \
         created_at, updated_at, version"
    };
}

query!(
    insert_finding(f: &'a FindingRow) -> 14 = [
        "INSERT INTO findings (", finding_columns!(), ") VALUES \
         ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
    ] [
        Arg::Text(&f.id), Arg::Text(&f.inspection_id), Arg::MaybeText(f.filing_no.as_deref()), Arg::Text(&f.street),
        Arg::Text(&f.code), Arg::MaybeText(f.item.as_deref()), Arg::Text(&f.note), Arg::Text(&f.found_on),
        Arg::MaybeText(f.rectify_by.as_deref()), Arg::Text(&f.status), Arg::MaybeText(f.escalation.as_deref()),
        Arg::Text(&f.created_at), Arg::Text(&f.updated_at), Arg::Int(f.version),
    ]
);

query!(
    /// 0 rows unless the finding is still at `version`.
    put_finding(f: &'a FindingRow) -> 6 = [
        "UPDATE findings SET status = $3, escalation = $4, rectify_by = $5, updated_at = $6, version = version + 1 \
         WHERE id = $1 AND version = $2"
    ] [
        Arg::Text(&f.id), Arg::Int(f.version), Arg::Text(&f.status), Arg::MaybeText(f.escalation.as_deref()),
        Arg::MaybeText(f.rectify_by.as_deref()), Arg::Text(&f.updated_at),
    ]
);

query!(findings_of(filing_no: &'a str) -> 1 = [
    "SELECT ", finding_columns!(), " FROM findings WHERE filing_no = $1 ORDER BY created_at, id"
] [Arg::Text(filing_no)]);

query!(finding_by_id(id: &'a str) -> 1 = [
    "SELECT ", finding_columns!(), " FROM findings WHERE id = $1"
] [Arg::Text(id)]);

macro_rules! rectification_columns {
    () => {
        "id, finding_id, filing_no, at, by_role, note, photos, decision, reason, decided_by, decided_at"
    };
}

query!(
    insert_rectification(r: &'a RectificationRow) -> 11 = [
        "INSERT INTO rectifications (", rectification_columns!(), ") VALUES \
         ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    ] [
        Arg::Text(&r.id), Arg::Text(&r.finding_id), Arg::Text(&r.filing_no), Arg::Text(&r.at), Arg::Text(&r.by_role),
        Arg::Text(&r.note), Arg::Text(&r.photos), Arg::MaybeText(r.decision.as_deref()),
        Arg::MaybeText(r.reason.as_deref()), Arg::MaybeText(r.decided_by.as_deref()),
        Arg::MaybeText(r.decided_at.as_deref()),
    ]
);

query!(
    /// 0 rows unless the answer still awaits a decision.
    decide_rectification(r: &'a RectificationRow) -> 5 = [
        "UPDATE rectifications SET decision = $2, reason = $3, decided_by = $4, decided_at = $5 \
         WHERE id = $1 AND decision IS NULL"
    ] [
        Arg::Text(&r.id), Arg::MaybeText(r.decision.as_deref()), Arg::MaybeText(r.reason.as_deref()),
        Arg::MaybeText(r.decided_by.as_deref()), Arg::MaybeText(r.decided_at.as_deref()),
    ]
);

query!(rectifications_of(filing_no: &'a str) -> 1 = [
    "SELECT ", rectification_columns!(), " FROM rectifications WHERE filing_no = $1 ORDER BY at, id"
] [Arg::Text(filing_no)]);

macro_rules! referral_columns {
    () => {
        "id, finding_id, filing_no, target, department, reason, referred_on, at, by_login, by_name, late"
    };
}

query!(
    insert_referral(r: &'a ReferralRow) -> 11 = [
        "INSERT INTO referrals (", referral_columns!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    ] [
        Arg::Text(&r.id), Arg::Text(&r.finding_id), Arg::MaybeText(r.filing_no.as_deref()), Arg::Text(&r.target),
        Arg::MaybeText(r.department.as_deref()), Arg::Text(&r.reason), Arg::Text(&r.referred_on), Arg::Text(&r.at),
        Arg::Text(&r.by_login), Arg::Text(&r.by_name), Arg::Flag(r.late),
    ]
);

query!(referrals_of(filing_no: &'a str) -> 1 = [
    "SELECT ", referral_columns!(), " FROM referrals WHERE filing_no = $1 ORDER BY at, id"
] [Arg::Text(filing_no)]);

/// `($1, …, $n)` and the arguments of `ids` (at most the inspections list's 500).
fn id_list(ids: &[String]) -> (String, Vec<Arg<'_>>) {
    let marks: Vec<String> = (1..=ids.len()).map(|n| format!("${n}")).collect();
    (
        format!("({})", marks.join(", ")),
        ids.iter().map(|i| Arg::Text(i)).collect(),
    )
}

/// The findings of the inspections `ids` (the inspections list's records, issue 14: work found
/// without registration has no filing to read them by), through `findings_inspection` (0011).
pub fn findings_of_inspections(ids: &[String]) -> (String, Vec<Arg<'_>>) {
    let (list, args) = id_list(ids);
    (
        format!(
            "SELECT {} FROM findings WHERE inspection_id IN {list} ORDER BY created_at, id",
            finding_columns!()
        ),
        args,
    )
}

/// The referrals of the findings of the inspections `ids`, through `referrals_finding` (0007).
pub fn referrals_of_inspections(ids: &[String]) -> (String, Vec<Arg<'_>>) {
    let (list, args) = id_list(ids);
    (
        format!(
            "SELECT {} FROM referrals WHERE finding_id IN \
             (SELECT id FROM findings WHERE inspection_id IN {list}) ORDER BY at, id",
            referral_columns!()
        ),
        args,
    )
}

macro_rules! site_record_columns {
    () => {
        "id, filing_no, kind, at, by_role, by_login, by_name, note, documents"
    };
}

query!(
    insert_site_record(r: &'a SiteRecordRow) -> 9 = [
        "INSERT INTO site_records (", site_record_columns!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    ] [
        Arg::Text(&r.id), Arg::Text(&r.filing_no), Arg::Text(&r.kind), Arg::Text(&r.at), Arg::Text(&r.by_role),
        Arg::MaybeText(r.by_login.as_deref()), Arg::MaybeText(r.by_name.as_deref()),
        Arg::MaybeText(r.note.as_deref()), Arg::Text(&r.documents),
    ]
);

query!(site_records_of(filing_no: &'a str) -> 1 = [
    "SELECT ", site_record_columns!(), " FROM site_records WHERE filing_no = $1 ORDER BY at, id"
] [Arg::Text(filing_no)]);

#[cfg(test)]
pub(super) fn check_all(check: &mut dyn FnMut(&'static Stmt, usize)) {
    let i = InspectionRow {
        id: "i".into(),
        filing_no: None,
        street: "s".into(),
        community: "c".into(),
        area: String::new(),
        departments: String::new(),
        address: None,
        kind: "k".into(),
        due: None,
        status: "due".into(),
        created_at: "t".into(),
        inspected_at: None,
        done_at: None,
        inspector_login: None,
        inspector_name: None,
        answers: None,
        finding_id: None,
    };
    let f = FindingRow {
        id: "f".into(),
        inspection_id: "i".into(),
        filing_no: None,
        street: "s".into(),
        code: "F".into(),
        item: None,
        note: "n".into(),
        found_on: "d".into(),
        rectify_by: None,
        status: "open".into(),
        escalation: None,
        created_at: "t".into(),
        updated_at: "t".into(),
        version: 1,
    };
    let r = RectificationRow {
        id: "r".into(),
        finding_id: "f".into(),
        filing_no: "F-1".into(),
        at: "t".into(),
        by_role: "applicant".into(),
        note: "n".into(),
        photos: "[]".into(),
        decision: None,
        reason: None,
        decided_by: None,
        decided_at: None,
    };
    let x = ReferralRow {
        id: "x".into(),
        finding_id: "f".into(),
        filing_no: None,
        target: "REF".into(),
        department: None,
        reason: "r".into(),
        referred_on: "d".into(),
        at: "t".into(),
        by_login: "l".into(),
        by_name: "n".into(),
        late: false,
    };
    let sr = SiteRecordRow {
        id: "s".into(),
        filing_no: "F-1".into(),
        kind: "site_photos".into(),
        at: "t".into(),
        by_role: "contractor".into(),
        by_login: None,
        by_name: None,
        note: None,
        documents: "[]".into(),
    };
    macro_rules! each {
        ($($q:expr),*) => {$( { let q = $q; check(q.stmt, q.args.len()); } )*};
    }
    each!(
        insert_inspection(&i),
        complete_inspection(&i),
        inspections_of("F"),
        insert_finding(&f),
        put_finding(&f),
        findings_of("F"),
        finding_by_id("f"),
        insert_rectification(&r),
        decide_rectification(&r),
        rectifications_of("F"),
        insert_referral(&x),
        referrals_of("F"),
        insert_site_record(&sr),
        site_records_of("F")
    );
}
