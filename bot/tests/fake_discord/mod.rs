//! A fake Discord on 127.0.0.1 for the real serenity/poise client: the REST
//! routes a slash-command bot touches and a gateway that speaks the
//! protocol (Hello, Identify → READY, heartbeats, dispatches). It imitates
//! Discord, never our code: it records what the bot sent and answers the
//! way Discord documents.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::{Notify, mpsc};
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// The bot application's id (and its user's).
pub const APP: u64 = 900_000_000_000_000_001;
/// The guild the interactions come from.
pub const GUILD: u64 = 900_000_000_000_000_002;
/// An ordinary member's permissions in the channel (no Manage Server, no
/// Administrator).
const MEMBER_PERMISSIONS: u64 = 2_248_473_465_835_073;
/// Discord's Manage Server (MANAGE_GUILD) permission bit.
const MANAGE_GUILD: u64 = 1 << 5;

/// One REST call the bot made.
#[derive(Debug, Clone)]
pub struct Call {
    /// GET, PUT, POST, PATCH…
    pub method: String,
    /// The path, from `/api/v10/`.
    pub path: String,
    /// The JSON body (null if none).
    pub body: Value,
    /// When it arrived.
    pub at: tokio::time::Instant,
}

struct Shared {
    calls: Mutex<Vec<Call>>,
    changed: Notify,
    ws_url: String,
    next_message: AtomicU64,
    /// The gateway's last sequence number, across sessions (a resume goes on from it).
    seq: AtomicU64,
    /// The op codes the bot sent on the gateway, in order.
    gateway_ops: Mutex<Vec<u64>>,
    /// Files users attached, by attachment id, served as Discord's CDN does.
    files: Mutex<std::collections::HashMap<String, Vec<u8>>>,
    /// The REST base URL, for attachment URLs.
    api: Mutex<String>,
}

/// The fake server. Dropping it leaves its tasks to end with the runtime.
pub struct FakeDiscord {
    /// The REST base URL to hand the bot.
    pub api: String,
    shared: Arc<Shared>,
    dispatch: mpsc::UnboundedSender<(String, Value)>,
    next_id: AtomicU64,
    /// The `data.resolved` of the next interaction sent (attachments).
    resolved: Mutex<Value>,
}

impl FakeDiscord {
    /// Starts the REST server and the gateway on free ports.
    pub async fn start() -> FakeDiscord {
        let rest = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let gateway = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let shared = Arc::new(Shared {
            calls: Mutex::default(),
            changed: Notify::new(),
            ws_url: format!("ws://{}", gateway.local_addr().unwrap()),
            next_message: AtomicU64::new(1),
            seq: AtomicU64::new(0),
            gateway_ops: Mutex::default(),
            files: Mutex::default(),
            api: Mutex::default(),
        });
        let api = format!("http://{}", rest.local_addr().unwrap());
        *shared.api.lock().unwrap() = api.clone();
        let app = axum::Router::new()
            .fallback(rest_call)
            .with_state(Arc::clone(&shared));
        tokio::spawn(async move { axum::serve(rest, app).await });
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(serve_gateway(gateway, rx, Arc::clone(&shared)));
        FakeDiscord {
            api,
            shared,
            dispatch: tx,
            next_id: AtomicU64::new(1),
            resolved: Mutex::new(Value::Null),
        }
    }

    /// Asks the bot to reconnect (op 7) and drops the connection.
    pub fn reconnect(&self) {
        self.dispatch
            .send((RECONNECT.to_owned(), Value::Null))
            .unwrap();
    }

    /// Waits (at most 20 s) until the bot has sent `op` on the gateway `times` times.
    pub async fn wait_for_op(&self, op: u64, times: usize) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let changed = self.shared.changed.notified();
            let seen = self
                .shared
                .gateway_ops
                .lock()
                .unwrap()
                .iter()
                .filter(|&&o| o == op)
                .count();
            if seen >= times {
                return;
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                panic!("op {op} not sent {times} times within 20 s");
            }
        }
    }

    /// How many times the bot sent `op` on the gateway.
    pub fn ops(&self, op: u64) -> usize {
        self.shared
            .gateway_ops
            .lock()
            .unwrap()
            .iter()
            .filter(|&&o| o == op)
            .count()
    }

    /// Waits (at most 60 s) until `n` calls match, looking without copying
    /// them (for measurements), and returns when each arrived.
    pub async fn wait_for_count(&self, n: usize, matches: impl Fn(&Call) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let changed = self.shared.changed.notified();
            if self
                .shared
                .calls
                .lock()
                .unwrap()
                .iter()
                .filter(|c| matches(c))
                .count()
                >= n
            {
                return;
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                panic!("fewer than {n} matching calls within 60 s");
            }
        }
    }

    /// Every REST call so far.
    pub fn calls(&self) -> Vec<Call> {
        self.shared.calls.lock().unwrap().clone()
    }

    /// Waits (at most 20 s) for a call that `matches`, and returns it.
    pub async fn wait_for(&self, what: &str, matches: impl Fn(&Call) -> bool) -> Call {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let changed = self.shared.changed.notified();
            if let Some(c) = self.calls().into_iter().find(&matches) {
                return c;
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                panic!("no {what} within 20 s; calls: {:#?}", self.calls());
            }
        }
    }

    /// Sends a slash command as `user` in `channel` (INTERACTION_CREATE,
    /// type 2) and returns its interaction id and token.
    pub fn command(&self, user: u64, channel: u64, name: &str, options: Value) -> (u64, String) {
        self.interaction(2, user, channel, name, options, MEMBER_PERMISSIONS)
    }

    /// Sends a slash command with a file attached (an option of type 11
    /// whose value is the attachment id, resolved in `data.resolved`, the
    /// file served at its CDN URL), and waits for its interaction response.
    pub async fn ask_with_file(
        &self,
        user: u64,
        channel: u64,
        name: &str,
        options: impl Fn(&str) -> Value,
        filename: &str,
        bytes: &[u8],
    ) -> Value {
        let n = self.next_id.fetch_add(1, Ordering::Relaxed);
        let id = (300_000_000_000_000_000 + n).to_string();
        self.shared
            .files
            .lock()
            .unwrap()
            .insert(id.clone(), bytes.to_vec());
        let url = format!("{}/attachments/{id}/{filename}", self.api);
        let resolved = json!({"attachments": {id.clone(): {
            "id": id,
            "filename": filename,
            "size": bytes.len(),
            "url": url,
            "proxy_url": url,
            "content_type": "application/json"
        }}});
        *self.resolved.lock().unwrap() = resolved;
        let (iid, token) =
            self.interaction(2, user, channel, name, options(&id), MEMBER_PERMISSIONS);
        let path = format!("interactions/{iid}/{token}/callback");
        self.wait_for(&format!("response to /{name}"), |c| {
            c.method == "POST" && c.path == path
        })
        .await
        .body
    }

    /// Sends a slash command as `user`, a member with the Manage Server
    /// permission, and waits for its interaction response.
    pub async fn ask_as_manager(
        &self,
        user: u64,
        channel: u64,
        name: &str,
        options: Value,
    ) -> Value {
        let permissions = MEMBER_PERMISSIONS | MANAGE_GUILD;
        let (id, token) = self.interaction(2, user, channel, name, options, permissions);
        let path = format!("interactions/{id}/{token}/callback");
        self.wait_for(&format!("response to /{name}"), |c| {
            c.method == "POST" && c.path == path
        })
        .await
        .body
    }

    /// Every message the bot posted in `channel` (not interaction responses).
    pub fn channel_messages(&self, channel: u64) -> Vec<Value> {
        let path = format!("channels/{channel}/messages");
        self.calls()
            .into_iter()
            .filter(|c| c.method == "POST" && c.path == path)
            .map(|c| c.body)
            .collect()
    }

    /// Asks for autocomplete choices (INTERACTION_CREATE, type 4; the
    /// option being typed has `"focused": true`) and returns the choices.
    pub async fn autocomplete(&self, user: u64, channel: u64, name: &str, options: Value) -> Value {
        let (id, token) = self.interaction(4, user, channel, name, options, MEMBER_PERMISSIONS);
        let path = format!("interactions/{id}/{token}/callback");
        let body = self
            .wait_for(&format!("choices for /{name}"), |c| {
                c.method == "POST" && c.path == path
            })
            .await
            .body;
        assert_eq!(body["type"], 8, "{body}");
        body["data"]["choices"].clone()
    }

    fn interaction(
        &self,
        kind: u8,
        user: u64,
        channel: u64,
        name: &str,
        options: Value,
        permissions: u64,
    ) -> (u64, String) {
        let n = self.next_id.fetch_add(1, Ordering::Relaxed);
        let id = 800_000_000_000_000_000 + n;
        let token = format!("token-{n}");
        let event = json!({
            "id": id.to_string(),
            "application_id": APP.to_string(),
            "type": kind,
            "token": token,
            "version": 1,
            "guild_id": GUILD.to_string(),
            "channel_id": channel.to_string(),
            "channel": {"id": channel.to_string(), "type": 0},
            "member": {
                "user": user_json(user),
                "roles": [],
                "joined_at": "2026-01-01T00:00:00.000000+00:00",
                "deaf": false,
                "mute": false,
                "flags": 0,
                "permissions": permissions.to_string()
            },
            "data": {
                "id": "700000000000000001",
                "name": name,
                "type": 1,
                "options": options
            },
            "app_permissions": "2248473465835073",
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": GUILD.to_string()},
            "context": 0,
            "attachment_size_limit": 8_388_608
        });
        let mut event = event;
        let resolved = std::mem::take(&mut *self.resolved.lock().unwrap());
        if !resolved.is_null() {
            event["data"]["resolved"] = resolved;
        }
        self.dispatch
            .send(("INTERACTION_CREATE".to_owned(), event))
            .unwrap();
        (id, token)
    }

    /// Presses a button (`values` empty) or picks `values` in a string
    /// select menu under the bot's message `message` (INTERACTION_CREATE,
    /// type 3, as Discord sends it), and waits for the interaction response.
    pub async fn press(
        &self,
        user: u64,
        channel: u64,
        message: &Value,
        custom_id: &str,
        values: &[&str],
    ) -> Value {
        let (id, token) = self.press_only(user, channel, message, custom_id, values);
        let path = format!("interactions/{id}/{token}/callback");
        self.wait_for(&format!("response to pressing {custom_id}"), |c| {
            c.method == "POST" && c.path == path
        })
        .await
        .body
    }

    /// [`Self::press`] without waiting: the interaction's id and token.
    pub fn press_only(
        &self,
        user: u64,
        channel: u64,
        message: &Value,
        custom_id: &str,
        values: &[&str],
    ) -> (u64, String) {
        let n = self.next_id.fetch_add(1, Ordering::Relaxed);
        let id = 800_000_000_000_000_000 + n;
        let token = format!("token-{n}");
        let data = if values.is_empty() {
            json!({"custom_id": custom_id, "component_type": 2})
        } else {
            json!({"custom_id": custom_id, "component_type": 3, "values": values})
        };
        let mut posted = message_json(&self.shared, &channel.to_string(), message);
        posted["components"] = message.get("components").cloned().unwrap_or(json!([]));
        let event = json!({
            "id": id.to_string(),
            "application_id": APP.to_string(),
            "type": 3,
            "token": token,
            "version": 1,
            "guild_id": GUILD.to_string(),
            "channel_id": channel.to_string(),
            "channel": {"id": channel.to_string(), "type": 0},
            "member": {
                "user": user_json(user),
                "roles": [],
                "joined_at": "2026-01-01T00:00:00.000000+00:00",
                "deaf": false,
                "mute": false,
                "flags": 0,
                "permissions": MEMBER_PERMISSIONS.to_string()
            },
            "data": data,
            "message": posted,
            "app_permissions": "2248473465835073",
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": GUILD.to_string()},
            "context": 0,
            "attachment_size_limit": 8_388_608
        });
        self.dispatch
            .send(("INTERACTION_CREATE".to_owned(), event))
            .unwrap();
        (id, token)
    }

    /// Sends a slash command and waits for its interaction response (the
    /// callback's body).
    pub async fn ask(&self, user: u64, channel: u64, name: &str, options: Value) -> Value {
        let (id, token) = self.command(user, channel, name, options);
        let path = format!("interactions/{id}/{token}/callback");
        self.wait_for(&format!("response to /{name}"), |c| {
            c.method == "POST" && c.path == path
        })
        .await
        .body
    }

    /// Every follow-up message sent, to any interaction, in order.
    pub fn follow_ups(&self) -> Vec<Value> {
        let prefix = format!("webhooks/{APP}/");
        self.calls()
            .into_iter()
            .filter(|c| c.method == "POST" && c.path.starts_with(&prefix))
            .map(|c| c.body)
            .collect()
    }
}

/// A Discord user object.
pub fn user_json(id: u64) -> Value {
    json!({
        "id": id.to_string(),
        "username": format!("user{id}"),
        "discriminator": "0",
        "global_name": null,
        "avatar": null
    })
}

fn message_json(shared: &Shared, channel: &str, body: &Value) -> Value {
    let id = 600_000_000_000_000_000 + shared.next_message.fetch_add(1, Ordering::Relaxed);
    json!({
        "id": id.to_string(),
        "channel_id": channel,
        "author": {"id": APP.to_string(), "username": "dungeon", "bot": true},
        "content": body.get("content").cloned().unwrap_or(json!("")),
        "timestamp": "2026-11-21T09:00:00.000000+00:00",
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": false,
        "type": 20,
        "webhook_id": APP.to_string(),
        "application_id": APP.to_string(),
        "flags": body.get("flags").cloned().unwrap_or(json!(0))
    })
}

fn json_response(status: StatusCode, body: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// A multipart request (a message with files): its `payload_json` part,
/// with the files' contents recorded under `uploaded`; null if none.
fn multipart(body: &[u8]) -> Value {
    let text = String::from_utf8_lossy(body);
    let mut payload = Value::Null;
    let mut uploaded = Vec::new();
    for part in text.split("\r\n--") {
        let Some((head, content)) = part.split_once("\r\n\r\n") else {
            continue;
        };
        if head.contains("name=\"payload_json\"") {
            payload = serde_json::from_str(content).unwrap_or(Value::Null);
        } else if head.contains("filename=") {
            uploaded.push(Value::String(content.to_owned()));
        }
    }
    if payload.is_object() && !uploaded.is_empty() {
        payload["uploaded"] = Value::Array(uploaded);
    }
    payload
}

/// Every REST request: recorded, then answered as Discord would.
async fn rest_call(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    body: Bytes,
) -> Response {
    // Attachments: served by the CDN, not the API, and not recorded.
    if let ("GET", Some(rest)) = (method.as_str(), uri.path().strip_prefix("/attachments/")) {
        let id = rest.split('/').next().unwrap_or_default();
        return match shared.files.lock().unwrap().get(id) {
            Some(bytes) => (StatusCode::OK, bytes.clone()).into_response(),
            None => StatusCode::NOT_FOUND.into_response(),
        };
    }
    let path = uri
        .path()
        .strip_prefix("/api/v10/")
        .unwrap_or(uri.path())
        .to_owned();
    let body: Value = serde_json::from_slice(&body).unwrap_or_else(|_| multipart(&body));
    let response = match (
        method.as_str(),
        path.split('/').collect::<Vec<_>>().as_slice(),
    ) {
        ("GET", ["gateway"]) => json_response(StatusCode::OK, json!({"url": shared.ws_url})),
        ("PUT", ["applications", _, "commands"]) => json_response(StatusCode::OK, json!([])),
        ("POST", ["interactions", _, _, "callback"]) => StatusCode::NO_CONTENT.into_response(),
        ("POST", ["webhooks", _, _]) | ("PATCH", ["webhooks", _, _, "messages", _]) => {
            json_response(StatusCode::OK, message_json(&shared, "1", &body))
        }
        ("DELETE", ["webhooks", _, _, "messages", _]) => StatusCode::NO_CONTENT.into_response(),
        ("POST", ["channels", channel, "messages"]) => {
            json_response(StatusCode::OK, message_json(&shared, channel, &body))
        }
        _ => json_response(
            StatusCode::NOT_FOUND,
            json!({"message": "404: Not Found", "code": 0}),
        ),
    };
    shared.calls.lock().unwrap().push(Call {
        method: method.to_string(),
        path,
        body,
        at: tokio::time::Instant::now(),
    });
    shared.changed.notify_waiters();
    response
}

/// The gateway: one session at a time; events queued while none is
/// connected wait for the next.
async fn serve_gateway(
    listener: TcpListener,
    rx: mpsc::UnboundedReceiver<(String, Value)>,
    shared: Arc<Shared>,
) {
    let rx = Arc::new(tokio::sync::Mutex::new(rx));
    while let Ok((socket, _)) = listener.accept().await {
        let Ok(ws) = tokio_tungstenite::accept_async(socket).await else {
            continue;
        };
        let rx = Arc::clone(&rx);
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            let mut rx = rx.lock().await;
            session(ws, &mut rx, &shared).await;
        });
    }
}

/// What a dispatch asks the gateway to do instead of sending an event.
const RECONNECT: &str = "<op 7: reconnect>";

async fn session(
    ws: tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>,
    rx: &mut mpsc::UnboundedReceiver<(String, Value)>,
    shared: &Shared,
) {
    let (mut tx, mut incoming) = ws.split();
    let send = |v: Value| WsMessage::Text(v.to_string());
    let hello = json!({"op": 10, "d": {"heartbeat_interval": 41_250}, "s": null, "t": null});
    if tx.send(send(hello)).await.is_err() {
        return;
    }
    let next_seq = || shared.seq.fetch_add(1, Ordering::Relaxed) + 1;
    let mut ready = false;
    loop {
        tokio::select! {
            frame = incoming.next() => {
                let Some(Ok(frame)) = frame else { return };
                let WsMessage::Text(text) = frame else { continue };
                let Ok(v) = serde_json::from_str::<Value>(&text) else { continue };
                let op = v["op"].as_u64();
                if let Some(op) = op {
                    shared.gateway_ops.lock().unwrap().push(op);
                    shared.changed.notify_waiters();
                }
                let answer = match op {
                    // Heartbeat → heartbeat ACK.
                    Some(1) => Some(json!({"op": 11})),
                    // Identify → READY.
                    Some(2) => {
                        ready = true;
                        Some(ready_event(next_seq(), &shared.ws_url))
                    }
                    // Resume → RESUMED: the session goes on.
                    Some(6) => {
                        ready = true;
                        Some(json!({"op": 0, "s": next_seq(), "t": "RESUMED", "d": {}}))
                    }
                    _ => None,
                };
                if let Some(answer) = answer
                    && tx.send(send(answer)).await.is_err()
                {
                    return;
                }
            }
            event = rx.recv(), if ready => {
                let Some((name, d)) = event else { return };
                if name == RECONNECT {
                    // Discord asks the client to reconnect and resume, then
                    // drops the connection.
                    let _ = tx.send(send(json!({"op": 7, "d": null}))).await;
                    return;
                }
                let frame = json!({"op": 0, "s": next_seq(), "t": name, "d": d});
                if tx.send(send(frame)).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// The READY dispatch that answers an Identify.
fn ready_event(seq: u64, resume_url: &str) -> Value {
    json!({
        "op": 0, "s": seq, "t": "READY",
        "d": {
            "v": 10,
            "user": {"id": APP.to_string(), "username": "dungeon", "bot": true, "discriminator": "0"},
            "guilds": [],
            "session_id": "fake-session",
            "resume_gateway_url": resume_url,
            "shard": [0, 1],
            "application": {"id": APP.to_string(), "flags": 0}
        }
    })
}
