#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions
//! `anbei assess` (issue 2): one result per input line, in order; bad lines answered with an error on their
//! own line while processing continues; exit status 1 if any line was bad; answers stream as lines arrive.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};

/// `anbei assess` on a fixed day, its stdin and stdout piped.
fn spawn_assess() -> (Child, ChildStdin) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_anbei"))
        .args(["assess", "--today", "2026-11-23"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    (child, stdin)
}

fn run(input: &str) -> (Vec<serde_json::Value>, i32) {
    let (child, mut stdin) = spawn_assess();
    let text = input.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    let lines = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (lines, out.status.code().unwrap())
}

const STREETS: [&str; 11] = [
    "pinghu",
    "bantian",
    "buji",
    "nanwan",
    "jihua",
    "henggang",
    "yuanshan",
    "longgang",
    "longcheng",
    "baolong",
    "pingdi",
];

#[test]
fn one_result_per_line_in_order() {
    let input: String = (0..2000)
        .map(|i| format!("{{\"activity\":\"odd_signage\",\"illegal_addition\":false,\"street\":\"{}\",\"hot_work\":{},\"venue\":\"shop\"}}\n", STREETS[i % 11], i % 2 == 0))
        .collect();
    let (out, code) = run(&input);
    assert_eq!(code, 0);
    assert_eq!(out.len(), 2000);
    for (i, r) in out.iter().enumerate() {
        assert_eq!(r["street_office"], STREETS[i % 11], "line {}", i + 1);
        assert_eq!(
            r["risk_factors"]
                .as_array()
                .unwrap()
                .contains(&"hot_work".into()),
            i % 2 == 0,
            "line {}",
            i + 1
        );
    }
}

#[test]
fn bad_lines_get_an_error_on_their_line_and_processing_continues() {
    let input = concat!(
        "{\"activity\":\"odd_equipment\",\"public_area\":false,\"illegal_addition\":false}\n",
        "not json\n",
        "\n",
        "{\"activity\":\"residential_decoration\",\"contract_amount_yuan\":-5,\"hot_work\":\"y\"}\n",
        "[1,2]\n",
        "{\"activity\":\"odd_facade\",\"illegal_addition\":false}\r\n",
    );
    let (out, code) = run(input);
    assert_eq!(code, 1, "exit status 1 when any line was bad");
    assert_eq!(out.len(), 6);
    assert_eq!(out[0]["scope"], "EXCLUDED_PRIVATE_ODD_JOB");
    assert_eq!(out[1]["error"]["line"], 2);
    assert_eq!(out[1]["error"]["fields"][0]["rule"], "json");
    assert_eq!(out[2]["error"]["line"], 3);
    assert_eq!(out[3]["error"]["line"], 4);
    let rules: Vec<&str> = out[3]["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        ["range", "type"],
        "every problem of the line at once"
    );
    assert_eq!(out[4]["error"]["fields"][0]["rule"], "not_an_object");
    assert_eq!(
        out[5]["scope"], "SPORADIC_WORK",
        "processing continued after the bad lines"
    );
}

#[test]
fn an_oversized_line_is_refused_without_stopping() {
    let huge = format!("{{\"activity\":\"{}\"}}\n", "x".repeat(2 << 20));
    let input = format!("{huge}{{\"activity\":\"odd_signage\"}}\n");
    let (out, code) = run(&input);
    assert_eq!(code, 1);
    assert_eq!(out.len(), 2);
    assert!(
        out[0]["error"]["fields"][0]["message"]["en"]
            .as_str()
            .unwrap()
            .contains("longer than")
    );
    assert_eq!(out[1]["activity"], "odd_signage");
}

#[test]
fn answers_stream_before_the_input_ends() {
    let (mut child, mut stdin) = spawn_assess();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    for street in ["buji", "pingdi"] {
        writeln!(
            stdin,
            "{{\"activity\":\"odd_signage\",\"street\":\"{street}\",\"illegal_addition\":false}}"
        )
        .unwrap();
        stdin.flush().unwrap();
        // stdin is still open: the answer must arrive anyway.
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["street_office"], street);
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}
