//! Stopping without losing anything: on SIGTERM (systemd, a container runtime) or SIGINT (Ctrl-C) the
//! service stops accepting connections, lets every request already received finish — a filing waiting
//! for its group commit is answered once that commit is durable — and exits 0; if that takes longer than
//! `--shutdown-timeout`, it exits with an error instead of hanging (the supervisor then kills it: the
//! group commit makes a filing durable before it is acknowledged, so nothing acknowledged is lost).

use crate::app::Application;
use std::time::{Duration, Instant};

/// Default `--shutdown-timeout`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// Resolves at the first SIGTERM or SIGINT, naming it.
pub async fn signal() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => tokio::select! {
                _ = term.recv() => "SIGTERM",
                _ = tokio::signal::ctrl_c() => "SIGINT",
            },
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                "SIGINT"
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "SIGINT"
    }
}

/// Serves until a signal, then drains within `timeout`.
pub async fn serve(app: Application, timeout: Duration) -> Result<(), String> {
    let (tx, rx) = tokio::sync::oneshot::channel::<Instant>();
    let signalled = std::sync::Arc::new(std::sync::OnceLock::<Instant>::new());
    let at = signalled.clone();
    let server = app.run_until(async move {
        let sig = signal().await;
        tracing::info!(
            signal = sig,
            in_flight = super::metrics::in_flight(),
            "draining: no new connections; finishing the requests in flight"
        );
        let now = Instant::now();
        let _ = at.set(now);
        let _ = tx.send(now);
    });
    tokio::pin!(server);
    let deadline = async {
        match rx.await {
            Ok(_) => tokio::time::sleep(timeout).await,
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        r = &mut server => {
            r.map_err(|e| e.to_string())?;
            tracing::info!(
                drain_ms = signalled.get().map_or(0, |t| t.elapsed().as_millis() as u64),
                "drained: every request answered, stopped"
            );
            Ok(())
        }
        () = deadline => Err(format!(
            "requests still in flight after --shutdown-timeout {} s ({} left); stopping anyway",
            timeout.as_secs(),
            super::metrics::in_flight()
        )),
    }
}
