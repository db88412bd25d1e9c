//! Slow-client guard (slowloris): every accepted connection gets a deadline. From the first byte of a
//! request until the server starts answering it, at most [`request_deadline`] may pass (default 60 s,
//! `ANBEI_REQUEST_TIMEOUT_S`): enough for a 10 MB upload at ~1.5 Mbit/s, while a client dribbling its
//! headers or body byte by byte is cut off. An idle keep-alive connection is closed after
//! [`IDLE_TIMEOUT`]. hyper's own header-read timeout needs a timer that `axum::serve` does not set, so
//! the deadline is enforced on the socket: a read that would wait past it fails with `TimedOut`.

use axum::serve::Listener;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::OnceLock;
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

/// A TCP listener whose connections carry the deadline.
pub struct GuardedListener(pub TcpListener);

impl Listener for GuardedListener {
    type Io = Guarded;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Guarded, SocketAddr) {
        let (s, a) = Listener::accept(&mut self.0).await;
        let _ = s.set_nodelay(true);
        (Guarded::new(s), a)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

pub struct Guarded {
    io: TcpStream,
    deadline: Pin<Box<Sleep>>,
    /// A request has started arriving and nothing has been answered since.
    active: bool,
}

impl Guarded {
    fn new(io: TcpStream) -> Guarded {
        Guarded {
            io,
            deadline: Box::pin(tokio::time::sleep(IDLE_TIMEOUT)),
            active: false,
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
        let r = Pin::new(&mut self.io).poll_write(cx, buf);
        if let Poll::Ready(Ok(n)) = &r {
            let n = *n;
            self.wrote(n);
        }
        r
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.io).poll_write_vectored(cx, bufs);
        if let Poll::Ready(Ok(n)) = &r {
            let n = *n;
            self.wrote(n);
        }
        r
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
