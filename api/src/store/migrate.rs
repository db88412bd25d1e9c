//! Numbered migrations (`api/migrations/NNNN_name.sql` for both backends, `api/migrations/postgres/`
//! and `api/migrations/sqlite/` for one only, where the dialects' JSON functions differ), embedded at build time and applied in order at start; applied ones are
//! recorded in `anbei_migrations`. A shared migration is written once, with `{word}` where the
//! dialects need different words ([`WORDS`]).

use super::sql::Dialect;

/// `(version, name, sql)`.
pub type Migration = (i64, &'static str, &'static str);

const INIT: Migration = (1, "init", include_str!("../../migrations/0001_init.sql"));
const ACCOUNTS: Migration = (
    3,
    "accounts",
    include_str!("../../migrations/0003_accounts.sql"),
);

const OUTBOX: Migration = (
    5,
    "outbox",
    include_str!("../../migrations/0005_outbox.sql"),
);

const INSPECTIONS: Migration = (
    6,
    "inspections",
    include_str!("../../migrations/0006_inspections.sql"),
);

const KEYRING: Migration = (
    8,
    "keyring",
    include_str!("../../migrations/0008_keyring.sql"),
);

const SITE_RECORDS: Migration = (
    9,
    "site_records",
    include_str!("../../migrations/0009_site_records.sql"),
);

const ACCOUNT_EMAIL: Migration = (
    10,
    "account_email",
    include_str!("../../migrations/0010_account_email.sql"),
);

const FINDING_LOOKUPS: Migration = (
    11,
    "finding_lookups",
    include_str!("../../migrations/0011_finding_lookups.sql"),
);

const RECEIPT_BINDING: Migration = (
    12,
    "receipt_binding",
    include_str!("../../migrations/0012_receipt_binding.sql"),
);

const FOLLOW_UP: Migration = (
    14,
    "follow_up",
    include_str!("../../migrations/0014_follow_up.sql"),
);

pub const SQLITE: &[Migration] = &[
    INIT,
    ACCOUNTS,
    (
        4,
        "backfill",
        include_str!("../../migrations/sqlite/0004_backfill.sql"),
    ),
    OUTBOX,
    INSPECTIONS,
    (
        7,
        "statistics",
        include_str!("../../migrations/sqlite/0007_statistics.sql"),
    ),
    KEYRING,
    SITE_RECORDS,
    ACCOUNT_EMAIL,
    FINDING_LOOKUPS,
    RECEIPT_BINDING,
    FOLLOW_UP,
    (
        16,
        "retention",
        include_str!("../../migrations/sqlite/0016_retention.sql"),
    ),
    (
        17,
        "filing_refs",
        include_str!("../../migrations/sqlite/0017_filing_refs.sql"),
    ),
];

pub const POSTGRES: &[Migration] = &[
    INIT,
    (
        2,
        "ledger_order",
        include_str!("../../migrations/postgres/0002_ledger_order.sql"),
    ),
    ACCOUNTS,
    (
        4,
        "backfill",
        include_str!("../../migrations/postgres/0004_backfill.sql"),
    ),
    OUTBOX,
    INSPECTIONS,
    (
        7,
        "statistics",
        include_str!("../../migrations/postgres/0007_statistics.sql"),
    ),
    KEYRING,
    SITE_RECORDS,
    ACCOUNT_EMAIL,
    FINDING_LOOKUPS,
    RECEIPT_BINDING,
    (
        13,
        "upload_blobs",
        include_str!("../../migrations/postgres/0013_upload_blobs.sql"),
    ),
    FOLLOW_UP,
    (
        16,
        "retention",
        include_str!("../../migrations/postgres/0016_retention.sql"),
    ),
    (
        17,
        "filing_refs",
        include_str!("../../migrations/postgres/0017_filing_refs.sql"),
    ),
    (
        18,
        "audit_head",
        include_str!("../../migrations/postgres/0018_audit_head.sql"),
    ),
    (
        19,
        "instances",
        include_str!("../../migrations/postgres/0019_instances.sql"),
    ),
];

/// The words of the schema that differ: `(placeholder, PostgreSQL, SQLite)`.
pub const WORDS: &[(&str, &str, &str)] = &[
    ("{int}", "BIGINT", "INTEGER"),
    ("{bool}", "BOOLEAN", "INTEGER"),
    // SQLite: an alias of the rowid, numbered by the table itself.
    ("{id}", "BIGSERIAL PRIMARY KEY", "INTEGER PRIMARY KEY"),
    ("{without_rowid}", "", " WITHOUT ROWID"),
];

pub fn migrations(d: Dialect) -> &'static [Migration] {
    match d {
        Dialect::Sqlite => SQLITE,
        Dialect::Postgres => POSTGRES,
    }
}

/// A migration's text for `d`. A `{word}` left over (not in [`WORDS`]) is an error: the migration
/// would not run the same on both backends.
pub fn render(sql: &str, d: Dialect) -> Result<String, String> {
    let mut out = sql.to_owned();
    for (word, pg, lite) in WORDS {
        out = out.replace(
            word,
            match d {
                Dialect::Postgres => pg,
                Dialect::Sqlite => lite,
            },
        );
    }
    match out.find('{') {
        Some(at) => Err(format!(
            "unknown placeholder at {:?}",
            out[at..].chars().take(20).collect::<String>()
        )),
        None => Ok(out),
    }
}

/// The migrations of one backend older than `version`, rendered: what a database made by an earlier
/// version of the service holds (upgrade tests build one with it).
pub fn rendered_before(postgres: bool, version: i64) -> Result<Vec<(i64, String)>, String> {
    let d = if postgres {
        Dialect::Postgres
    } else {
        Dialect::Sqlite
    };
    migrations(d)
        .iter()
        .filter(|(v, _, _)| *v < version)
        .map(|(v, _, sql)| render(sql, d).map(|t| (*v, t)))
        .collect()
}

pub const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS anbei_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";

#[cfg(test)]
mod tests {
    use super::*;

    /// The shared schema renders to what each backend ran before it was shared: the same tables,
    /// with the types each dialect had.
    #[test]
    fn every_migration_renders_for_its_backends() {
        for d in [Dialect::Sqlite, Dialect::Postgres] {
            for (v, name, sql) in migrations(d) {
                let text = render(sql, d).unwrap_or_else(|e| panic!("{v:04}_{name}: {e}"));
                assert!(!text.contains('{'), "{text}");
            }
        }
        let lite = render(INIT.2, Dialect::Sqlite).unwrap();
        assert!(lite.contains(
            "value  INTEGER NOT NULL,\n    PRIMARY KEY (kind, street, day)\n) WITHOUT ROWID;"
        ));
        assert!(lite.contains("id          INTEGER PRIMARY KEY,"));
        assert!(!lite.contains("BOOLEAN") && !lite.contains("BIGINT"));
        let pg = render(INIT.2, Dialect::Postgres).unwrap();
        assert!(pg.contains("id          BIGSERIAL PRIMARY KEY,"));
        assert!(pg.contains("high_risk          BOOLEAN NOT NULL,"));
        assert!(!pg.contains("ROWID"));
        assert!(render("x {float}", Dialect::Sqlite).is_err());
    }
}
