//! `/t/{table}/ws`: the live page. The server sends the live part of the
//! page (`{"type":"live","seq":N,"html":…}`) whenever the table changes and
//! the answer to each command (`{"type":"answer","text":…}`); a signed-in
//! browser sends `{"cmd":"a longsword -t g1","rid":"…"}` or
//! `{"opt":"attack:longsword:g1","rid":"…"}`.
//!
//! Limits: a text over [`MAX_TEXT`] bytes closes the socket with 1009
//! (message too big); more than [`BURST`] messages at once, refilled at
//! [`PER_SECOND`], closes it with 1008 (policy). Neither changes anything.

use std::sync::Arc;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use dm::PlayerId;
use serde::Deserialize;
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;
use tokio::time::Instant;

use super::auth::Session;
use super::pages::request_part;
use super::view::Role;
use super::{Action, Web};

/// The longest text a browser may send.
pub const MAX_TEXT: usize = 4 * 1024;
/// Messages a socket may send at once.
pub const BURST: f64 = 10.0;
/// Messages regained per second.
pub const PER_SECOND: f64 = 2.0;

/// Close code: message too big.
pub const TOO_BIG: u16 = 1009;
/// Close code: policy violation (flooding).
pub const POLICY: u16 = 1008;

pub(super) async fn upgrade(
    State(web): State<Arc<Web>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let origin_ok = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|o| {
            let host = headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            o.split_once("://").is_some_and(|(_, rest)| rest == host)
        });
    if !origin_ok {
        return web.error(StatusCode::FORBIDDEN, "a socket from another site");
    }
    let session = match web.session(&headers) {
        Ok(s) => s,
        Err(r) => return r,
    };
    if let Err(r) = web.access(&id, session.as_ref()).await {
        return r;
    }
    // The protocol's own limit sits above ours, so ours answers with 1009.
    ws.max_message_size(64 * 1024)
        .max_frame_size(64 * 1024)
        // Small buffers: most sockets sit idle, and a page's update is ~10 KB.
        .read_buffer_size(4 * 1024)
        .write_buffer_size(16 * 1024)
        .on_upgrade(move |socket| serve(web, id, session, socket))
}

#[derive(Deserialize)]
struct Incoming {
    #[serde(default)]
    cmd: Option<String>,
    #[serde(default)]
    opt: Option<String>,
    #[serde(default)]
    rid: String,
}

async fn close(mut socket: WebSocket, code: u16, reason: &'static str) {
    let _ = socket
        .send(Message::Close(Some(CloseFrame {
            code,
            reason: Utf8Bytes::from_static(reason),
        })))
        .await;
    // The closing handshake: what the peer still sends is read and dropped
    // until its own Close (at most 2 s), so the connection is not torn down
    // under it — a reset would lose the close frame, and with it the code.
    let drain = async {
        while let Some(Ok(message)) = socket.recv().await {
            if matches!(message, Message::Close(_)) {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), drain).await;
}

async fn serve(web: Arc<Web>, id: String, session: Option<Session>, mut socket: WebSocket) {
    let mut changes = web.changes(&id);
    let player = session.as_ref().map(|s| PlayerId::new(s.player.clone()));
    let watchers = web.settings.allow_watchers;
    let mut tokens = BURST;
    let mut at = Instant::now();
    crate::ops::telemetry::metrics();
    loop {
        tokio::select! {
            change = changes.recv() => {
                let seen = match change {
                    Ok(seq) => seq,
                    Err(RecvError::Lagged(_)) => 0,
                    Err(RecvError::Closed) => return,
                };
                let Ok((seq, table)) = web.state_since(&id, seen).await else {
                    continue;
                };
                // Rights are checked again: a player removed from the table stops seeing it.
                let role = Role::of(&table, player.as_ref());
                if role == Role::Watcher && !watchers {
                    return close(socket, POLICY, "no longer allowed at this table").await;
                }
                let Ok(msg) = web.live_message(&id, seq, &table, role, session.as_ref()) else {
                    continue;
                };
                if socket.send(Message::Text(msg.as_str().into())).await.is_err() {
                    return;
                }
            }
            incoming = socket.recv() => {
                let text = match incoming {
                    Some(Ok(Message::Text(t))) => t,
                    Some(Ok(Message::Binary(b))) if b.len() > MAX_TEXT => {
                        return close(socket, TOO_BIG, "message too big").await;
                    }
                    Some(Ok(Message::Close(_))) | None => return,
                    Some(Ok(_)) => continue,
                    // Over the protocol's limit, or broken.
                    Some(Err(_)) => return close(socket, TOO_BIG, "message too big").await,
                };
                if text.len() > MAX_TEXT {
                    return close(socket, TOO_BIG, "message too big").await;
                }
                let now = Instant::now();
                tokens = (tokens + now.duration_since(at).as_secs_f64() * PER_SECOND).min(BURST);
                at = now;
                if tokens < 1.0 {
                    return close(socket, POLICY, "too many messages").await;
                }
                tokens -= 1.0;
                let answer = answer(&web, &id, session.as_ref(), text.as_str()).await;
                let msg = json!({"type": "answer", "text": answer});
                if socket.send(Message::Text(msg.to_string().into())).await.is_err() {
                    return;
                }
            }
        }
    }
}

async fn answer(web: &Web, id: &str, session: Option<&Session>, text: &str) -> String {
    let Some(session) = session else {
        return "sign in to play: watchers only watch".to_owned();
    };
    let Ok(incoming) = serde_json::from_str::<Incoming>(text) else {
        return "not understood: send {\"cmd\": \"…\"}".to_owned();
    };
    let action = match (incoming.cmd, incoming.opt) {
        (Some(c), _) if !c.trim().is_empty() => Action::Text(c),
        (_, Some(o)) if !o.is_empty() => Action::Option(o),
        _ => return "type a command, or press an option".to_owned(),
    };
    match web.access(id, Some(session)).await {
        Ok((_, _, Role::Watcher | Role::Player | Role::Dm)) => {}
        Err(_) => return "you may not play at this table".to_owned(),
    }
    let request = format!("{}-{}", session.sid, request_part(&incoming.rid));
    let player = PlayerId::new(session.player.clone());
    match web
        .act(id, &session.sender(), &player, &request, action)
        .await
    {
        Ok(a) => a,
        Err(e) => format!("not done: {e}"),
    }
}
