//! Bulk work — reading and formatting the ledger for an export — on one low-priority thread of its own.
//!
//! A 100,000-row CSV export is seconds of CPU. Run at normal priority on a 2-core machine it takes a
//! core away from filings and pushes their p99 far past the API's 50 ms. On its own thread with a nice
//! value of 10, the kernel gives it what filings leave over: the export takes longer when the service
//! is busy, filings do not notice it. Tasks run one at a time, in order.

use std::sync::mpsc;

type Task = Box<dyn FnOnce() + Send>;

pub struct Bulk {
    tx: mpsc::Sender<Task>,
}

/// How much lower than the rest of the process bulk work runs (Linux `nice`, 0–19).
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

/// Lowers this thread's scheduling priority (Linux threads are scheduled on their own: only this one).
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: plain syscalls on the calling thread; no memory is shared with the kernel.
        let r = unsafe {
            let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
            libc::setpriority(libc::PRIO_PROCESS, tid, NICE)
        };
        if r != 0 {
            tracing::warn!(
                "could not lower the priority of the bulk thread; exports compete with filings"
            );
        }
    }
}

/// This thread's nice value (Linux), for tests.
#[cfg(all(test, target_os = "linux"))]
fn current_nice() -> i32 {
    // SAFETY: as above.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::getpriority(libc::PRIO_PROCESS, tid)
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[tokio::test]
    async fn bulk_work_runs_at_a_lower_priority_than_the_rest() {
        let here = current_nice();
        let b = Bulk::start("anbei-bulk-test").unwrap();
        let there = b.run(current_nice).await.unwrap();
        assert_eq!(
            there,
            (here + NICE).min(19),
            "bulk thread nice {there}, caller {here}"
        );
        assert_eq!(
            current_nice(),
            here,
            "the caller's own priority must not change"
        );
        assert_eq!(b.run(|| 6 * 7).await.unwrap(), 42);
    }
}
