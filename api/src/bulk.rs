//! Bulk work — formatting the ledger for an export — on one low-priority thread of its own. (The pages
//! themselves are read at normal priority, short: a read starved here would hold a SQLite WAL snapshot;
//! see `SqliteStore::ledger_page`.)
//!
//! A 100,000-row CSV export is seconds of CPU. Run at normal priority on a 2-core machine it takes a
//! core away from filings and pushes their p99 far past the API's 50 ms. On its own thread under the
//! Linux `SCHED_IDLE` policy, the kernel gives it only what filings leave over: a request thread that
//! wakes up always preempts it at once. (A nice value of 10, used before, still let the export keep a
//! core for a few milliseconds at a time: 40 % of a core went to it while filings ran closed-loop, and
//! receipts/s fell from ~6,600 to ~4,500.) The export takes longer when the service is busy; it never
//! stops (the kernel still gives idle-policy threads a sliver when the machine is saturated). Tasks run
//! one at a time, in order.

use std::sync::mpsc;

type Task = Box<dyn FnOnce() + Send>;

pub struct Bulk {
    tx: mpsc::Sender<Task>,
}

/// Where `SCHED_IDLE` is refused, how much lower than the rest of the process bulk work runs
/// (Linux `nice`, 0–19).
pub const NICE: i32 = 10;

impl Bulk {
    /// Starts the thread (named `name`).
    pub fn start(name: &str) -> Result<Bulk, String> {
        let (tx, rx) = mpsc::channel::<Task>();
        std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                lower_priority();
                while let Ok(task) = rx.recv() {
                    task();
                }
            })
            .map_err(|e| format!("cannot start the {name} thread: {e}"))?;
        Ok(Bulk { tx })
    }

    /// Runs `f` on the bulk thread and waits for its result without blocking the async runtime.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, String> {
        let (otx, orx) = tokio::sync::oneshot::channel();
        self.tx
            .send(Box::new(move || {
                let _ = otx.send(f());
            }))
            .map_err(|_| "the bulk thread has stopped".to_owned())?;
        orx.await
            .map_err(|_| "the bulk thread dropped a task".to_owned())
    }
}

/// Puts this thread under `SCHED_IDLE` (falling back to a nice value of [`NICE`]). Linux threads are
/// scheduled on their own: only this one changes.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: plain syscalls on the calling thread; `param` outlives the call.
        let r = unsafe {
            let tid = libc::syscall(libc::SYS_gettid) as libc::pid_t;
            let param = libc::sched_param { sched_priority: 0 };
            if libc::sched_setscheduler(tid, libc::SCHED_IDLE, &param) == 0 {
                0
            } else {
                libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, NICE)
            }
        };
        if r != 0 {
            tracing::warn!(
                "could not lower the priority of the bulk thread; exports compete with filings"
            );
        }
    }
}

/// This thread's scheduling policy (Linux), for tests.
#[cfg(all(test, target_os = "linux"))]
fn current_policy() -> i32 {
    // SAFETY: a plain syscall on the calling thread.
    unsafe { libc::sched_getscheduler(libc::syscall(libc::SYS_gettid) as libc::pid_t) }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[tokio::test]
    async fn bulk_work_runs_only_when_nothing_else_wants_the_cpu() {
        let here = current_policy();
        let b = Bulk::start("anbei-bulk-test").unwrap();
        let there = b.run(current_policy).await.unwrap();
        assert_eq!(there, libc::SCHED_IDLE, "bulk thread policy {there}");
        assert_eq!(
            current_policy(),
            here,
            "the caller's own policy must not change"
        );
        assert_ne!(here, libc::SCHED_IDLE);
        assert_eq!(b.run(|| 6 * 7).await.unwrap(), 42);
    }
}
