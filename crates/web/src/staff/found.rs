//! The Fundbüro of an office (`/{t}/verwaltung/fundbuero/{office}`): register a found item
//! (public layer checked for names, numbers, IBANs, e-mail addresses and phone numbers;
//! private layer kept apart), and the office's items with their keeping deadline, what
//! happens after it, and the loss reports that may match.

use super::Frame;
use crate::kit::views::loc;
use crate::kit::{Form, Page, Prefs, St, StaffMember, WebError, WebResult};
use axum::extract::Path;
use axum::http::StatusCode;
use axum_extra::extract::CookieJar;
use fluent_bundle::FluentArgs;
use minijinja::context;
use rathaus_app::access::{OfficeDesk, Staff};
use rathaus_app::found::{Decided, NewItem, PhotoAdded, Registered};
use rathaus_domain::found::{AfterKeeping, Category, Feature, COLOURS};
use rathaus_domain::TenantDef;
use serde_json::{json, Value};

fn desk<'s>(staff: &'s Staff, t: &TenantDef, oid: &str) -> Result<OfficeDesk<'s>, WebError> {
    if !rathaus_app::found::offices(t).any(|o| o.id.as_str() == oid) {
        return Err(WebError::NotFound);
    }
    staff.office(oid).ok_or(WebError::Forbidden)
}

fn choices(page: &Page<'_>, input: &NewItem) -> (Vec<Value>, Vec<Value>) {
    let categories = Category::ALL
        .into_iter()
        .map(|c| {
            json!({"value": c.as_str(), "label": page.text(&format!("found-cat-{}", c.as_str().replace('_', "-"))),
                   "selected": c.as_str() == input.category})
        })
        .collect();
    let colours = COLOURS
        .into_iter()
        .map(|c| json!({"value": c, "label": page.text(&format!("found-colour-{c}")), "selected": c == input.colour}))
        .collect();
    (categories, colours)
}

/// The label of a kind of private feature (staff form and comparison).
fn feature_label(page: &Page<'_>, f: Feature) -> String {
    page.text(&format!("found-feature-{}", f.as_str()))
}

async fn render(
    state: &crate::kit::AppState,
    fr: Frame<'_>,
    d: &OfficeDesk<'_>,
    input: &NewItem,
    errors: Vec<Value>,
    summary: Option<String>,
    status: StatusCode,
) -> WebResult {
    let t = fr.t;
    let page = &fr.page;
    let lang = page.lang();
    let items = rathaus_app::found::office_items(&state.app, t, d).await?;
    let w = page.words();
    let error = |f: &str| crate::kit::views::error_at(&errors, f);
    let items: Vec<Value> = items
        .iter()
        .map(|s| {
            let i = &s.item;
            let after = match s.after {
                AfterKeeping::Keep => None,
                AfterKeeping::ToFinder => Some(page.text("found-after-finder")),
                AfterKeeping::Auction => Some(page.text("found-after-auction")),
            };
            json!({
                "number": i.number,
                "category": page.text(&format!("found-cat-{}", i.category.replace('_', "-"))),
                "public": Category::parse(&i.category).is_some_and(Category::is_public),
                "colour": i.colour.as_deref().map(|c| page.text(&format!("found-colour-{c}"))),
                "brand": i.brand,
                "description": i.description,
                "place": i.place,
                "private": Feature::ALL.into_iter()
                    .filter(|f| !s.private.get(*f).is_empty())
                    .map(|f| json!({"label": feature_label(page, f), "value": s.private.get(f)}))
                    .collect::<Vec<_>>(),
                "photos": s.photos.iter().enumerate().map(|(n, ph)| {
                    let mut a = FluentArgs::new();
                    a.set("n", n + 1);
                    a.set("number", i.number.clone());
                    json!({
                        "href": crate::kit::paths::staff_found_photo(t.id.as_str(), d.office(), &ph.id),
                        "alt": w.with("found-photo-alt", &a),
                    })
                }).collect::<Vec<_>>(),
                "photo_error": error(&format!("foto-{}", i.number)),
                "photo_action": (i.status == "kept" && (s.photos.len() as i64) < rathaus_app::found::MAX_PHOTOS)
                    .then(|| crate::kit::paths::staff_found_photos(t.id.as_str(), d.office(), &i.number)),
                "found_on": rathaus_domain::form::format_date_de(&i.found_on),
                "keeping_ends": rathaus_domain::form::format_date_de(&s.keeping_ends),
                "after": after,
                "kept": i.status == "kept",
                "settle": match (i.status.as_str(), s.after) {
                    ("kept", AfterKeeping::ToFinder) => Some("finder"),
                    ("kept", AfterKeeping::Auction) => Some("auction"),
                    _ => None,
                },
                "status": page.text(&format!("found-status-{}", i.status.replace('_', "-"))),
                "claims": s.claims.iter().map(|sc| {
                    let c = &sc.claim;
                    json!({
                        "id": c.id,
                        "name": c.name,
                        "email": c.email,
                        "answers": sc.answers.iter().map(|(f, given, kept)| json!({
                            "label": feature_label(page, *f),
                            "given": given,
                            "kept": kept,
                            "agrees": if *f == Feature::Serial { sc.serial_agrees } else { None },
                        })).collect::<Vec<_>>(),
                        "open": c.status == "open",
                        "status": page.text(&format!("found-claim-status-{}", c.status)),
                        "reward": c.reward_cents.map(|r| rathaus_app::texts::money(r, lang)),
                        "fee": c.fee_cents.filter(|f| *f > 0).map(|r| rathaus_app::texts::money(r, lang)),
                        "value_error": error(&format!("wert-{}", c.id)),
                    })
                }).collect::<Vec<_>>(),
                "matches": s.matches.iter().map(|m| json!({
                    "description": m.loss_description,
                    "lost_on": rathaus_domain::form::format_date_de(&m.lost_on),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let (categories, colours) = choices(page, input);
    let private: Vec<Value> = Feature::ALL
        .into_iter()
        .map(|f| {
            json!({
                "field": f.field(),
                "label": feature_label(page, f),
                "value": input.private.get(f),
                "error": error(f.field()),
            })
        })
        .collect();
    let office = t.offices.iter().find(|o| o.id.as_str() == d.office());
    let ctx = context! {
        office => office.map(|o| loc(&o.name, lang)),
        action => crate::kit::paths::staff_found(t.id.as_str(), d.office()),
        decide_action => crate::kit::paths::staff_found_decide(t.id.as_str(), d.office()),
        settle_action => crate::kit::paths::staff_found_settle(t.id.as_str(), d.office()),
        categories, colours,
        brand => input.brand.clone(), description => input.description.clone(),
        place => input.place.clone(), found_on => input.found_on.clone(),
        private, finder_claims => input.finder_claims,
        kategorie_error => error("kategorie"), farbe_error => error("farbe"), marke_error => error("marke"),
        beschreibung_error => error("beschreibung"), fundort_error => error("fundort"),
        funddatum_error => error("funddatum"),
        errors, summary, items,
    };
    Ok(fr.render(status, "staff/found.html", "found", ctx))
}

/// `GET /{t}/verwaltung/fundbuero/{office}`.
pub async fn page(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    StaffMember(staff): StaffMember,
    Path((tid, oid)): Path<(String, String)>,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let d = desk(&staff, t, &oid)?;
    render(
        &state,
        Frame::new(t, page, &staff, jar),
        &d,
        &NewItem::default(),
        Vec::new(),
        None,
        StatusCode::OK,
    )
    .await
}

/// `POST /{t}/verwaltung/fundbuero/{office}`: register a found item (audited).
pub async fn register(
    state: St,
    prefs: Prefs,
    StaffMember(staff): StaffMember,
    Path((tid, oid)): Path<(String, String)>,
    Form(p, jar): Form,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let d = desk(&staff, t, &oid)?;
    let input = NewItem {
        category: p.raw("kategorie").to_owned(),
        colour: p.raw("farbe").to_owned(),
        brand: p.raw("marke").to_owned(),
        description: p.raw("beschreibung").to_owned(),
        place: p.raw("fundort").to_owned(),
        found_on: p.raw("funddatum").to_owned(),
        private: rathaus_app::found::posted_features(|f| p.raw(f)),
        finder_claims: p.ticked("finderlohn"),
    };
    match rathaus_app::found::register(&state.app, t, &d, &input).await? {
        Registered::Done { number, matches } => {
            let mut a = FluentArgs::new();
            a.set("number", number);
            a.set("matches", matches);
            let summary = page.words().with("found-registered", &a);
            render(
                &state,
                Frame::new(t, page, &staff, jar),
                &d,
                &NewItem::default(),
                Vec::new(),
                Some(summary),
                StatusCode::OK,
            )
            .await
        }
        Registered::Invalid(e) => {
            let errors = crate::kit::views::field_errors(&page, &e);
            render(
                &state,
                Frame::new(t, page, &staff, jar),
                &d,
                &input,
                errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// `POST /{t}/verwaltung/fundbuero/{office}/entscheidung`: accept or reject a claim
/// (audited; the claimant is mailed).
pub async fn decide(
    state: St,
    prefs: Prefs,
    StaffMember(staff): StaffMember,
    Path((tid, oid)): Path<(String, String)>,
    Form(p, jar): Form,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let d = desk(&staff, t, &oid)?;
    let accept = p.raw("aktion") == "annehmen";
    let answer =
        rathaus_app::found::decide(&state.app, t, &d, p.raw("anspruch"), accept, p.raw("wert"))
            .await?;
    let w = page.words();
    let (summary, errors, status) = match answer {
        Decided::Done {
            accepted,
            reward_cents,
            fee_cents,
        } => {
            let mut a = FluentArgs::new();
            let money = |c: Option<i64>| {
                c.map(|r| rathaus_app::texts::money(r, page.lang()))
                    .unwrap_or_default()
            };
            a.set("reward", money(reward_cents));
            a.set("fee", money(fee_cents));
            let key = match (accepted, reward_cents.is_some()) {
                (true, true) => "found-claim-accepted-reward",
                (true, false) => "found-claim-accepted",
                (false, _) => "found-claim-rejected",
            };
            let mut summary = w.with(key, &a);
            if fee_cents.is_some_and(|f| f > 0) {
                summary = format!("{summary} {}", w.with("found-claim-accepted-fee", &a));
            }
            (Some(summary), Vec::new(), StatusCode::OK)
        }
        Decided::BadValue => (
            None,
            vec![
                json!({"field": format!("wert-{}", p.raw("anspruch")), "message": page.text("found-error-value")}),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Decided::Gone => return Err(WebError::Conflict),
    };
    render(
        &state,
        Frame::new(t, page, &staff, jar),
        &d,
        &NewItem::default(),
        errors,
        summary,
        status,
    )
    .await
}

/// `POST /{t}/verwaltung/fundbuero/{office}/frist`: an item past its keeping period is
/// handed to the finder or given to auction (audited).
pub async fn settle(
    state: St,
    prefs: Prefs,
    StaffMember(staff): StaffMember,
    Path((tid, oid)): Path<(String, String)>,
    Form(p, jar): Form,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let d = desk(&staff, t, &oid)?;
    let to_finder = p.raw("aktion") == "finder";
    if !rathaus_app::found::settle(&state.app, t, &d, p.raw("fundnummer"), to_finder).await? {
        return Err(WebError::Conflict);
    }
    let mut a = FluentArgs::new();
    a.set("number", p.raw("fundnummer").to_owned());
    let key = if to_finder {
        "found-settled-finder"
    } else {
        "found-settled-auction"
    };
    let summary = page.words().with(key, &a);
    render(
        &state,
        Frame::new(t, page, &staff, jar),
        &d,
        &NewItem::default(),
        Vec::new(),
        Some(summary),
        StatusCode::OK,
    )
    .await
}

/// `POST /{t}/verwaltung/fundbuero/{office}/fotos/{number}`: a photo of a kept item (JPEG
/// or PNG; staff only, audited).
pub async fn add_photo(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    StaffMember(staff): StaffMember,
    Path((tid, oid, number)): Path<(String, String, String)>,
    mp: axum::extract::Multipart,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let d = desk(&staff, t, &oid)?;
    let added = match super::uploaded_file(&jar, mp).await? {
        None => PhotoAdded::TooLarge,
        Some(bytes) => rathaus_app::found::add_photo(&state.app, t, &d, &number, &bytes).await?,
    };
    let mut a = FluentArgs::new();
    a.set("number", number.clone());
    a.set("max", rathaus_app::found::MAX_PHOTOS);
    a.set(
        "limit",
        rathaus_domain::form::format_bytes(rathaus_app::found::MAX_PHOTO_BYTES as u64),
    );
    let w = page.words();
    let (summary, errors, status) = match added {
        PhotoAdded::Done => (
            Some(w.with("found-photo-added", &a)),
            Vec::new(),
            StatusCode::OK,
        ),
        other => {
            let (key, status) = match other {
                PhotoAdded::Nothing => ("found-photo-none", StatusCode::UNPROCESSABLE_ENTITY),
                PhotoAdded::TooLarge => ("found-photo-too-large", StatusCode::PAYLOAD_TOO_LARGE),
                PhotoAdded::WrongType => ("found-photo-type", StatusCode::UNPROCESSABLE_ENTITY),
                PhotoAdded::NotForCategory => {
                    ("found-photo-category", StatusCode::UNPROCESSABLE_ENTITY)
                }
                _ => ("found-photo-full", StatusCode::CONFLICT),
            };
            let error = json!({"field": format!("foto-{number}"), "message": w.with(key, &a)});
            (None, vec![error], status)
        }
    };
    render(
        &state,
        Frame::new(t, page, &staff, jar),
        &d,
        &NewItem::default(),
        errors,
        summary,
        status,
    )
    .await
}

/// `GET /{t}/verwaltung/fundbuero/{office}/foto/{id}`: a photo, for staff of the office.
pub async fn photo(
    state: St,
    StaffMember(staff): StaffMember,
    Path((tid, oid, id)): Path<(String, String, String)>,
) -> WebResult {
    let site = state.site();
    let t = site.catalog.tenant(&tid).ok_or(WebError::NotFound)?;
    let d = desk(&staff, t, &oid)?;
    let meta = rathaus_app::found::photo(&state.app, t, &d, &id).await?;
    crate::kit::send_file(&state.app, &meta, true).await
}
