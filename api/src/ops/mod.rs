//! Running the service for real (issue 17, Operations): `GET /metrics` ([`metrics`]), request ids and
//! JSON logs without personal data ([`logging`]), draining on SIGTERM ([`drain`]) and the SQLite
//! backup and restore commands ([`backup`]).

pub mod backup;
pub mod drain;
pub mod logging;
pub mod metrics;
