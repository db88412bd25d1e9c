//! Numbered migrations per backend (`api/migrations/{sqlite,postgres}/NNNN_name.sql`), embedded at build
//! time and applied in order at start; applied ones are recorded in `anbei_migrations`.

/// `(version, name, sql)`.
pub type Migration = (i64, &'static str, &'static str);

pub const SQLITE: &[Migration] = &[(
    1,
    "init",
    include_str!("../../migrations/sqlite/0001_init.sql"),
)];

pub const POSTGRES: &[Migration] = &[
    (
        1,
        "init",
        include_str!("../../migrations/postgres/0001_init.sql"),
    ),
    (
        2,
        "ledger_order",
        include_str!("../../migrations/postgres/0002_ledger_order.sql"),
    ),
];

pub const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS anbei_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
