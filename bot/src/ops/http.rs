//! The operator's HTTP endpoint: `/health/live`, `/health/ready` and
//! `/metrics` (Prometheus text), served by axum on `http.address`.
//!
//! Readiness asks each dependency that is configured (the database, Redis,
//! the Discord gateway, the radio link) and reports each in JSON; one that
//! is configured and down makes it `503`. One that is not configured is
//! reported as such and does not count.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Map, Value, json};

/// The longest one readiness check may take before it counts as down.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// A readiness check: `Ok` when the dependency answers, else why not.
pub type Probe =
    Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<(), String>> + Send>> + Send + Sync>;

/// The state of a long-lived connection (the Discord gateway, the radio
/// link), set by its transport and read by readiness. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Link(Arc<AtomicU8>);

const CONNECTING: u8 = 0;
const UP: u8 = 1;
const DOWN: u8 = 2;

impl Link {
    /// A link that has not connected yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Connected.
    pub fn up(&self) {
        self.0.store(UP, Ordering::Relaxed);
    }

    /// Lost (the transport is reconnecting, or gave up).
    pub fn down(&self) {
        self.0.store(DOWN, Ordering::Relaxed);
    }

    /// Whether it is connected now.
    pub fn is_up(&self) -> bool {
        self.0.load(Ordering::Relaxed) == UP
    }

    /// The link as a readiness check.
    pub fn probe(&self) -> Probe {
        let link = self.clone();
        Arc::new(move || {
            let state = link.0.load(Ordering::Relaxed);
            Box::pin(async move {
                match state {
                    UP => Ok(()),
                    CONNECTING => Err("not connected yet".to_owned()),
                    _ => Err("connection lost".to_owned()),
                }
            })
        })
    }
}

/// The readiness checks, one slot per dependency; an empty slot is
/// reported as `not_configured`.
#[derive(Clone, Default)]
pub struct Health {
    /// The store: `SELECT 1`.
    pub database: Option<Probe>,
    /// The Redis bus (a `PING`); empty when no Redis is configured.
    pub redis: Option<Probe>,
    /// The Discord gateway.
    pub discord: Option<Probe>,
    /// The radio link.
    pub radio: Option<Probe>,
}

impl Health {
    /// Every check, run side by side: `(ready, report)`.
    pub async fn check(&self) -> (bool, Value) {
        let slots = [
            ("database", &self.database),
            ("redis", &self.redis),
            ("discord", &self.discord),
            ("radio", &self.radio),
        ];
        let running: Vec<_> = slots
            .iter()
            .map(|(name, probe)| {
                let run = probe.as_ref().map(|p| {
                    let fut = p();
                    tokio::spawn(async move {
                        tokio::time::timeout(CHECK_TIMEOUT, fut)
                            .await
                            .unwrap_or_else(|_| {
                                Err(format!("no answer within {}s", CHECK_TIMEOUT.as_secs()))
                            })
                    })
                });
                (*name, run)
            })
            .collect();
        let mut ready = true;
        let mut checks = Map::new();
        for (name, run) in running {
            let report = match run {
                None => json!({"status": "not_configured"}),
                Some(handle) => match handle.await {
                    Ok(Ok(())) => json!({"status": "up"}),
                    Ok(Err(why)) => {
                        ready = false;
                        json!({"status": "down", "error": why})
                    }
                    Err(e) => {
                        ready = false;
                        json!({"status": "down", "error": format!("the check failed: {e}")})
                    }
                },
            };
            checks.insert(name.to_owned(), report);
        }
        let status = if ready { "ready" } else { "not_ready" };
        (ready, json!({"status": status, "checks": checks}))
    }
}

/// The endpoint's routes over `health`, metrics from [`crate::ops::telemetry`].
pub fn app(health: Health) -> axum::Router {
    axum::Router::new()
        .route("/health/live", get(live))
        .route("/health/ready", get(ready))
        .route("/metrics", get(metrics))
        .with_state(Arc::new(health))
}

/// Serves [`app`] on `listener` until `shutdown` completes.
pub async fn run(
    listener: tokio::net::TcpListener,
    health: Health,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve(listener, app(health), shutdown).await
}

/// Serves `app` ([`app`] with other routes merged in: the web table) on
/// `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Installs the recorder now, so the first scrape already has the descriptions.
    crate::ops::telemetry::metrics();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

async fn live() -> Response {
    json_response(StatusCode::OK, &json!({"status": "live"}))
}

async fn ready(State(health): State<Arc<Health>>) -> Response {
    let (ok, report) = health.check().await;
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    json_response(status, &report)
}

async fn metrics() -> Response {
    let handle = crate::ops::telemetry::metrics();
    // Drains histogram samples into their buckets; cheap, and scrapes are rare.
    handle.run_upkeep();
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        handle.render(),
    )
        .into_response()
}
