//! Slow-client guard (slowloris): every accepted connection gets a deadline. From the first byte of a
//! request until the server starts answering it, at most [`request_deadline`] may pass (default 60 s,
//! `ANBEI_REQUEST_TIMEOUT_S`): enough for a 10 MB upload at ~1.5 Mbit/s, while a client dribbling its
//! headers or body byte by byte is cut off. An idle keep-alive connection is closed after
//! [`IDLE_TIMEOUT`]. hyper's own header-read timeout needs a timer that `axum::serve` does not set, so
//! the deadline is enforced on the socket: a read that would wait past it fails with `TimedOut`.
//!
//! Slow readers (issue 16, item 9): an answer that makes no progress for `--write-timeout-s` (default
//! 30 s) — the client stopped reading and the socket's buffers are full — fails the write, and the
//! connection is closed (as nginx's `send_timeout`: the time between two successful writes, not the
//! whole answer, so a long export to a slow but reading client goes on). And one client (an IPv4
//! address or an IPv6 /64, as the rate limits count it) holds at most `--max-connections-per-client`
//! connections at once (default 64): more are closed as soon as they are accepted, before a byte is
//! read — cheaper than answering 503, which would first have to read a request the client may never
//! finish. Trusted proxies are not capped: every client behind them shares their address.

use axum::serve::Listener;
use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{Instant, Sleep};

/// A connection with nothing in flight is closed after this long.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(75);

/// Longest time from a request's first byte to the start of its answer.
pub fn request_deadline() -> Duration {
    static D: OnceLock<Duration> = OnceLock::new();
    *D.get_or_init(|| {
        std::env::var("ANBEI_REQUEST_TIMEOUT_S")
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
            .filter(|s| *s > 0)
            .map_or(Duration::from_secs(60), Duration::from_secs)
    })
}

/// A TCP listener whose connections carry the deadlines, at most `cap` per client.
pub struct GuardedListener {
    listener: TcpListener,
    open: Arc<OpenPerClient>,
    write_timeout: Duration,
}

impl GuardedListener {
    /// `cap`: connections per client (0: no cap); `exempt`: peers not capped (trusted proxies).
    pub fn new(
        listener: TcpListener,
        cap: u32,
        exempt: Vec<IpAddr>,
        write_timeout: Duration,
    ) -> GuardedListener {
        GuardedListener {
            listener,
            open: Arc::new(OpenPerClient {
                cap,
                exempt,
                open: Mutex::new(HashMap::new()),
            }),
            write_timeout,
        }
    }
}

impl Listener for GuardedListener {
    type Io = Guarded;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Guarded, SocketAddr) {
        loop {
            let (s, a) = Listener::accept(&mut self.listener).await;
            let Ok(slot) = self.open.admit(a.ip()) else {
                // Closed unread: the client holds its cap already.
                crate::ops::metrics::connection_refused();
                tracing::debug!(client = %a.ip(), "connection refused: too many open from this client");
                drop(s);
                continue;
            };
            let _ = s.set_nodelay(true);
            return (Guarded::new(s, slot, self.write_timeout), a);
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }
}

/// Connections open per client.
struct OpenPerClient {
    cap: u32,
    exempt: Vec<IpAddr>,
    open: Mutex<HashMap<IpAddr, u32>>,
}

impl OpenPerClient {
    /// A slot for a new connection from `peer` (`None` inside: not counted), or `Err` at the cap.
    fn admit(self: &Arc<Self>, peer: IpAddr) -> Result<Option<Slot>, ()> {
        if self.cap == 0 || self.exempt.contains(&peer) {
            return Ok(None);
        }
        let client = crate::ratelimit::bucket_of(peer);
        let mut m = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let n = m.entry(client).or_insert(0);
        if *n >= self.cap {
            return Err(());
        }
        *n += 1;
        Ok(Some(Slot {
            of: self.clone(),
            client,
        }))
    }
}

/// One counted connection; dropping it (the connection closed) frees the place.
pub struct Slot {
    of: Arc<OpenPerClient>,
    client: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut m = self.of.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = m.get_mut(&self.client) {
            *n -= 1;
            if *n == 0 {
                m.remove(&self.client);
            }
        }
    }
}

pub struct Guarded {
    io: TcpStream,
    deadline: Pin<Box<Sleep>>,
    /// A request has started arriving and nothing has been answered since.
    active: bool,
    /// Runs while a write waits for the client to read (see [`Guarded::stalled`]).
    write_deadline: Pin<Box<Sleep>>,
    write_blocked: bool,
    write_timeout: Duration,
    _slot: Option<Slot>,
}

impl Guarded {
    fn new(io: TcpStream, slot: Option<Slot>, write_timeout: Duration) -> Guarded {
        Guarded {
            io,
            deadline: Box::pin(tokio::time::sleep(IDLE_TIMEOUT)),
            active: false,
            write_deadline: Box::pin(tokio::time::sleep(write_timeout)),
            write_blocked: false,
            write_timeout,
            _slot: slot,
        }
    }

    /// A write could not proceed: the first time, the write deadline starts; once it has passed
    /// without a byte written, the write fails and the connection is closed.
    fn stalled(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        if !self.write_blocked {
            self.write_blocked = true;
            let at = Instant::now() + self.write_timeout;
            self.write_deadline.as_mut().reset(at);
        }
        match self.write_deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "client too slow: answer not read in time",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for Guarded {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let this = &mut *self;
        match Pin::new(&mut this.io).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before && !this.active {
                    this.active = true;
                    let at = Instant::now() + request_deadline();
                    this.deadline.as_mut().reset(at);
                }
                Poll::Ready(Ok(()))
            }
            Poll::Pending => match this.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "client too slow: request not received in time",
                ))),
                Poll::Pending => Poll::Pending,
            },
            other => other,
        }
    }
}

impl Guarded {
    fn wrote(&mut self, n: usize) {
        if n > 0 {
            self.write_blocked = false;
            // Answering: the request is in; the connection may now idle (or stream a long export).
            self.active = false;
            self.deadline.as_mut().reset(Instant::now() + IDLE_TIMEOUT);
        }
    }
}

impl AsyncWrite for Guarded {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.io).poll_write(cx, buf) {
            Poll::Ready(Ok(n)) => {
                self.wrote(n);
                Poll::Ready(Ok(n))
            }
            Poll::Pending => self.stalled(cx),
            other => other,
        }
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.io).poll_write_vectored(cx, bufs) {
            Poll::Ready(Ok(n)) => {
                self.wrote(n);
                Poll::Ready(Ok(n))
            }
            Poll::Pending => self.stalled(cx),
            other => other,
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}
