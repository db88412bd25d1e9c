//! The batch sheet as property managers keep it: the template (xlsx, csv), Excel's CSV in UTF-8 with BOM
//! and in GB18030, rows pasted from a sheet, every column type, unknown columns, empty rows, bad values,
//! inline answers, the results workbook read back, and 10,000 rows.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns

use anbei_batch::output::{self, RESULT_COLUMNS};
use anbei_batch::sheet::columns;
use anbei_batch::{Batch, Lang, Outcome, read_file, text, xlsx};
use anbei_core::facts::Raw;
use anbei_core::{Code, Date, Engine, Fact};

fn engine() -> Engine {
    Engine::embedded().expect("embedded rule data")
}
fn today() -> Date {
    Date::parse("2026-05-06").expect("date")
}
fn gb(bytes: &[u8]) -> String {
    encoding_rs::GB18030.decode(bytes).0.into_owned()
}
fn no_gb(_: &[u8]) -> String {
    panic!("not expected to be GB18030")
}
fn fact<'a>(b: &'a Batch<'_>, row: usize, f: Fact) -> Option<&'a Raw> {
    b.rows[row]
        .facts
        .iter()
        .find(|(k, _)| *k == f)
        .map(|(_, v)| v)
}

/// The header rows of the template, then `jobs` (cells by column key).
fn sheet(jobs: &[&[(&str, &str)]]) -> Vec<Vec<String>> {
    let defs = columns();
    let mut rows = vec![
        defs.iter().map(|d| d.zh.to_string()).collect::<Vec<_>>(),
        defs.iter().map(|d| d.en.to_string()).collect(),
    ];
    for j in jobs {
        rows.push(
            defs.iter()
                .map(|d| {
                    j.iter()
                        .find(|(k, _)| *k == d.key)
                        .map_or("", |(_, v)| *v)
                        .to_string()
                })
                .collect(),
        );
    }
    rows
}

const FACADE: &[(&str, &str)] = &[
    ("ref", "WO-1"),
    ("activity", "外墙清洗、修补、屋面检修"),
    ("public_area", "是"),
    ("contract_amount_yuan", "8万"),
    ("work_at_height", "Y"),
    ("suspended_work", "是"),
];

#[test]
fn the_template_xlsx_reads_back_with_both_header_rows_and_no_unknown_column() {
    let e = engine();
    let book = output::template_xlsx(&e, today());
    let rows = read_file(&book, no_gb).expect("template reads");
    let b = Batch::new(&e, today(), rows);
    assert_eq!(
        b.layout.header_rows, 2,
        "the English row is a header, not a job"
    );
    assert!(b.layout.unknown.is_empty(), "{:?}", b.layout.unknown);
    assert_eq!(b.layout.map.iter().flatten().count(), columns().len());
    assert_eq!(b.rows.len(), 1, "the example job");
    assert_eq!(
        fact(&b, 0, Fact::activity),
        Some(&Raw::Str("odd_facade".into()))
    );
    assert_eq!(
        fact(&b, 0, Fact::contract_amount_yuan),
        Some(&Raw::Num(80_000.0))
    );
    assert_eq!(fact(&b, 0, Fact::street), Some(&Raw::Str("bantian".into())));
    // the second sheet lists every column's allowed values, activities by name and code
    let z = anbei_batch::zip::Archive::open(&book).expect("zip");
    let values =
        String::from_utf8(z.read("xl/worksheets/sheet2.xml").expect("sheet 2")).expect("utf8");
    assert!(values.contains(
        "外墙清洗、修补、屋面检修 / Facade cleaning, patching or roof repair (odd_facade)"
    ));
    assert!(values.contains("是 / 否"));
    for d in columns() {
        assert!(
            values.contains(d.zh),
            "{} missing from the allowed values",
            d.key
        );
    }
}

#[test]
fn excel_csv_in_utf8_with_bom_and_in_gb18030_read_the_same() {
    let e = engine();
    let csv = text::to_csv(&sheet(&[FACADE]));
    assert!(csv.starts_with('\u{feff}'));
    let utf8 = read_file(csv.as_bytes(), no_gb).expect("utf-8");
    let (gbytes, _, bad) = encoding_rs::GB18030.encode(csv.trim_start_matches('\u{feff}'));
    assert!(!bad);
    assert!(
        std::str::from_utf8(&gbytes).is_err(),
        "really GB18030 bytes"
    );
    let gbk = read_file(&gbytes, gb).expect("gb18030");
    assert_eq!(utf8, gbk);
    let b = Batch::new(&e, today(), gbk);
    assert_eq!(b.rows.len(), 1);
    assert_eq!(
        fact(&b, 0, Fact::activity),
        Some(&Raw::Str("odd_facade".into()))
    );
    assert_eq!(fact(&b, 0, Fact::work_at_height), Some(&Raw::Bool(true)));
    // the template CSV too
    let t = read_file(output::template_csv().as_bytes(), no_gb).expect("template csv");
    assert_eq!(Batch::new(&e, today(), t).layout.header_rows, 2);
}

#[test]
fn rows_pasted_from_a_sheet_are_tab_separated() {
    let e = engine();
    let pasted = "作业类型\t合同金额（元）\t高处作业\n户外广告及门楣招牌\t80,000\t否\n";
    let b = Batch::new(&e, today(), text::rows(pasted));
    assert_eq!(b.layout.header_rows, 1);
    assert_eq!(
        fact(&b, 0, Fact::activity),
        Some(&Raw::Str("odd_signage".into()))
    );
    assert_eq!(
        fact(&b, 0, Fact::contract_amount_yuan),
        Some(&Raw::Num(80_000.0))
    );
    assert_eq!(fact(&b, 0, Fact::work_at_height), Some(&Raw::Bool(false)));
}

#[test]
fn every_column_type_reads() {
    let e = engine();
    let rows = sheet(&[
        &[
            ("activity", "odd_signage"),
            ("public_area", "Y"),
            ("emergency_rescue", "false"),
            ("temporary_building", "0"),
            ("contract_amount_yuan", "42万元"),
            ("construction_area_m2", "无"),
            ("excavation_depth_m", "3.5"),
            ("elevator_work", "add"),
            ("venue", "Hospital or community health centre"),
            ("street", "bantian"),
            ("registration_date", "2026-05-08"),
        ],
        &[
            ("activity", "Home interior decoration"),
            ("venue", "医院门诊楼、病房楼、社康中心"),
            ("street", "布吉街道"),
            ("registration_date", "46150"),
        ],
    ]);
    let b = Batch::new(&e, today(), rows);
    assert_eq!(
        fact(&b, 0, Fact::activity),
        Some(&Raw::Str("odd_signage".into()))
    );
    assert_eq!(fact(&b, 0, Fact::public_area), Some(&Raw::Bool(true)));
    assert_eq!(fact(&b, 0, Fact::emergency_rescue), Some(&Raw::Bool(false)));
    assert_eq!(
        fact(&b, 0, Fact::temporary_building),
        Some(&Raw::Bool(false))
    );
    assert_eq!(
        fact(&b, 0, Fact::contract_amount_yuan),
        Some(&Raw::Num(420_000.0))
    );
    assert_eq!(fact(&b, 0, Fact::construction_area_m2), Some(&Raw::Null));
    assert_eq!(fact(&b, 0, Fact::excavation_depth_m), Some(&Raw::Num(3.5)));
    assert_eq!(
        fact(&b, 0, Fact::elevator_work),
        Some(&Raw::Str("add".into()))
    );
    assert_eq!(fact(&b, 0, Fact::venue), Some(&Raw::Str("hospital".into())));
    assert_eq!(
        fact(&b, 0, Fact::registration_date),
        Some(&Raw::Str("2026-05-08".into()))
    );
    assert_eq!(
        fact(&b, 1, Fact::activity),
        Some(&Raw::Str("residential_decoration".into()))
    );
    assert_eq!(fact(&b, 1, Fact::venue), Some(&Raw::Str("hospital".into())));
    assert_eq!(fact(&b, 1, Fact::street), Some(&Raw::Str("buji".into())));
    // an Excel date cell (serial day 46150) is 2026-05-08
    assert_eq!(
        fact(&b, 1, Fact::registration_date),
        Some(&Raw::Str("2026-05-08".into()))
    );
}

#[test]
fn unknown_columns_are_reported_and_empty_rows_skipped() {
    let e = engine();
    let mut rows = sheet(&[FACADE, &[], FACADE]);
    rows[0].push("备注".into());
    rows[1].push("Remarks".into());
    rows.insert(3, vec![String::new(), "  ".into()]);
    let b = Batch::new(&e, today(), rows);
    assert_eq!(
        b.layout.unknown,
        vec![(columns().len(), "备注".to_string())]
    );
    assert_eq!(b.empty_rows, 2);
    assert_eq!(b.rows.len(), 2);
    assert_eq!(
        b.rows[1].line, 6,
        "sheet row numbers are kept for the report"
    );
    let html = anbei_batch::render::summary_html(&b, Lang::Zh);
    assert!(html.contains("无法识别的列（未使用）：备注"), "{html}");
}

#[test]
fn a_bad_value_marks_its_row_with_column_value_and_rule_and_the_others_are_decided() {
    let e = engine();
    let b = Batch::new(
        &e,
        today(),
        sheet(&[
            &[
                ("activity", "外墙清洗、修补、屋面检修"),
                ("work_at_height", "maybe"),
            ],
            FACADE,
            &[("activity", "挖掘机表演")],
            &[("activity", "odd_facade"), ("excavation_depth_m", "-3")],
        ]),
    );
    let Outcome::Invalid(errs) = &b.rows[0].outcome else {
        panic!("row 1 must be invalid")
    };
    assert_eq!(
        (
            errs[0].column.as_str(),
            errs[0].value.as_str(),
            errs[0].rule
        ),
        ("高处作业", "maybe", "yes_no")
    );
    assert!(errs[0].message.en.contains("yes/no"));
    assert!(
        b.rows[1].decision().is_some(),
        "the next row is still decided"
    );
    let Outcome::Invalid(errs) = &b.rows[2].outcome else {
        panic!("unknown activity")
    };
    assert_eq!(errs[0].rule, "code");
    // a range the core refuses, reported against the sheet's column
    let Outcome::Invalid(errs) = &b.rows[3].outcome else {
        panic!("negative depth")
    };
    assert_eq!(
        (errs[0].column.as_str(), errs[0].value.as_str()),
        ("开挖深度（米）", "-3")
    );
    assert_eq!(b.counts().invalid, 3);
}

#[test]
fn a_row_is_completed_inline_with_the_questions_of_the_interview() {
    let e = engine();
    let mut b = Batch::new(
        &e,
        today(),
        text::rows("作业类型\n外墙清洗、修补、屋面检修\n"),
    );
    assert!(b.rows[0].is_incomplete());
    let mut asked = 0;
    while let Some(f) = output::next_question(&b.rows[0]) {
        let spec_ty = e.ruleset_for(today()).spec(f).ty.clone();
        let answer = match spec_ty.as_str() {
            "bool" => "否",
            "number" => "1万",
            _ => anbei_batch::sheet::Reader::choices(&e, today(), f)[0]
                .0
                .clone()
                .leak(),
        };
        assert!(b.answer(0, f, answer).is_ok(), "{}", f.key());
        asked += 1;
        assert!(asked < 60, "the interview ends");
    }
    let d = b.rows[0].decision().expect("decided");
    assert!(d.missing.is_empty());
    assert!(d.scope.is_some());
    // answers without a column got one, so the download has them
    assert!(b.head[0].len() > 1 && b.column_of("illegal_addition").is_some());
    let last = b.head[0].last().map(String::as_str);
    assert!(columns().iter().any(|c| Some(c.zh) == last), "{last:?}");
    // a bad inline answer is refused with the rule
    let mut b2 = Batch::new(
        &e,
        today(),
        text::rows("作业类型\n外墙清洗、修补、屋面检修\n"),
    );
    assert_eq!(
        b2.answer(0, Fact::public_area, "也许").map_err(|e| e.rule),
        Err("yes_no")
    );
}

#[test]
fn the_results_workbook_reads_back_with_its_result_columns_and_summary() {
    let e = engine();
    let b = Batch::new(&e, today(), sheet(&[FACADE, &[("activity", "nope")]]));
    let book = output::results_xlsx(&b, Lang::Zh, "https://x.invalid");
    let rows = xlsx::read_rows(&book).expect("reads");
    let n = columns().len();
    assert_eq!(rows[0][n], "结论");
    assert_eq!(rows[1][n], "Scope");
    assert_eq!(rows[2][0], "WO-1");
    assert_eq!(
        rows[2][n + RESULT_COLUMNS.len() - 1].split('#').next(),
        Some("https://x.invalid/")
    );
    assert!(rows[2][n + RESULT_COLUMNS.len() - 1].contains("#anbei=1~0odd_facade"));
    assert!(!rows[2][n].is_empty(), "a scope or 待定");
    assert!(
        rows[3][n + 7].contains("作业类型 “nope”"),
        "{}",
        rows[3][n + 7]
    );
    let z = anbei_batch::zip::Archive::open(&book).expect("zip");
    let summary =
        String::from_utf8(z.read("xl/worksheets/sheet2.xml").expect("summary")).expect("utf8");
    assert!(summary.contains("有错误的行"));
    // and the CSV the same columns
    let csv = text::rows(&output::results_csv(&b, Lang::En, ""));
    assert_eq!(csv[0].len(), n + RESULT_COLUMNS.len());
    assert_eq!(csv[1][n + 7], "Errors");
}

#[test]
fn ten_thousand_rows_read_and_decide() {
    let e = engine();
    let jobs: Vec<&[(&str, &str)]> = (0..10_000).map(|_| FACADE).collect();
    let book = xlsx::write(&[xlsx::Sheet {
        name: "jobs".into(),
        rows: sheet(&jobs)
            .into_iter()
            .map(|r| r.into_iter().map(xlsx::Cell::Text).collect())
            .collect(),
        header_rows: 2,
    }]);
    let b = Batch::new(&e, today(), read_file(&book, no_gb).expect("reads"));
    assert_eq!(b.rows.len(), 10_000);
    assert_eq!(b.counts().total, 10_000);
    assert_eq!(b.rows[9_999].line, 10_002);
    assert!(b.rows.iter().all(|r| r.decision().is_some()));
    assert_eq!(anbei_batch::render::pages(&b, false), 200);
}

#[test]
fn the_share_link_opens_the_interview_with_the_rows_answers() {
    let e = engine();
    let b = Batch::new(&e, today(), sheet(&[FACADE]));
    let frag = b.rows[0].share_fragment();
    let back = anbei_core::share::decode(&frag).expect("decodes");
    assert!(
        back.answers.iter().any(|(k, v)| k == "contract_amount_yuan"
            && *v == anbei_core::share::ShareValue::Num(80_000.0))
    );
    assert!(back.answers.iter().any(|(k, _)| k == "activity"));
    let _ = Code::SPORADIC_WORK;
}

#[test]
fn a_row_opened_in_the_interview_is_brought_back_by_its_share_link() {
    let e = engine();
    let mut b = Batch::new(
        &e,
        today(),
        sheet(&[&[("ref", "WO-9"), ("activity", "外墙清洗、修补、屋面检修")]]),
    );
    assert!(b.rows[0].is_incomplete());
    // the interview's share link after every answer was given there (the corpus's row A01)
    let full = Batch::new(
        &e,
        today(),
        sheet(&[
            FACADE,
            &[
                ("activity", "odd_facade"),
                ("public_area", "是"),
                ("contract_amount_yuan", "8万"),
                ("illegal_addition", "否"),
                ("earthwork", "否"),
                ("lifting", "否"),
                ("welding", "否"),
                ("hot_work", "否"),
                ("confined_space", "否"),
                ("work_at_height", "是"),
                ("electrical_work", "否"),
                ("other_special_operation", "否"),
                ("temporary_electricity", "否"),
                ("suspended_work", "是"),
                ("demolition", "否"),
                ("other_dangerous_work", "否"),
                ("hazardous_chemicals", "否"),
                ("venue", "residential"),
                ("property_managed", "是"),
                ("closed_managed_site", "否"),
                ("street", "bantian"),
            ],
        ]),
    );
    assert!(
        full.rows[1]
            .decision()
            .is_some_and(|d| d.missing.is_empty()),
        "the interview's answers decide it"
    );
    let link = format!("http://127.0.0.1:8080/#{}", full.rows[1].share_fragment());
    let n = b.bring_back(0, &link).expect("a share link");
    assert!(n >= 20, "{n} answers taken");
    let d = b.rows[0].decision().expect("decided");
    assert!(d.missing.is_empty(), "{:?}", d.missing);
    assert_eq!(d.scope, Some(Code::SPORADIC_WORK));
    assert_eq!(b.rows[0].cells[0], "WO-9", "the row's own columns stay");
    assert!(b.bring_back(0, "https://example.invalid/#other").is_err());
}
