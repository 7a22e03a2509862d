//! The screens of the waiting room: the check-in kiosk (opened with the office's key) and
//! the call-up display (no personal data; live through server-sent events, refreshing
//! itself without JavaScript).

use crate::kit::views::loc;
use crate::kit::{csrf, paths, Form, Page, Prefs, St, WebError, WebResult};
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use futures_util::stream::Stream;
use minijinja::context;
use rathaus_app::access::Kiosk;
use rathaus_app::appointments::{calendar_of, date_label, service_names, time_label};
use rathaus_app::visitors::{ticket, CheckIn, Desk};
use rathaus_app::App;
use rathaus_domain::appointment::local_date;
use rathaus_domain::Lang;
use serde_json::{json, Value as Json};
use std::sync::Arc;
use std::time::Duration;

/// A display's event stream ends after this long; the browser reconnects by itself.
const STREAM_MAX: Duration = Duration::from_secs(300);

/// The kiosk of the path, if its key fits (else "not found", without a hint).
fn kiosk_of<'t>(
    t: &'t rathaus_domain::TenantDef,
    oid: &str,
    key: &str,
) -> Result<Kiosk<'t>, WebError> {
    rathaus_app::access::kiosk(t, oid, key).ok_or(WebError::NotFound)
}

fn kiosk_ctx(
    k: &Kiosk<'_>,
    key: &str,
    lang: Lang,
    token: &str,
    error: Option<&str>,
    code: Option<&str>,
) -> minijinja::Value {
    let services: Vec<Json> = k
        .calendar
        .services
        .iter()
        .map(|b| json!({"id": b.id, "name": loc(&b.name, lang)}))
        .collect();
    context! {
        office => json!({"name": loc(&k.office.name, lang)}),
        action => paths::kiosk(k.tenant(), k.office.id.as_str(), key),
        services,
        error,
        code_error => code.is_some(),
        code,
        csrf => token,
    }
}

/// `GET /{t}/vor-ort/{office}/kiosk/{key}`: the check-in terminal in the waiting room.
pub async fn kiosk(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    Path((tid, oid, key)): Path<(String, String, String)>,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let k = kiosk_of(t, &oid, &key)?;
    let (jar, token) = csrf::token(jar);
    let ctx = kiosk_ctx(&k, &key, prefs.lang, &token, None, None);
    Ok((jar, page.private("machine/kiosk.html", ctx)).into_response())
}

/// `POST /{t}/vor-ort/{office}/kiosk/{key}`: a booking code, or what a walk-in came for.
pub async fn kiosk_post(
    state: St,
    prefs: Prefs,
    Path((tid, oid, key)): Path<(String, String, String)>,
    Form(p, jar): Form,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let k = kiosk_of(t, &oid, &key)?;
    let (jar, token) = csrf::token(jar);
    let w = page.words();
    let refuse = |error: String, code: Option<&str>| {
        let ctx = kiosk_ctx(&k, &key, prefs.lang, &token, Some(&error), code);
        let res = page.render_private(StatusCode::UNPROCESSABLE_ENTITY, "machine/kiosk.html", ctx);
        Ok((jar.clone(), res).into_response())
    };
    let desk = Desk::Kiosk(&k);
    let visit = if p.one("aktion").as_deref() == Some("ohne-termin") {
        match rathaus_app::visitors::walk_in(&state.app, &desk, k.calendar, p.all("leistung"))
            .await?
        {
            Some(v) => v,
            None => return refuse(w.get("kiosk-error-service"), None),
        }
    } else {
        let typed = p.one("code").unwrap_or_default();
        match rathaus_app::visitors::check_in(&state.app, &desk, &typed).await? {
            CheckIn::Ticket(v) => *v,
            CheckIn::Unknown => return refuse(w.get("kiosk-error-code"), Some(&typed)),
            CheckIn::TooEarly(from) => {
                let mut a = fluent_bundle::FluentArgs::new();
                a.set("time", time_label(from));
                return refuse(w.with("kiosk-error-early", &a), Some(&typed));
            }
            CheckIn::TooLate => return refuse(w.get("kiosk-error-late"), Some(&typed)),
        }
    };
    let res = page.private(
        "machine/kiosk_ticket.html",
        context! {
            office => json!({"name": loc(&k.office.name, prefs.lang)}),
            ticket => ticket(&visit),
            services => service_names(k.calendar, &visit.services(), prefs.lang).join(", "),
            appointment => visit.due_at.map(time_label),
            back => paths::kiosk(&tid, &oid, &key),
        },
    );
    Ok((jar, res).into_response())
}

/// `GET /{t}/vor-ort/{office}/anzeige`: the call-up display.
pub async fn display(
    state: St,
    prefs: Prefs,
    Path((tid, oid)): Path<(String, String)>,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let (o, _) = calendar_of(t, &oid).ok_or(WebError::NotFound)?;
    let board = rathaus_app::visitors::board(&state.app, &tid, &oid).await?;
    let today = local_date(rathaus_app::clock::now_millis());
    Ok(page.private(
        "machine/display.html",
        context! {
            office => json!({"name": loc(&o.name, prefs.lang)}),
            board,
            events_href => paths::display_events(&tid, &oid),
            script_href => paths::static_file("display.js"),
            date => date_label(&page.words(), today),
        },
    ))
}

/// `GET /{t}/vor-ort/{office}/anzeige/ereignisse`: the board as server-sent events, sent
/// whenever it changes (checked every second, so several portal instances behind one
/// database work alike).
pub async fn display_events(state: St, Path((tid, oid)): Path<(String, String)>) -> Response {
    let site = state.site();
    if site
        .catalog
        .tenant(&tid)
        .and_then(|t| calendar_of(t, &oid))
        .is_none()
    {
        return StatusCode::NOT_FOUND.into_response();
    }
    let shutdown = state.shutdown.clone();
    Sse::new(board_stream(state.app.clone(), tid, oid, shutdown))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

fn board_stream(
    app: Arc<App>,
    tid: String,
    oid: String,
    shutdown: tokio_util::sync::CancellationToken,
) -> impl Stream<Item = Result<Event, std::convert::Infallible>> {
    let ends = tokio::time::Instant::now() + STREAM_MAX;
    futures_util::stream::unfold((app, String::new()), move |(app, last)| {
        let (tid, oid, shutdown) = (tid.clone(), oid.clone(), shutdown.clone());
        async move {
            loop {
                if tokio::time::Instant::now() >= ends || shutdown.is_cancelled() {
                    return None;
                }
                if let Ok(b) = rathaus_app::visitors::board_cached(&app, &tid, &oid).await {
                    let data = b.to_string();
                    if data != last {
                        let ev = Event::default().event("board").data(data.clone());
                        return Some((Ok(ev), (app, data)));
                    }
                }
                tokio::select! {
                    () = tokio::time::sleep(Duration::from_secs(1)) => {}
                    () = shutdown.cancelled() => return None,
                }
            }
        }
    })
}
