//! `anbei` — the Anbei command line: `anbei assess` (batch pre-screening). `anbei serve` and
//! `anbei officer` live in the service modules.

use std::process::ExitCode;

mod assess_cmd;

fn usage() -> &'static str {
    "usage:\n  anbei assess [--today YYYY-MM-DD]   one facts object per stdin line → one result per stdout line\n"
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("assess") => assess_cmd::run(&args[1..]),
        _ => {
            eprint!("{}", usage());
            ExitCode::from(2)
        }
    }
}
