//! The web table's routes: pages, forms, assets and the admin API.

// An early return of the page or status to answer with is how these
// handlers read; the `Response` is as large as axum makes it.
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use dm::{PlayerId, Table};
use serde::Deserialize;
use serde_json::json;

use super::auth::{self, Session};
use super::view::{self, Role};
use super::{Action, Web, lock};
use crate::core::router::RouterError;
use crate::core::store::StoreError;

/// The longest table id, command or form field taken.
pub(super) const MAX_FIELD: usize = 500;

/// The web table's routes over `web` (merge them into the HTTP endpoint's).
pub fn app(web: Arc<Web>) -> axum::Router {
    axum::Router::new()
        .route("/", get(index))
        .route("/signin", get(signin_form).post(signin))
        .route("/signout", post(signout))
        .route("/new", post(new_table))
        .route("/assets/style.css", get(css))
        .route("/assets/app.js", get(js))
        .route("/t/{table}", get(table_page))
        .route("/t/{table}/do", post(table_do))
        .route(
            "/t/{table}/import",
            post(table_import).layer(axum::extract::DefaultBodyLimit::max(IMPORT_BODY)),
        )
        .route("/t/{table}/ws", get(super::ws::upgrade))
        .route("/t/{table}/dm", get(desk).post(desk_do))
        .route("/api/openapi.json", get(super::api::openapi))
        .route("/api/tables", get(super::api::tables))
        .route("/api/tables/{table}/log", get(super::api::log))
        .route("/api/tables/{table}/close", post(super::api::close))
        .route(
            "/api/tables/{table}/co-dms/{player}",
            axum::routing::delete(super::api::revoke_co_dm),
        )
        .with_state(web)
}

/// Now, in Unix seconds.
pub(super) fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A page: HTML, never cached, never framed, nothing loaded from elsewhere.
pub(super) fn html(status: StatusCode, body: String) -> Response {
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; frame-ancestors 'none'; form-action 'self'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    r
}

impl Web {
    pub(super) fn render(&self, name: &str, ctx: &tera::Context) -> Result<String, Response> {
        self.templates.render(name, ctx).map_err(|e| {
            tracing::error!(template = name, error = %e, "a web template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page failed to render",
            )
                .into_response()
        })
    }

    /// An error page with `status` and one short line.
    pub(super) fn error(&self, status: StatusCode, why: &str) -> Response {
        let mut ctx = tera::Context::new();
        ctx.insert("title", status.canonical_reason().unwrap_or("Error"));
        ctx.insert("why", why);
        ctx.insert("signed_in", &false);
        match self.render("error.html", &ctx) {
            Ok(body) => html(status, body),
            Err(r) => r,
        }
    }

    /// The session in `headers`: `Ok(None)` with no cookie; a cookie that is
    /// forged, malformed or expired is a `401` that clears it.
    pub(super) fn session(&self, headers: &HeaderMap) -> Result<Option<Session>, Response> {
        let Some(value) = headers
            .get(header::COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(auth::cookie_value)
        else {
            return Ok(None);
        };
        match Session::decode(value, &self.settings.secret, now()) {
            Ok(s) => Ok(Some(s)),
            Err(why) => {
                let mut r = self.error(StatusCode::UNAUTHORIZED, &why.to_string());
                if let Ok(v) = HeaderValue::from_str(&auth::clear_cookie()) {
                    r.headers_mut().insert(header::SET_COOKIE, v);
                }
                Err(r)
            }
        }
    }

    /// The table `id` as `session` may see it, with its seq and the
    /// viewer's role; a clear 404, 401 or 403 otherwise.
    pub(super) async fn access(
        &self,
        id: &str,
        session: Option<&Session>,
    ) -> Result<(Table, u64, Role), Response> {
        if id.is_empty() || id.len() > 128 || id.chars().any(char::is_control) {
            return Err(self.error(StatusCode::NOT_FOUND, "no such table"));
        }
        // Asked of the store first, so unknown ids leave nothing behind.
        match self.router.store().secret(id).await {
            Ok(_) => {}
            Err(StoreError::UnknownTable { .. }) => {
                return Err(self.error(StatusCode::NOT_FOUND, "no such table"));
            }
            Err(e) => return Err(self.failed(&e.into())),
        }
        let (table, seq) = match (self.router.table(id).await, self.router.seq(id).await) {
            (Ok(t), Ok(s)) => (t, s),
            (Err(RouterError::UnknownTable(_)), _) | (_, Err(RouterError::UnknownTable(_))) => {
                return Err(self.error(StatusCode::NOT_FOUND, "no such table"));
            }
            (Err(e), _) | (_, Err(e)) => return Err(self.failed(&e)),
        };
        let player = session.map(|s| PlayerId::new(s.player.clone()));
        let role = Role::of(&table, player.as_ref());
        if role == Role::Watcher && !self.settings.allow_watchers {
            return Err(match session {
                None => self.error(
                    StatusCode::UNAUTHORIZED,
                    "sign in to see this table (a code from `link`, `/char link` or \
                     `dungeon web link NAME`)",
                ),
                Some(_) => self.error(
                    StatusCode::FORBIDDEN,
                    "you do not play at this table, and it does not allow watchers",
                ),
            });
        }
        Ok((table, seq, role))
    }

    pub(super) fn failed(&self, e: &RouterError) -> Response {
        tracing::warn!(error = %e, "a web request failed");
        self.error(StatusCode::SERVICE_UNAVAILABLE, &e.to_string())
    }

    /// The live part of a table's page for one viewer (shared among
    /// viewers who see the same).
    pub(super) fn live_html(
        &self,
        id: &str,
        seq: u64,
        table: &Table,
        role: Role,
        session: Option<&Session>,
    ) -> Result<Arc<String>, Response> {
        let player = session.map(|s| PlayerId::new(s.player.clone()));
        let key = (id.to_owned(), seq, viewer_key(role, session));
        if let Some(hit) = lock(&self.fragments).get(&key) {
            return Ok(Arc::clone(hit));
        }
        let log = self.log_of(id);
        let v = view::view(id, seq, table, role, player.as_ref(), &log);
        let mut ctx = tera::Context::new();
        ctx.insert("v", &v);
        let body = Arc::new(self.render("live.html", &ctx)?);
        let mut cache = lock(&self.fragments);
        if cache.len() > 4_096 {
            cache.clear();
        }
        cache.insert(key, Arc::clone(&body));
        Ok(body)
    }

    /// The socket message carrying [`Web::live_html`], shared the same way.
    pub(super) fn live_message(
        &self,
        id: &str,
        seq: u64,
        table: &Table,
        role: Role,
        session: Option<&Session>,
    ) -> Result<Arc<String>, Response> {
        let html = self.live_html(id, seq, table, role, session)?;
        let key = (
            id.to_owned(),
            seq,
            format!("msg:{}", viewer_key(role, session)),
        );
        if let Some(hit) = lock(&self.fragments).get(&key) {
            return Ok(Arc::clone(hit));
        }
        let msg = Arc::new(json!({"type": "live", "seq": seq, "html": html.as_str()}).to_string());
        lock(&self.fragments).insert(key, Arc::clone(&msg));
        Ok(msg)
    }

    async fn table_response(
        &self,
        id: &str,
        session: Option<&Session>,
        answer: Option<&str>,
    ) -> Response {
        let (table, seq, role) = match self.access(id, session).await {
            Ok(x) => x,
            Err(r) => return r,
        };
        let live = match self.live_html(id, seq, &table, role, session) {
            Ok(l) => l,
            Err(r) => return r,
        };
        let mut ctx = base_context(session, &self.settings.secret);
        ctx.insert("table", id);
        ctx.insert("role", &role);
        ctx.insert("live", live.as_str());
        ctx.insert("answer", &answer);
        ctx.insert("rid", &auth::random_hex(8));
        ctx.insert("hints", &hints());
        match self.render("table.html", &ctx) {
            Ok(body) => html(StatusCode::OK, body),
            Err(r) => r,
        }
    }
}

/// Who sees the same live part: everyone with `role` who is not signed
/// in, or one signed-in player in `role`.
fn viewer_key(role: Role, session: Option<&Session>) -> String {
    match session {
        None => format!("{role:?}"),
        Some(s) => format!("{role:?}:{}", s.player),
    }
}

fn base_context(session: Option<&Session>, secret: &[u8]) -> tera::Context {
    let mut ctx = tera::Context::new();
    ctx.insert("signed_in", &session.is_some());
    ctx.insert("me", &session.map(|s| s.player.clone()));
    ctx.insert("csrf", &session.map(|s| s.csrf(secret)).unwrap_or_default());
    ctx
}

/// The command hints: the help's commands, one each.
fn hints() -> Vec<&'static str> {
    dm::HELP
        .split(['·', '\n'])
        .map(str::trim)
        .filter(|h| !h.is_empty() && !h.ends_with(':'))
        .map(|h| h.trim_start_matches("DM: "))
        .collect()
}

/// A POST from another site (its `Origin` names another host) is refused.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    origin
        .split_once("://")
        .is_some_and(|(_, rest)| rest == host)
}

async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=300"),
        ],
        include_str!("assets/style.css"),
    )
        .into_response()
}

async fn js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=300"),
        ],
        include_str!("assets/app.js"),
    )
        .into_response()
}

async fn index(State(web): State<Arc<Web>>, headers: HeaderMap) -> Response {
    let session = match web.session(&headers) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let infos = match web.router.store().list_tables().await {
        Ok(t) => t,
        Err(e) => return web.failed(&e.into()),
    };
    let player = session.as_ref().map(|s| PlayerId::new(s.player.clone()));
    let mut tables = Vec::new();
    for info in infos.iter().take(500) {
        let Ok(table) = web.router.table(&info.id).await else {
            continue;
        };
        let role = Role::of(&table, player.as_ref());
        if role == Role::Watcher && !web.settings.allow_watchers {
            continue;
        }
        let fight = table.encounter.as_ref().map(|e| e.round);
        tables.push(json!({
            "id": info.id,
            "role": role,
            "characters": table.characters.len(),
            "round": fight,
        }));
    }
    let mut ctx = base_context(session.as_ref(), &web.settings.secret);
    ctx.insert("tables", &tables);
    match web.render("index.html", &ctx) {
        Ok(body) => html(StatusCode::OK, body),
        Err(r) => r,
    }
}

async fn signin_form(State(web): State<Arc<Web>>, headers: HeaderMap) -> Response {
    let session = web.session(&headers).unwrap_or_default();
    let mut ctx = base_context(session.as_ref(), &web.settings.secret);
    ctx.insert("why", &None::<String>);
    match web.render("signin.html", &ctx) {
        Ok(body) => html(StatusCode::OK, body),
        Err(r) => r,
    }
}

#[derive(Deserialize)]
struct SignIn {
    code: String,
}

async fn signin(
    State(web): State<Arc<Web>>,
    headers: HeaderMap,
    Form(form): Form<SignIn>,
) -> Response {
    if !same_origin(&headers) {
        return web.error(StatusCode::FORBIDDEN, "a form from another site");
    }
    let refuse = |why: &str| {
        let mut ctx = base_context(None, &web.settings.secret);
        ctx.insert("why", &Some(why));
        match web.render("signin.html", &ctx) {
            Ok(body) => html(StatusCode::UNAUTHORIZED, body),
            Err(r) => r,
        }
    };
    if !web.signin_allowed() {
        return refuse("too many sign-in attempts: wait a few seconds");
    }
    let Some(code) = auth::normalize_code(&form.code) else {
        return refuse("a code is letters and digits: get one with `dungeon web link NAME`");
    };
    // A code from `dungeon web link` (kept in the store), else one from
    // `link` on the radio or `/char link` on Discord (kept by the router).
    let player = match web.router.store().take_web_code(&code).await {
        Ok(Some(name)) => Some(web.router.player_of(&name)),
        Ok(None) => web.router.take_link_code(&code),
        Err(e) => return web.failed(&e.into()),
    };
    let Some(player) = player else {
        return refuse("that code is unknown, used or expired: ask for a new one");
    };
    let t = now();
    let session = Session::new(&player.0, t, web.settings.session_life.as_secs());
    if let Err(e) = web.router.link_identity(&session.sender(), &player).await {
        return web.failed(&e);
    }
    let mut r = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
    if let Ok(v) = HeaderValue::from_str(&session.set_cookie(&web.settings.secret, t)) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

#[derive(Deserialize)]
struct Csrf {
    #[serde(default)]
    csrf: String,
}

async fn signout(
    State(web): State<Arc<Web>>,
    headers: HeaderMap,
    Form(form): Form<Csrf>,
) -> Response {
    let session = match web.session(&headers) {
        Ok(s) => s,
        Err(r) => return r,
    };
    if let Some(s) = &session
        && !s.csrf_ok(&web.settings.secret, &form.csrf)
    {
        return web.error(StatusCode::FORBIDDEN, "the form is stale: reload the page");
    }
    let mut r = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
    if let Ok(v) = HeaderValue::from_str(&auth::clear_cookie()) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

#[derive(Deserialize)]
struct NewTable {
    #[serde(default)]
    csrf: String,
}

/// A signed-in person opens a new table as its DM.
async fn new_table(
    State(web): State<Arc<Web>>,
    headers: HeaderMap,
    Form(form): Form<NewTable>,
) -> Response {
    let session = match signed(&web, &headers, &form.csrf) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let id = crate::core::game::new_table_id("web");
    let seed = crate::core::game::random_seed();
    let meta = json!({"transport": "web", "opened_by": session.player});
    if let Err(e) = web
        .router
        .open_table(&id, &meta, PlayerId::new(session.player.clone()), &seed)
        .await
    {
        return web.failed(&e);
    }
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, format!("/t/{id}"))],
    )
        .into_response()
}

/// The signed-in session of a form post whose CSRF token matches.
fn signed(web: &Web, headers: &HeaderMap, csrf: &str) -> Result<Session, Response> {
    if !same_origin(headers) {
        return Err(web.error(StatusCode::FORBIDDEN, "a form from another site"));
    }
    match web.session(headers)? {
        None => Err(web.error(
            StatusCode::UNAUTHORIZED,
            "sign in first (a code from `link`, `/char link` or `dungeon web link NAME`)",
        )),
        Some(s) if !s.csrf_ok(&web.settings.secret, csrf) => Err(web.error(
            StatusCode::FORBIDDEN,
            "the form is stale or from elsewhere: reload the page",
        )),
        Some(s) => Ok(s),
    }
}

async fn table_page(
    State(web): State<Arc<Web>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let session = match web.session(&headers) {
        Ok(s) => s,
        Err(r) => return r,
    };
    web.table_response(&id, session.as_ref(), None).await
}

#[derive(Deserialize)]
struct Do {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    rid: String,
    #[serde(default)]
    cmd: Option<String>,
    #[serde(default)]
    opt: Option<String>,
}

/// A request id from a form's: hex, at most 32 characters; else a new one.
pub(super) fn request_part(rid: &str) -> String {
    if !rid.is_empty() && rid.len() <= 32 && rid.bytes().all(|b| b.is_ascii_alphanumeric()) {
        rid.to_owned()
    } else {
        auth::random_hex(8)
    }
}

async fn table_do(
    State(web): State<Arc<Web>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<Do>,
) -> Response {
    let session = match signed(&web, &headers, &form.csrf) {
        Ok(s) => s,
        Err(r) => return r,
    };
    if let Err(r) = web.access(&id, Some(&session)).await {
        return r;
    }
    let action = match (form.cmd, form.opt) {
        (Some(c), _) if !c.trim().is_empty() => Action::Text(c),
        (_, Some(o)) if !o.is_empty() => Action::Option(o),
        _ => {
            return web.error(
                StatusCode::BAD_REQUEST,
                "type a command, or press an option",
            );
        }
    };
    if matches!(&action, Action::Text(t) | Action::Option(t) if t.len() > MAX_FIELD) {
        return web.error(StatusCode::PAYLOAD_TOO_LARGE, "that command is too long");
    }
    let request = format!("{}-{}", session.sid, request_part(&form.rid));
    let player = PlayerId::new(session.player.clone());
    let answer = match web
        .act(&id, &session.sender(), &player, &request, action)
        .await
    {
        Ok(a) => a,
        Err(e) => return web.failed(&e),
    };
    web.table_response(&id, Some(&session), Some(&answer)).await
}

/// The largest import form taken: a sheet of [`sheets::MAX_BYTES`] grows
/// up to three times when a browser encodes it, plus the other fields.
const IMPORT_BODY: usize = 3 * sheets::MAX_BYTES + 4_096;

#[derive(Deserialize)]
struct Import {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    rid: String,
    #[serde(default)]
    sheet: String,
}

/// A character pasted on the table's page (`/char import`'s formats and
/// limits): imported as the signed-in player, the report shown as the answer.
async fn table_import(
    State(web): State<Arc<Web>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<Import>,
) -> Response {
    let session = match signed(&web, &headers, &form.csrf) {
        Ok(s) => s,
        Err(r) => return r,
    };
    if let Err(r) = web.access(&id, Some(&session)).await {
        return r;
    }
    if form.sheet.trim().is_empty() {
        return web.error(
            StatusCode::BAD_REQUEST,
            "paste a character: Foundry VTT or exported JSON, or Fight Club 5 XML",
        );
    }
    if form.sheet.len() > sheets::MAX_BYTES {
        return web.error(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!(
                "that sheet is {} bytes; a character file may be at most {} bytes",
                form.sheet.len(),
                sheets::MAX_BYTES
            ),
        );
    }
    let request = format!("{}-{}", session.sid, request_part(&form.rid));
    let player = PlayerId::new(session.player.clone());
    let answer = match web
        .act(
            &id,
            &session.sender(),
            &player,
            &request,
            Action::Import(form.sheet),
        )
        .await
    {
        Ok(a) => a,
        Err(e) => return web.failed(&e),
    };
    web.table_response(&id, Some(&session), Some(&answer)).await
}

async fn desk(State(web): State<Arc<Web>>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let session = match web.session(&headers) {
        Ok(s) => s,
        Err(r) => return r,
    };
    web.desk_response(&id, session.as_ref(), None).await
}

#[derive(Deserialize)]
struct DeskForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    rid: String,
    action: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    field: String,
    #[serde(default)]
    reason: String,
}

/// A desk form as the DM command it stands for; `Err`: what is missing.
pub(super) fn desk_command(f: &DeskFields<'_>) -> Result<String, String> {
    let one_word = |what: &str, s: &str| {
        let s = s.trim();
        if s.is_empty() || s.chars().any(char::is_whitespace) {
            Err(format!("{what}: one word"))
        } else {
            Ok(s.to_owned())
        }
    };
    let quoted = |s: &str| format!("\"{}\"", s.trim().replace('"', "'"));
    Ok(match f.action {
        "hp" => format!(
            "dm hp {} {}",
            one_word("who", f.target)?,
            one_word("amount (+7 or -5)", f.value)?
        ),
        "cond_add" | "cond_remove" => format!(
            "dm cond {} {} {}",
            one_word("who", f.target)?,
            if f.action == "cond_add" {
                "add"
            } else {
                "remove"
            },
            one_word("condition", f.value)?
        ),
        "set" => {
            if f.reason.trim().is_empty() {
                return Err("a sheet edit needs a reason".to_owned());
            }
            format!(
                "dm set {} {} {} {}",
                one_word("character", f.target)?,
                one_word("field", f.field)?,
                one_word("value", f.value)?,
                quoted(f.reason)
            )
        }
        "xp" => format!("dm xp {} {}", one_word("amount", f.value)?, f.target.trim()),
        "loot" => format!("dm loot {} {}", one_word("what", f.value)?, f.target.trim()),
        "narrate" => {
            if f.value.trim().is_empty() {
                return Err("narrate what?".to_owned());
            }
            format!("dm narrate {}", f.value.trim())
        }
        "next" => "n".to_owned(),
        "reveal" => "dm reveal".to_owned(),
        "end" => "dm end".to_owned(),
        "command" => {
            if f.value.trim().is_empty() {
                return Err("type a command".to_owned());
            }
            f.value.trim().to_owned()
        }
        other => return Err(format!("no desk action `{other}`")),
    }
    .trim()
    .to_owned())
}

/// The fields of a desk form.
pub(super) struct DeskFields<'a> {
    pub action: &'a str,
    pub target: &'a str,
    pub value: &'a str,
    pub field: &'a str,
    pub reason: &'a str,
}

async fn desk_do(
    State(web): State<Arc<Web>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<DeskForm>,
) -> Response {
    let session = match signed(&web, &headers, &form.csrf) {
        Ok(s) => s,
        Err(r) => return r,
    };
    match web.access(&id, Some(&session)).await {
        Ok((_, _, Role::Dm)) => {}
        Ok(_) => return web.error(StatusCode::FORBIDDEN, "the desk is the DM's"),
        Err(r) => return r,
    }
    let fields = DeskFields {
        action: &form.action,
        target: &form.target,
        value: &form.value,
        field: &form.field,
        reason: &form.reason,
    };
    if [fields.target, fields.value, fields.field, fields.reason]
        .iter()
        .any(|f| f.len() > MAX_FIELD)
    {
        return web.error(StatusCode::PAYLOAD_TOO_LARGE, "a field is too long");
    }
    let answer = match desk_command(&fields) {
        Err(why) => why,
        Ok(text) => {
            let request = format!("{}-{}", session.sid, request_part(&form.rid));
            let player = PlayerId::new(session.player.clone());
            match web
                .act(
                    &id,
                    &session.sender(),
                    &player,
                    &request,
                    Action::Text(text),
                )
                .await
            {
                Ok(a) => a,
                Err(e) => return web.failed(&e),
            }
        }
    };
    web.desk_response(&id, Some(&session), Some(&answer)).await
}

impl Web {
    async fn desk_response(
        &self,
        id: &str,
        session: Option<&Session>,
        answer: Option<&str>,
    ) -> Response {
        let (table, seq, role) = match self.access(id, session).await {
            Ok(x) => x,
            Err(r) => return r,
        };
        if role != Role::Dm {
            return self.error(StatusCode::FORBIDDEN, "the desk is the DM's");
        }
        let live = match self.live_html(id, seq, &table, role, session) {
            Ok(l) => l,
            Err(r) => return r,
        };
        let mut history = Vec::new();
        for c in &table.characters {
            match self.router.store().sheet_history(id, &c.handle).await {
                Ok(edits) => {
                    for e in edits {
                        history.push(json!({
                            "character": c.name,
                            "who": e.who,
                            "at": e.at_ms / 1000,
                            "when": utc(e.at_ms / 1000),
                            "reason": e.reason,
                            "changes": changes(&e.before, &e.after),
                        }));
                    }
                }
                Err(e) => return self.failed(&e.into()),
            }
        }
        history.sort_by_key(|h| std::cmp::Reverse(h["at"].as_i64().unwrap_or(0)));
        let mut ctx = base_context(session, &self.settings.secret);
        ctx.insert("table", id);
        ctx.insert("live", live.as_str());
        ctx.insert("answer", &answer);
        ctx.insert("rid", &auth::random_hex(8));
        ctx.insert("history", &history);
        ctx.insert(
            "handles",
            &table
                .characters
                .iter()
                .map(|c| c.handle.clone())
                .chain(
                    table
                        .encounter
                        .iter()
                        .flat_map(|e| e.monsters.iter().map(|m| m.handle.clone())),
                )
                .collect::<Vec<_>>(),
        );
        match self.render("desk.html", &ctx) {
            Ok(body) => html(StatusCode::OK, body),
            Err(r) => r,
        }
    }
}

/// Unix seconds as `YYYY-MM-DD HH:MM UTC`.
pub(super) fn utc(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rem / 3_600,
        rem % 3_600 / 60
    )
}

/// What an edit changed: `field: before → after` for each top-level field.
fn changes(before: &serde_json::Value, after: &serde_json::Value) -> Vec<String> {
    let (Some(b), Some(a)) = (before.as_object(), after.as_object()) else {
        return vec![if before.is_null() {
            "created".to_owned()
        } else {
            "replaced".to_owned()
        }];
    };
    let mut out = Vec::new();
    for (k, av) in a {
        let bv = b.get(k).unwrap_or(&serde_json::Value::Null);
        if bv != av {
            out.push(format!("{k}: {bv} → {av}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fields<'a>(action: &'a str, target: &'a str, value: &'a str) -> DeskFields<'a> {
        DeskFields {
            action,
            target,
            value,
            field: "",
            reason: "",
        }
    }

    #[test]
    fn desk_forms_are_dm_commands() {
        assert_eq!(
            desk_command(&fields("hp", "g1", "-5")).as_deref(),
            Ok("dm hp g1 -5")
        );
        assert_eq!(
            desk_command(&fields("cond_add", "g1", "prone")).as_deref(),
            Ok("dm cond g1 add prone")
        );
        let set = DeskFields {
            action: "set",
            target: "aria",
            value: "16",
            field: "ac",
            reason: "found a \"shield\"",
        };
        assert_eq!(
            desk_command(&set).as_deref(),
            Ok("dm set aria ac 16 \"found a 'shield'\"")
        );
        assert!(desk_command(&fields("hp", "g1 g2", "-5")).is_err());
        assert!(desk_command(&fields("set", "aria", "16")).is_err());
        assert!(desk_command(&fields("drop tables", "", "")).is_err());
    }

    #[test]
    fn times_read_as_utc() {
        assert_eq!(utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(utc(1_796_598_161), "2026-12-06 23:02 UTC");
    }

    #[test]
    fn hints_are_commands() {
        let h = hints();
        assert!(h.contains(&"status"));
        assert!(h.iter().all(|x| !x.contains('·')));
    }

    proptest! {
        #[test]
        fn any_desk_form_is_one_line_or_refused(
            action in "(hp|cond_add|set|xp|loot|narrate|next|command|[a-z]{1,6})",
            target in ".{0,20}", value in ".{0,20}", field in ".{0,10}", reason in ".{0,20}",
        ) {
            let f = DeskFields { action: &action, target: &target, value: &value, field: &field, reason: &reason };
            if let Ok(cmd) = desk_command(&f) {
                prop_assert!(!cmd.is_empty());
                // Whatever it says, it is parsed by the one grammar as any typed command.
                let _ = dm::parse(&cmd);
            }
        }
    }
}
