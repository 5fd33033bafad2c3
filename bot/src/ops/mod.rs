//! Operations: what an operator watches. Telemetry (the metrics every layer
//! records, the log setup) and the HTTP endpoint for health and metrics.
//!
//! Knows nothing of games: imports only [`crate::config`], so the core and
//! every transport may record metrics.

pub mod http;
pub mod telemetry;
