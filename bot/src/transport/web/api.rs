//! The admin API: `/api/tables`, `/api/tables/{table}/log` (JSON Lines),
//! `POST /api/tables/{table}/close`, `DELETE /api/tables/{table}/co-dms/{player}`,
//! `/api/openapi.json`. Every route but the OpenAPI document wants
//! `Authorization: Bearer <web.admin_token>`; with no token configured the
//! API is off (404).

// An early return of the page or status to answer with is how these
// handlers read; the `Response` is as large as axum makes it.
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::Web;
use super::auth::same;
use crate::core::store::StoreError;

fn problem(status: StatusCode, why: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        json!({"error": why}).to_string(),
    )
        .into_response()
}

/// `Ok` if `headers` carry the admin token.
fn admitted(web: &Web, headers: &HeaderMap) -> Result<(), Response> {
    let Some(token) = &web.settings.admin_token else {
        return Err(problem(
            StatusCode::NOT_FOUND,
            "the admin API is off: set web.admin_token",
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if same(given.as_bytes(), token.as_bytes()) {
        Ok(())
    } else {
        Err(problem(
            StatusCode::UNAUTHORIZED,
            "wrong or missing bearer token (Authorization: Bearer <web.admin_token>)",
        ))
    }
}

pub(super) async fn tables(State(web): State<Arc<Web>>, headers: HeaderMap) -> Response {
    if let Err(r) = admitted(&web, &headers) {
        return r;
    }
    let infos = match web.router.store().list_tables().await {
        Ok(t) => t,
        Err(e) => return problem(StatusCode::SERVICE_UNAVAILABLE, &e.to_string()),
    };
    let mut out = Vec::new();
    for info in infos {
        let seq = web.router.store().last_seq(&info.id).await.unwrap_or(0);
        out.push(json!({
            "id": info.id,
            "meta": info.meta,
            "created_at_ms": info.created_at_ms,
            "events": seq,
        }));
    }
    (
        [(header::CONTENT_TYPE, "application/json")],
        Value::Array(out).to_string(),
    )
        .into_response()
}

pub(super) async fn log(
    State(web): State<Arc<Web>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = admitted(&web, &headers) {
        return r;
    }
    let events = match web.router.store().events(&id, 0).await {
        Ok(e) => e,
        Err(StoreError::UnknownTable { .. }) => {
            return problem(StatusCode::NOT_FOUND, "no such table");
        }
        Err(e) => return problem(StatusCode::SERVICE_UNAVAILABLE, &e.to_string()),
    };
    if events.is_empty() && web.router.store().secret(&id).await.is_err() {
        return problem(StatusCode::NOT_FOUND, "no such table");
    }
    let mut body = String::new();
    for e in events {
        body.push_str(&json!({"seq": e.seq, "event": e.payload}).to_string());
        body.push('\n');
    }
    (
        [(header::CONTENT_TYPE, "application/jsonl; charset=utf-8")],
        body,
    )
        .into_response()
}

#[derive(serde::Deserialize)]
pub(super) struct Why {
    #[serde(default)]
    reason: Option<String>,
}

/// `DELETE /api/tables/{table}/co-dms/{player}?reason=…`: takes back a
/// co-DM's rights (logged in the table's events).
pub(super) async fn revoke_co_dm(
    State(web): State<Arc<Web>>,
    Path((id, player)): Path<(String, String)>,
    axum::extract::Query(why): axum::extract::Query<Why>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = admitted(&web, &headers) {
        return r;
    }
    if web.router.store().secret(&id).await.is_err() {
        return problem(StatusCode::NOT_FOUND, "no such table");
    }
    let reason = why
        .reason
        .filter(|r| !r.trim().is_empty())
        .unwrap_or_else(|| "revoked by an operator".to_owned());
    if reason.len() > 200 || player.len() > 128 {
        return problem(StatusCode::BAD_REQUEST, "the player or reason is too long");
    }
    match web
        .router
        .revoke_dm(&id, &dm::PlayerId::new(player.clone()), &reason)
        .await
    {
        Ok(revoked) => (
            [(header::CONTENT_TYPE, "application/json")],
            json!({"table": id, "player": player, "revoked": revoked}).to_string(),
        )
            .into_response(),
        Err(e) => problem(StatusCode::SERVICE_UNAVAILABLE, &e.to_string()),
    }
}

/// `POST /api/tables/{table}/close?reason=…`: closes a table for good
/// (logged in its events); its pages stay readable.
pub(super) async fn close(
    State(web): State<Arc<Web>>,
    Path(id): Path<String>,
    axum::extract::Query(why): axum::extract::Query<Why>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = admitted(&web, &headers) {
        return r;
    }
    if web.router.store().secret(&id).await.is_err() {
        return problem(StatusCode::NOT_FOUND, "no such table");
    }
    let reason = why
        .reason
        .filter(|r| !r.trim().is_empty())
        .unwrap_or_else(|| "closed by an operator".to_owned());
    if reason.len() > 200 {
        return problem(StatusCode::BAD_REQUEST, "the reason is too long");
    }
    match web.router.close_table(&id, &reason).await {
        Ok(closed) => (
            [(header::CONTENT_TYPE, "application/json")],
            json!({"table": id, "closed": closed}).to_string(),
        )
            .into_response(),
        Err(e) => problem(StatusCode::SERVICE_UNAVAILABLE, &e.to_string()),
    }
}

pub(super) async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("assets/openapi.json"),
    )
        .into_response()
}
