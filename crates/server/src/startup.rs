//! Building and running the application: database, router and listener.
//!
//! `Application::build` binds the socket before returning, so a caller that
//! asked for port 0 can read the real address (integration and end-to-end
//! tests do) before any request is made.

use std::future::Future;
use std::net::SocketAddr;

use tokio::net::TcpListener;

use crate::config::Config;
use crate::db::{self, DbError};
use crate::routes::{self, AppState};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Database(#[from] DbError),
    #[error("could not listen on {addr} (is another program using that port? set HANDOVER_BIND or --bind): {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// A migrated database and a bound listener, ready to serve.
pub struct Application {
    listener: TcpListener,
    local_addr: SocketAddr,
    state: AppState,
}

impl Application {
    pub async fn build(config: &Config) -> Result<Self, StartupError> {
        let db = db::connect(&config.database_url).await?;
        let bind_error = |source| StartupError::Bind {
            addr: config.bind,
            source,
        };
        let listener = TcpListener::bind(config.bind).await.map_err(bind_error)?;
        let local_addr = listener.local_addr().map_err(bind_error)?;
        Ok(Self {
            listener,
            local_addr,
            state: AppState { db },
        })
    }

    /// The address actually bound (useful when the port was 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The URL to open in a browser. A wildcard bind address is shown as
    /// loopback, which works on the same machine.
    pub fn url(&self) -> String {
        let mut addr = self.local_addr;
        if addr.ip().is_unspecified() {
            addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
        }
        format!("http://{addr}")
    }

    /// Serves until `shutdown` resolves, then finishes in-flight requests.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        axum::serve(self.listener, routes::router(self.state))
            .with_graceful_shutdown(shutdown)
            .await
    }
}
