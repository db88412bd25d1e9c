//! Several PostgreSQL hosts in one `DATABASE_URL`, as libpq writes them (issue 17, database failover):
//! `postgres://user@primary:5432,standby:5433/anbei?target_session_attrs=read-write`. sqlx connects to
//! one host only, so the service picks one itself: at start the first host, in order, that answers and
//! (with `read-write`) is not in recovery; then a watcher checks the chosen host every
//! [`WATCH_EVERY`] and, when it stops answering or turns read-only, probes the hosts again and points the
//! pool's new connections at the first writable one (`Pool::set_connect_options`). Connections to the
//! old host fail and are dropped (every idle connection is tested before use). Between the two, requests
//! are answered 503 with `Retry-After` (the database is unavailable); nothing is restarted. Every new
//! connection checks again that it is writable, so a connection never lands on a standby.

use sqlx::postgres::{PgConnectOptions, PgPool};
use sqlx::{ConnectOptions, Connection};
use std::str::FromStr;
use std::time::Duration;

/// How often the chosen host is checked.
pub const WATCH_EVERY: Duration = Duration::from_millis(500);
/// How long one probe of a host may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(1);

/// The hosts of a `DATABASE_URL`, in order.
#[derive(Clone, Debug)]
pub struct Hosts {
    pub options: Vec<PgConnectOptions>,
    /// `target_session_attrs=read-write`: only a host not in recovery is used.
    pub read_write: bool,
}

impl Hosts {
    /// Whether the URL names more than one host (or asks for a writable one): then the watcher runs.
    pub fn watched(&self) -> bool {
        self.options.len() > 1 || self.read_write
    }
}

/// Splits `url` into one set of connect options per host; `target_session_attrs` may be `any`
/// (default) or `read-write`.
pub fn parse(url: &str) -> Result<Hosts, String> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| "DATABASE_URL is not a URL".to_owned())?;
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (user, hosts) = match authority.rsplit_once('@') {
        Some((u, h)) => (format!("{u}@"), h),
        None => (String::new(), authority),
    };
    let (path, query) = tail.split_once('?').unwrap_or((tail, ""));
    let mut read_write = false;
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("target_session_attrs", v)) => match v {
                "any" => read_write = false,
                "read-write" => read_write = true,
                other => {
                    return Err(format!(
                        "target_session_attrs={other} is not supported (any or read-write)"
                    ));
                }
            },
            _ => kept.push(pair),
        }
    }
    let query = if kept.is_empty() {
        String::new()
    } else {
        format!("?{}", kept.join("&"))
    };
    let list: Vec<&str> = hosts.split(',').collect();
    // (`postgres:///db?host=/run/postgresql` names no host in the authority: one empty entry, as before)
    if list.len() > 1 && list.iter().any(|h| h.is_empty()) {
        return Err("DATABASE_URL has an empty host in its host list".to_owned());
    }
    let options = list
        .into_iter()
        .map(|h| {
            PgConnectOptions::from_str(&format!("{scheme}://{user}{h}{path}{query}"))
                .map_err(|e| format!("DATABASE_URL host {h}: {e}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Hosts {
        options,
        read_write,
    })
}

/// Whether the database behind `c` takes writes (is not a standby in recovery).
pub async fn writable(c: &mut sqlx::PgConnection) -> Result<bool, sqlx::Error> {
    let in_recovery: bool = sqlx::query_scalar("SELECT pg_is_in_recovery()")
        .fetch_one(&mut *c)
        .await?;
    Ok(!in_recovery)
}

/// Whether one host answers (and, if `read_write`, takes writes), within [`PROBE_TIMEOUT`].
async fn usable(o: &PgConnectOptions, read_write: bool) -> bool {
    let probe = async {
        let mut c = o.connect().await.ok()?;
        let ok = !read_write || writable(&mut c).await.ok()?;
        let _ = c.close().await;
        Some(ok)
    };
    matches!(
        tokio::time::timeout(PROBE_TIMEOUT, probe).await,
        Ok(Some(true))
    )
}

/// The index of the first usable host, in order.
pub async fn choose(hosts: &Hosts) -> Option<usize> {
    for (i, o) in hosts.options.iter().enumerate() {
        if usable(o, hosts.read_write).await {
            return Some(i);
        }
    }
    None
}

fn describe(o: &PgConnectOptions) -> String {
    format!("{}:{}", o.get_host(), o.get_port())
}

/// Watches the host the pool connects to, and moves the pool to another when it fails (see the module
/// documentation). Runs until the pool is closed.
pub fn watch(
    pool: PgPool,
    hosts: Hosts,
    mut current: usize,
    extra: impl Fn(PgConnectOptions) -> PgConnectOptions + Send + 'static,
) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(WATCH_EVERY).await;
            if pool.is_closed() {
                return;
            }
            if usable(&hosts.options[current], hosts.read_write).await {
                continue;
            }
            tracing::warn!(host = %describe(&hosts.options[current]), "database host unusable: looking for another");
            if let Some(i) = choose(&hosts).await {
                if i != current {
                    tracing::warn!(from = %describe(&hosts.options[current]), to = %describe(&hosts.options[i]),
                        "database failover: new connections go to another host");
                    pool.set_connect_options(extra(hosts.options[i].clone()));
                    current = i;
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_multi_host_url_gives_one_set_of_options_per_host() {
        let h = parse(
            "postgres://anbei:pw@10.0.0.1:5432,10.0.0.2:5433/anbei?sslmode=disable&target_session_attrs=read-write",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(h.read_write && h.watched());
        let hp: Vec<_> = h
            .options
            .iter()
            .map(|o| {
                (
                    o.get_host().to_owned(),
                    o.get_port(),
                    o.get_database().map(str::to_owned),
                )
            })
            .collect();
        assert_eq!(
            hp,
            [
                ("10.0.0.1".to_owned(), 5432, Some("anbei".to_owned())),
                ("10.0.0.2".to_owned(), 5433, Some("anbei".to_owned()))
            ]
        );
        assert_eq!(h.options[1].get_username(), "anbei");
        let one =
            parse("postgres://postgres@127.0.0.1:5432/test").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(one.options.len(), 1);
        assert!(!one.watched());
        assert!(parse("postgres://a,,b/x").is_err());
        let socket =
            parse("postgres:///test?host=/run/postgresql").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(socket.options.len(), 1);
        assert!(parse("postgres://a,b/x?target_session_attrs=standby").is_err());
    }
}
