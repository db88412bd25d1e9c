//! `anbei assess`: batch pre-screening. Reads one facts object per stdin line and writes one §8 result
//! per stdout line, in order, streaming in constant memory. A bad line yields `{"error": {...}}` on its
//! own line (with its line number) and processing continues; the exit status is 1 if any line was bad.

use anbei_core::{Date, Engine, FactsError};
use serde::Serialize;
use std::io::{self, BufRead, BufWriter, Read, Write};
use std::process::ExitCode;

/// Lines longer than this are refused (and skipped) so memory stays bounded whatever the input.
pub const MAX_LINE: usize = 1 << 20;

#[derive(Serialize)]
struct ErrorLine<'a> {
    error: ErrorBody<'a>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    line: u64,
    #[serde(flatten)]
    facts: &'a FactsError,
}

/// Today in Asia/Shanghai (UTC+8, no daylight saving) from the system clock.
pub fn today_shanghai() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = ((secs + 8 * 3600) / 86_400) as i32;
    Date::from_ymd(1970, 1, 1)
        .map(|d| d.add_days(days))
        .unwrap_or_else(|| Date::parse("2000-01-01").unwrap_or(epoch()))
}

fn epoch() -> Date {
    // Unreachable: 1970-01-01 exists.
    Date::parse("1970-01-01").unwrap_or_else(epoch)
}

pub fn run(args: &[String]) -> ExitCode {
    let mut today = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--today" => match it.next().and_then(|s| Date::parse(s)) {
                Some(d) => today = Some(d),
                None => {
                    eprintln!("anbei assess: --today needs a date YYYY-MM-DD");
                    return ExitCode::from(2);
                }
            },
            "-h" | "--help" => {
                println!(
                    "anbei assess [--today YYYY-MM-DD]\n  Reads one facts object (JSON) per line on stdin and writes one result per line on stdout.\n  A bad line yields {{\"error\": {{...}}}} on its line; exit status 1 if any line was bad."
                );
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("anbei assess: unknown argument {other}");
                return ExitCode::from(2);
            }
        }
    }
    let engine = match Engine::embedded() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("anbei assess: {e}");
            return ExitCode::from(2);
        }
    };
    let today = today.unwrap_or_else(today_shanghai);
    let stdin = io::stdin();
    let stdout = io::stdout().lock();
    match stream(&engine, today, stdin, stdout) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("anbei assess: {e}");
            ExitCode::from(2)
        }
    }
}

/// Streams `input` to `output`; returns how many lines were bad. Output is flushed whenever the input
/// has nothing more buffered, so an interactive producer gets each answer at once while a bulk batch is
/// written in large blocks.
pub fn stream<R: Read, W: Write>(
    engine: &Engine,
    today: Date,
    input: R,
    output: W,
) -> io::Result<u64> {
    let mut input = io::BufReader::with_capacity(1 << 16, input);
    let mut out = BufWriter::with_capacity(1 << 16, output);
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    let mut line_no = 0u64;
    let mut bad = 0u64;
    let mut json = String::with_capacity(8192);
    loop {
        buf.clear();
        if input.buffer().is_empty() {
            out.flush()?;
        }
        let n = (&mut input)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut buf)?;
        if n == 0 {
            break;
        }
        line_no += 1;
        let too_long = buf.len() > MAX_LINE && buf.last() != Some(&b'\n');
        if too_long {
            // Skip the rest of the line without keeping it.
            let mut sink = Vec::new();
            loop {
                sink.clear();
                let m = (&mut input).take(1 << 16).read_until(b'\n', &mut sink)?;
                if m == 0 || sink.last() == Some(&b'\n') {
                    break;
                }
            }
        }
        while matches!(buf.last(), Some(b'\n' | b'\r')) {
            buf.pop();
        }
        let result = if too_long {
            Err(FactsError::json(&format!(
                "line longer than {MAX_LINE} bytes"
            )))
        } else {
            match std::str::from_utf8(&buf) {
                Ok(s) if s.trim().is_empty() => {
                    Err(FactsError::json("empty line: expected one facts object"))
                }
                Ok(s) => engine.parse_json(s, today),
                Err(_) => Err(FactsError::json("line is not UTF-8")),
            }
        };
        match result {
            Ok(facts) => {
                json.clear();
                engine.assess(&facts).write_json(&mut json);
                out.write_all(json.as_bytes())?;
            }
            Err(e) => {
                bad += 1;
                serde_json::to_writer(
                    &mut out,
                    &ErrorLine {
                        error: ErrorBody {
                            line: line_no,
                            facts: &e,
                        },
                    },
                )?;
            }
        }
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(bad)
}
