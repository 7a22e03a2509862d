//! The Fundbüro: staff of an office register found items (a public layer checked for what
//! must not be published, and a private layer only staff see); anyone searches the public
//! layer; citizens report a loss, which stands as a search: a new item that may match is
//! suggested to staff and the owner is told "there may be a match, please contact us" —
//! a match never decides ownership. Identity documents and bank cards are registered but
//! never listed. Registrations are audited.

use crate::access::OfficeDesk;
use crate::{App, AppResult};
use jiff::civil::Date;
use rathaus_domain::form::Message;
use rathaus_domain::found::{
    after_keeping, keeping_ends, may_match, redaction_problems, AfterKeeping, Category, Feature,
    Features, Loss, PublicItem, COLOURS,
};
use rathaus_domain::tenant::OfficeDef;
use rathaus_domain::{Lang, TenantDef};
use rathaus_store::{
    ClaimDecided, FoundClaim, FoundItem, FoundMatch, FoundPhoto, FoundQuery, LossReport, MatchNews,
    StoreError,
};

/// Longest texts.
pub const MAX_DESCRIPTION: usize = 300;
pub const MAX_PLACE: usize = 80;
pub const MAX_BRAND: usize = 60;
pub const MAX_PRIVATE: usize = 1000;
/// Photos per item, and the size of one.
pub const MAX_PHOTOS: i64 = 3;
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;

/// Field errors, by the form's input names.
pub type FieldErrors = Vec<(&'static str, Message)>;

/// The offices of `t` with a Fundbüro.
pub fn offices(t: &TenantDef) -> impl Iterator<Item = &OfficeDef> {
    t.offices.iter().filter(|o| o.lost_and_found)
}

/// Whether `t` runs a Fundbüro.
pub fn offered(t: &TenantDef) -> bool {
    offices(t).next().is_some()
}

fn key(k: &'static str) -> Message {
    Message::Key(k, Vec::new())
}

/// Reads a day that must lie within the last year.
fn recent_day(s: &str, field: &'static str, errors: &mut FieldErrors) -> Option<Date> {
    let today = crate::clock::today_date();
    match rathaus_domain::id_document::parse_birth_date(s, today) {
        Some(d) if d >= today.checked_sub(jiff::Span::new().years(1)).unwrap_or(d) => Some(d),
        _ => {
            errors.push((
                field,
                key(if s.trim().is_empty() {
                    "found-error-date-missing"
                } else {
                    "found-error-date"
                }),
            ));
            None
        }
    }
}

fn text(
    s: &str,
    field: &'static str,
    min: usize,
    max: usize,
    public: bool,
    errors: &mut FieldErrors,
) -> String {
    let s = s.trim().to_owned();
    let n = s.chars().count();
    if n < min {
        errors.push((
            field,
            key(if n == 0 {
                "found-error-missing"
            } else {
                "found-error-short"
            }),
        ));
    } else if n > max {
        errors.push((
            field,
            Message::Key("found-error-long", vec![("max", max.to_string())]),
        ));
    } else if public {
        if let Some(r) = redaction_problems(&s).first() {
            errors.push((field, key(r.key())));
        }
    }
    s
}

fn colour(s: &str, errors: &mut FieldErrors) -> Option<String> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if COLOURS.contains(&s) {
        Some(s.to_owned())
    } else {
        errors.push(("farbe", key("found-error-colour")));
        None
    }
}

fn category(s: &str, errors: &mut FieldErrors) -> Option<Category> {
    let c = Category::parse(s.trim());
    if c.is_none() {
        errors.push(("kategorie", key("found-error-category")));
    }
    c
}

/// A found item as staff enter it.
#[derive(Debug, Clone, Default)]
pub struct NewItem {
    pub category: String,
    pub colour: String,
    pub brand: String,
    pub description: String,
    pub place: String,
    pub found_on: String,
    /// The private layer, by kind (never published; each kind kept becomes a question to
    /// claimants).
    pub private: Features,
    pub finder_claims: bool,
}

/// The private features (or a claimant's answers) of a posted form, by the fields of
/// [`Feature::field`]; `field` gives a field's raw value.
pub fn posted_features<'a>(field: impl Fn(&str) -> &'a str) -> Features {
    let mut out = Features::default();
    for f in Feature::ALL {
        out.set(f, field(f.field()).to_owned());
    }
    out
}

/// Reads the private features (or a claimant's answers), each up to [`MAX_PRIVATE`];
/// `required`: the kinds that must be given (at least two characters).
fn features(input: &Features, required: &[Feature], errors: &mut FieldErrors) -> Features {
    let mut out = Features::default();
    for f in Feature::ALL {
        let min = if required.contains(&f) { 2 } else { 0 };
        out.set(
            f,
            text(input.get(f), f.field(), min, MAX_PRIVATE, false, errors),
        );
    }
    out
}

/// What registering came to.
#[derive(Debug)]
pub enum Registered {
    /// The Fundnummer and how many loss reports may match.
    Done {
        number: String,
        matches: usize,
    },
    Invalid(FieldErrors),
}

fn public_of(i: &FoundItem) -> Option<PublicItem> {
    Some(PublicItem {
        category: Category::parse(&i.category)?,
        colour: i.colour.clone(),
        brand: i.brand.clone(),
        description: i.description.clone(),
        place: i.place.clone(),
        found_on: i.found_on.parse().ok()?,
    })
}

fn loss_of(l: &LossReport) -> Option<Loss> {
    Some(Loss {
        category: Category::parse(&l.category)?,
        colour: l.colour.clone(),
        description: l.description.clone(),
        place: l.place.clone(),
        lost_on: l.lost_on.parse().ok()?,
    })
}

/// The "there may be a match" news to the owner of `loss` — a mail to its address, a
/// notice to its account (either or both): the Fundnummern and where to ask, nothing else.
fn match_news(
    app: &App,
    t: &TenantDef,
    o: Option<&OfficeDef>,
    loss: &LossReport,
    numbers: &[String],
) -> MatchNews {
    let lang = Lang::parse(&loss.lang).unwrap_or(Lang::De);
    let site = app.site();
    let w = site.words(t.id.as_str(), lang);
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("authority", t.name.get(lang).0.to_owned());
    args.set("numbers", numbers.join(", "));
    let office = o.or_else(|| offices(t).next());
    args.set(
        "office",
        office
            .map(|o| o.name.get(lang).0.to_owned())
            .unwrap_or_default(),
    );
    args.set(
        "contact",
        office
            .map(|o| {
                [
                    Some(format!(
                        "{} {}, {} {}",
                        o.address.street,
                        o.address.house_number,
                        o.address.postal_code,
                        o.address.city
                    )),
                    o.phone.clone(),
                    o.email.clone(),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ")
            })
            .unwrap_or_default(),
    );
    let link = crate::links::found_search(t.id.as_str());
    args.set("link", app.config.url(&link));
    let (subject, body) = (
        w.with("found-mail-subject", &args),
        w.with("found-mail-body", &args),
    );
    let mail = (!loss.email.is_empty()).then(|| {
        let payload = rathaus_jobs::MailPayload {
            to: loss.email.clone(),
            subject: subject.clone(),
            body: body.clone(),
            attachment: None,
        };
        serde_json::to_string(&payload).unwrap_or_default()
    });
    let notice = loss
        .account_id
        .as_deref()
        .map(|a| crate::notices::to(a, crate::notices::FOUND_MATCH, subject, body, Some(link)));
    MatchNews { mail, notice }
}

/// Registers a found item at the office of `desk` (audited), with the loss reports it may
/// match and their mails.
pub async fn register(
    app: &App,
    t: &TenantDef,
    desk: &OfficeDesk<'_>,
    input: &NewItem,
) -> AppResult<Registered> {
    let office = offices(t)
        .find(|o| o.id.as_str() == desk.office())
        .ok_or(crate::AppError::NotFound)?;
    if desk.staff().tenant() != t.id.as_str() {
        return Err(crate::AppError::NotFound);
    }
    let mut errors = Vec::new();
    let category = category(&input.category, &mut errors);
    let colour = colour(&input.colour, &mut errors);
    let brand = text(&input.brand, "marke", 0, MAX_BRAND, true, &mut errors);
    let description = text(
        &input.description,
        "beschreibung",
        3,
        MAX_DESCRIPTION,
        true,
        &mut errors,
    );
    let place = text(&input.place, "fundort", 2, MAX_PLACE, true, &mut errors);
    let found_on = recent_day(&input.found_on, "funddatum", &mut errors);
    let private = features(&input.private, &[], &mut errors);
    let (Some(category), Some(found_on)) = (category, found_on) else {
        return Ok(Registered::Invalid(errors));
    };
    if !errors.is_empty() {
        return Ok(Registered::Invalid(errors));
    }
    let public = PublicItem {
        category,
        colour: colour.clone(),
        brand: (!brand.is_empty()).then(|| brand.clone()),
        description: description.clone(),
        place: place.clone(),
        found_on,
    };
    let tid = t.id.as_str();
    let losses = app.db.open_losses(tid, category.as_str()).await?;
    let matched: Vec<&LossReport> = losses
        .iter()
        .filter(|l| loss_of(l).is_some_and(|loss| may_match(&public, &loss)))
        .collect();
    for _ in 0..5 {
        let number = format!(
            "F-{}-{}",
            found_on.year(),
            &crate::secrets::random_token()[..6].to_uppercase()
        );
        let item = FoundItem {
            id: uuid::Uuid::new_v4().to_string(),
            tenant_id: tid.to_owned(),
            office_id: office.id.to_string(),
            number: number.clone(),
            category: category.as_str().to_owned(),
            colour: colour.clone(),
            brand: public.brand.clone(),
            description: description.clone(),
            place: place.clone(),
            found_on: found_on.to_string(),
            reported_on: crate::clock::today_date().to_string(),
            private_features: private.to_stored(),
            finder_claims: input.finder_claims,
            status: "kept".into(),
            created_at: 0,
        };
        let ids: Vec<String> = matched.iter().map(|l| l.id.clone()).collect();
        let news: Vec<MatchNews> = matched
            .iter()
            .map(|l| match_news(app, t, Some(office), l, std::slice::from_ref(&number)))
            .collect();
        let actor = format!("staff:{}", desk.staff().session.staff_id);
        match app.db.add_found_item(&item, &ids, &news, &actor).await {
            Ok(()) => {
                return Ok(Registered::Done {
                    number,
                    matches: matched.len(),
                })
            }
            Err(StoreError::Conflict { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(crate::AppError::Internal(
        "no free Fundnummer after five draws".into(),
    ))
}

/// A loss as a citizen reports it.
#[derive(Debug, Clone, Default)]
pub struct NewLoss {
    pub category: String,
    pub colour: String,
    pub description: String,
    pub place: String,
    pub lost_on: String,
    pub email: String,
    pub consent: bool,
}

/// What reporting came to.
#[derive(Debug)]
pub enum Reported {
    /// Filed; how many items already kept may match (the citizen was mailed if any), the
    /// report's id and the token for its certificate, its reference and access code.
    Done {
        matches: usize,
        id: String,
        certificate: String,
        reference: String,
        code: String,
    },
    Invalid(FieldErrors),
    /// Too many reports from this address: not before this many milliseconds.
    Wait(i64),
}

/// Files a loss report (a standing search) and matches it against the items kept now. A
/// logged-in citizen's report belongs to the account (listed in Mein Bereich, matches
/// told in its Postkorb); the e-mail address is then optional.
pub async fn report_loss(
    app: &App,
    t: &TenantDef,
    lang: Lang,
    ip: Option<std::net::IpAddr>,
    account: Option<&crate::accounts::OwnAccount>,
    input: &NewLoss,
) -> AppResult<Reported> {
    if !offered(t) {
        return Err(crate::AppError::NotFound);
    }
    let mut errors = Vec::new();
    let category = category(&input.category, &mut errors);
    let colour = colour(&input.colour, &mut errors);
    let description = text(
        &input.description,
        "beschreibung",
        3,
        MAX_DESCRIPTION,
        false,
        &mut errors,
    );
    let place = text(&input.place, "verlustort", 0, MAX_PLACE, false, &mut errors);
    let lost_on = recent_day(&input.lost_on, "verlustdatum", &mut errors);
    let email = input.email.trim().to_owned();
    let account = account.filter(|a| a.tenant() == t.id.as_str());
    let email_ok = crate::notices::reachable(&email, account.is_some());
    if !email_ok {
        errors.push((
            "email",
            key(if email.is_empty() {
                "found-error-email-missing"
            } else {
                "error-email"
            }),
        ));
    }
    if !input.consent {
        errors.push(("einwilligung", key("found-error-consent")));
    }
    let (Some(category), Some(lost_on)) = (category, lost_on) else {
        return Ok(Reported::Invalid(errors));
    };
    if !errors.is_empty() {
        return Ok(Reported::Invalid(errors));
    }
    // Each report may mail the address it names: a limit per network address.
    if let crate::guard::Verdict::Wait(ms) = app.guesses.loss_report(ip) {
        tracing::warn!(tenant = %t.id, "loss reports from one address limited");
        return Ok(Reported::Wait(ms));
    }
    let tid = t.id.as_str();
    let loss = Loss {
        category,
        colour: colour.clone(),
        description: description.clone(),
        place: place.clone(),
        lost_on,
    };
    let items = app.db.kept_items(tid, category.as_str()).await?;
    let matched: Vec<&FoundItem> = items
        .iter()
        .filter(|i| public_of(i).is_some_and(|p| may_match(&p, &loss)))
        .collect();
    let mut report = LossReport {
        id: uuid::Uuid::new_v4().to_string(),
        tenant_id: tid.to_owned(),
        category: category.as_str().to_owned(),
        colour,
        description,
        place,
        lost_on: lost_on.to_string(),
        email: email.clone(),
        lang: lang.code().to_owned(),
        account_id: account.map(|a| a.id().to_owned()),
        reference: None,
        created_at: 0,
    };
    let numbers: Vec<String> = matched.iter().map(|i| i.number.clone()).collect();
    let office = matched
        .first()
        .and_then(|i| offices(t).find(|o| o.id.as_str() == i.office_id));
    let news = (!numbers.is_empty()).then(|| match_news(app, t, office, &report, &numbers));
    let ids: Vec<String> = matched.iter().map(|i| i.id.clone()).collect();
    for _ in 0..5 {
        let reference = crate::secrets::new_reference('V');
        report.reference = Some(reference.clone());
        match app.db.add_loss_report(&report, &ids, news.clone()).await {
            Ok(()) => {
                tracing::info!(tenant = %tid, matches = ids.len(), "loss report filed");
                return Ok(Reported::Done {
                    matches: ids.len(),
                    certificate: app.keys.loss_certificate_token(&report.id),
                    code: app.keys.loss_code(&report.id),
                    id: report.id,
                    reference,
                });
            }
            Err(StoreError::Conflict { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(crate::AppError::Internal(
        "no free loss report reference after five draws".into(),
    ))
}

/// What opening a loss report with its reference and code came to.
#[derive(Debug)]
pub enum Opened {
    /// The report, and the token for its certificate and withdrawal in this browser.
    Found(Box<LossReport>, String),
    /// No report for this reference and code: the same answer for a wrong reference and a
    /// wrong code.
    NoReport,
    /// Too many wrong tries: not before this many milliseconds.
    Wait(i64),
    Invalid(FieldErrors),
}

/// A loss report's reference as typed, in its stored form `V-2026-3FA9C2`.
fn typed_reference(s: &str) -> String {
    crate::secrets::typed_reference('V', s)
}

/// Opens loss report `reference` with its access `code` (to see, certify or withdraw it
/// from any browser). Wrong tries count per reference and per address, with growing waits.
pub async fn open_loss(
    app: &App,
    t: &TenantDef,
    ip: Option<std::net::IpAddr>,
    reference: &str,
    code: &str,
) -> AppResult<Opened> {
    if !offered(t) {
        return Err(crate::AppError::NotFound);
    }
    let reference = typed_reference(reference);
    let mut errors = Vec::new();
    if reference.is_empty() {
        errors.push(("meldung", key("found-error-reference")));
    }
    if crate::secrets::normalize_code(code).is_empty() {
        errors.push(("code", key("found-error-code")));
    }
    if !errors.is_empty() {
        return Ok(Opened::Invalid(errors));
    }
    let tid = t.id.as_str();
    let guess = format!("loss:{reference}");
    if let crate::guard::Verdict::Wait(ms) = app.guesses.check(&app.db, tid, &guess, ip).await? {
        return Ok(Opened::Wait(ms));
    }
    match app.db.loss_by_reference(tid, &reference).await? {
        Some(l) if app.keys.loss_code_fits(&l.id, code) => {
            app.guesses.succeeded(&app.db, tid, &guess).await?;
            let token = app.keys.loss_certificate_token(&l.id);
            Ok(Opened::Found(Box::new(l), token))
        }
        _ => {
            app.guesses.failed(&app.db, tid, &guess).await?;
            Ok(Opened::NoReport)
        }
    }
}

/// The public search's question.
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub category: String,
    pub from: String,
    pub to: String,
    /// Words that must match the public layer (description, brand, colour, place).
    pub text: String,
}

/// A found item as the public may see it: no private features, no finder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub number: String,
    pub category: Category,
    pub colour: Option<String>,
    pub brand: Option<String>,
    pub description: String,
    pub place: String,
    pub found_on: String,
    pub office: String,
}

impl Listed {
    /// The public layer of `i` (of a public `category`); nothing of the private one.
    fn of(i: FoundItem, category: Category) -> Listed {
        Listed {
            number: i.number,
            category,
            colour: i.colour,
            brand: i.brand,
            description: i.description,
            place: i.place,
            found_on: i.found_on,
            office: i.office_id,
        }
    }
}

/// Searches the public layer; identity documents and bank cards are never listed.
pub async fn search(app: &App, t: &TenantDef, s: &Search) -> AppResult<Vec<Listed>> {
    if !offered(t) {
        return Err(crate::AppError::NotFound);
    }
    let day = |v: &str| v.trim().parse::<Date>().ok().map(|d| d.to_string());
    let q = FoundQuery {
        category: Category::parse(s.category.trim()).map(|c| c.as_str().to_owned()),
        from: day(&s.from),
        to: day(&s.to),
        hidden: Category::ALL
            .into_iter()
            .filter(|c| !c.is_public())
            .map(|c| c.as_str().to_owned())
            .collect(),
        limit: 500,
    };
    let words: Vec<_> = rathaus_domain::search::query_words(&s.text);
    let found = app.db.search_found(t.id.as_str(), &q).await?;
    Ok(found
        .into_iter()
        .filter_map(|i| {
            let category = Category::parse(&i.category).filter(|c| c.is_public())?;
            let public = rathaus_domain::search::words(&format!(
                "{} {} {} {}",
                i.colour.as_deref().unwrap_or(""),
                i.brand.as_deref().unwrap_or(""),
                i.description,
                i.place
            ));
            let hit = words.iter().all(|q| {
                public
                    .iter()
                    .any(|t| rathaus_domain::search::word_match(q, t) > 0)
            });
            hit.then(|| Listed::of(i, category))
        })
        .take(100)
        .collect())
}

/// An item as staff see it: everything, with its keeping deadline and the suggestions.
#[derive(Debug, Clone)]
pub struct StaffItem {
    pub item: FoundItem,
    /// Its private layer, by kind.
    pub private: Features,
    pub keeping_ends: String,
    pub after: AfterKeeping,
    pub matches: Vec<FoundMatch>,
    /// Claims to it, oldest first.
    pub claims: Vec<StaffClaim>,
    pub photos: Vec<FoundPhoto>,
}

/// A claim as staff compare it: each question with the claimant's answer next to what is
/// kept.
#[derive(Debug, Clone)]
pub struct StaffClaim {
    pub claim: FoundClaim,
    /// `(kind, answer, kept)` for every question the claimant was asked.
    pub answers: Vec<(Feature, String, String)>,
    /// Whether the serial number given is the one kept (a hint; `None`: not asked).
    pub serial_agrees: Option<bool>,
}

fn staff_claim(c: FoundClaim, kept: &Features) -> StaffClaim {
    let given = Features::from_stored(&c.features);
    let asked = kept.questions();
    let answers = Feature::ALL
        .into_iter()
        .filter(|f| asked.contains(f) || !given.get(*f).is_empty())
        .map(|f| (f, given.get(f).to_owned(), kept.get(f).to_owned()))
        .collect();
    let serial_agrees = (!kept.serial.is_empty())
        .then(|| rathaus_domain::found::serials_agree(&kept.serial, &given.serial));
    StaffClaim {
        claim: c,
        answers,
        serial_agrees,
    }
}

/// The items of the office at `desk`.
pub async fn office_items(
    app: &App,
    t: &TenantDef,
    desk: &OfficeDesk<'_>,
) -> AppResult<Vec<StaffItem>> {
    if !offices(t).any(|o| o.id.as_str() == desk.office()) || desk.staff().tenant() != t.id.as_str()
    {
        return Err(crate::AppError::NotFound);
    }
    let tid = t.id.as_str();
    let items = app.db.office_found_items(tid, desk.office()).await?;
    let matches = app.db.office_matches(tid, desk.office()).await?;
    let claims = app.db.office_claims(tid, desk.office()).await?;
    let photos = app.db.office_found_photos(tid, desk.office()).await?;
    let today = crate::clock::today_date();
    Ok(items
        .into_iter()
        .map(|item| {
            let reported: Date = item.reported_on.parse().unwrap_or(today);
            let private = Features::from_stored(&item.private_features);
            StaffItem {
                keeping_ends: keeping_ends(reported).to_string(),
                after: after_keeping(reported, today, item.finder_claims),
                matches: matches
                    .iter()
                    .filter(|m| m.item_id == item.id)
                    .cloned()
                    .collect(),
                claims: claims
                    .iter()
                    .filter(|c| c.item_id == item.id)
                    .map(|c| staff_claim(c.clone(), &private))
                    .collect(),
                photos: photos
                    .iter()
                    .filter(|p| p.item_id == item.id)
                    .cloned()
                    .collect(),
                private,
                item,
            }
        })
        .collect())
}

/// A claim as the claimant enters it.
#[derive(Debug, Clone, Default)]
pub struct NewClaim {
    pub name: String,
    pub email: String,
    /// The answers to the item's questions (see [`Claimable::questions`]).
    pub answers: Features,
    pub consent: bool,
}

/// What claiming came to.
#[derive(Debug)]
pub enum Claimed {
    Done,
    Invalid(FieldErrors),
}

/// An item that may be claimed, with what a claimant is asked about it.
#[derive(Debug, Clone)]
pub struct Claimable {
    pub item: Listed,
    /// The kinds of private features kept: the claimant describes each (what is kept is
    /// never shown).
    pub questions: Vec<Feature>,
}

/// The kept, publicly listed item `number` of `t` (what may be claimed) with its
/// questions, or "not found".
pub async fn claimable(app: &App, t: &TenantDef, number: &str) -> AppResult<Claimable> {
    if !offered(t) {
        return Err(crate::AppError::NotFound);
    }
    let number: String = number.trim().to_uppercase().chars().take(20).collect();
    let i = app
        .db
        .kept_item(t.id.as_str(), &number)
        .await?
        .ok_or(crate::AppError::NotFound)?;
    let category = Category::parse(&i.category)
        .filter(|c| c.is_public())
        .ok_or(crate::AppError::NotFound)?;
    Ok(Claimable {
        questions: Features::from_stored(&i.private_features).questions(),
        item: Listed::of(i, category),
    })
}

/// Claims item `number`: name, e-mail and an answer to each of its questions (compared by
/// staff with the private features; nothing is decided automatically, so the form tells no
/// one anything about what is kept).
pub async fn claim(
    app: &App,
    t: &TenantDef,
    lang: Lang,
    number: &str,
    input: &NewClaim,
) -> AppResult<Claimed> {
    let claimable = claimable(app, t, number).await?;
    let mut errors = Vec::new();
    let answers = features(&input.answers, &claimable.questions, &mut errors);
    let name = text(&input.name, "name", 2, 100, false, &mut errors);
    let email = input.email.trim().to_owned();
    if !rathaus_domain::form::email_valid(&email) || email.len() > 254 {
        errors.push((
            "email",
            key(if email.is_empty() {
                "found-error-email-missing"
            } else {
                "error-email"
            }),
        ));
    }
    if !input.consent {
        errors.push(("einwilligung", key("found-error-claim-consent")));
    }
    if !errors.is_empty() {
        return Ok(Claimed::Invalid(errors));
    }
    let item = app
        .db
        .kept_item(t.id.as_str(), &claimable.item.number)
        .await?
        .ok_or(crate::AppError::NotFound)?;
    let c = FoundClaim {
        id: uuid::Uuid::new_v4().to_string(),
        tenant_id: t.id.to_string(),
        item_id: item.id,
        name,
        email,
        features: answers.to_stored(),
        lang: lang.code().to_owned(),
        status: "open".into(),
        value_cents: None,
        reward_cents: None,
        fee_cents: None,
        created_at: 0,
    };
    if !app.db.add_found_claim(&c).await? {
        return Err(crate::AppError::NotFound);
    }
    tracing::info!(tenant = %t.id, "claim to a found item filed");
    Ok(Claimed::Done)
}

/// Reads an amount in euros as people write it ("80", "80,50", "1.200,00").
pub fn euros_to_cents(s: &str) -> Option<i64> {
    let s = s.trim().trim_end_matches('€').trim().replace(' ', "");
    // A comma is the decimal sign; without one, a point before one or two last digits is.
    let (whole, frac) = match s.rsplit_once(',') {
        Some((w, f)) => (w.replace('.', ""), f.to_owned()),
        None => match s.rsplit_once('.') {
            Some((w, f)) if f.len() <= 2 => (w.replace('.', ""), f.to_owned()),
            _ => (s.replace('.', ""), String::new()),
        },
    };
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().ok()?
    };
    whole
        .checked_mul(100)?
        .checked_add(frac)
        .filter(|c| *c <= 10_000_000_000)
}

/// What deciding came to.
#[derive(Debug)]
pub enum Decided {
    /// Accepted with the finder's reward (if the value was given), or rejected.
    Done {
        accepted: bool,
        reward_cents: Option<i64>,
        /// The office's fee for handing it back (with a value and a fee table).
        fee_cents: Option<i64>,
    },
    /// The value is not an amount.
    BadValue,
    /// Decided already, or the item is gone.
    Gone,
}

/// Staff of the office at `desk` decide a claim: accepted (the item goes back to the
/// claimant, the finder's reward computed from the value they set) or rejected. The
/// claimant is mailed either way; audited.
pub async fn decide(
    app: &App,
    t: &TenantDef,
    desk: &OfficeDesk<'_>,
    claim_id: &str,
    accept: bool,
    value: &str,
) -> AppResult<Decided> {
    let office = offices(t)
        .find(|o| o.id.as_str() == desk.office())
        .ok_or(crate::AppError::NotFound)?;
    if desk.staff().tenant() != t.id.as_str() {
        return Err(crate::AppError::NotFound);
    }
    let value_cents = if value.trim().is_empty() {
        None
    } else {
        match euros_to_cents(value) {
            Some(v) => Some(v),
            None => return Ok(Decided::BadValue),
        }
    };
    let tid = t.id.as_str();
    let Some(c) = app.db.office_claim(tid, desk.office(), claim_id).await? else {
        return Err(crate::AppError::NotFound);
    };
    let reward = value_cents
        .filter(|_| accept)
        .map(|v| rathaus_domain::found::finders_reward_cents(v, false));
    let fee = value_cents
        .filter(|_| accept)
        .and_then(|v| rathaus_domain::found::handover_fee_cents(&office.found_fees, v));
    let lang = Lang::parse(&c.lang).unwrap_or(Lang::De);
    let site = app.site();
    let w = site.words(tid, lang);
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("name", c.name.clone());
    args.set("authority", t.name.get(lang).0.to_owned());
    args.set("office", office.name.get(lang).0.to_owned());
    args.set(
        "address",
        format!(
            "{} {}, {} {}",
            office.address.street,
            office.address.house_number,
            office.address.postal_code,
            office.address.city
        ),
    );
    args.set(
        "reward",
        reward
            .map(|r| crate::texts::money(r, lang))
            .unwrap_or_default(),
    );
    args.set(
        "fee",
        fee.map(|f| crate::texts::money(f, lang))
            .unwrap_or_default(),
    );
    let event = if accept { "accepted" } else { "rejected" };
    // The mail's paragraphs: the decision, then reward, fee and booking, then who sends it.
    let mut parts = vec![w.with(&format!("found-claim-mail-{event}-body"), &args)];
    if reward.is_some_and(|r| r > 0) {
        parts.push(w.with("found-claim-mail-reward", &args));
    }
    if fee.is_some_and(|f| f > 0) {
        parts.push(w.with("found-claim-mail-fee", &args));
    }
    if accept && office.appointments.is_some() {
        args.set(
            "link",
            app.config.url(&crate::links::appointment_office(
                tid,
                office.id.as_str(),
                None,
            )),
        );
        parts.push(w.with("found-claim-mail-booking", &args));
    }
    parts.push(t.name.get(lang).0.to_owned());
    let body = parts.join("\n\n");
    let payload = rathaus_jobs::MailPayload {
        to: c.email.clone(),
        subject: w.with(&format!("found-claim-mail-{event}-subject"), &args),
        body,
        attachment: None,
    };
    let mail = serde_json::to_string(&payload).unwrap_or_default();
    let actor = format!("staff:{}", desk.staff().session.staff_id);
    match app
        .db
        .decide_found_claim(
            tid,
            desk.office(),
            claim_id,
            accept,
            value_cents.filter(|_| accept),
            reward,
            fee,
            mail,
            &actor,
        )
        .await?
    {
        ClaimDecided::Done => {
            if accept {
                drop_photos(app, tid, &c.item_id).await;
            }
            Ok(Decided::Done {
                accepted: accept,
                reward_cents: reward,
                fee_cents: fee,
            })
        }
        ClaimDecided::Gone => Ok(Decided::Gone),
    }
}

/// Staff settle an item whose keeping period is over: handed to the finder (who asked for
/// it) or given to auction — only what [`after_keeping`] allows on that day; audited.
/// `Ok(false)`: not possible (still within the period, the other way round, or not kept).
pub async fn settle(
    app: &App,
    t: &TenantDef,
    desk: &OfficeDesk<'_>,
    number: &str,
    to_finder: bool,
) -> AppResult<bool> {
    if !offices(t).any(|o| o.id.as_str() == desk.office()) || desk.staff().tenant() != t.id.as_str()
    {
        return Err(crate::AppError::NotFound);
    }
    let Some(item) = app
        .db
        .kept_item(t.id.as_str(), number)
        .await?
        .filter(|i| i.office_id == desk.office())
    else {
        return Ok(false);
    };
    let today = crate::clock::today_date();
    let reported: Date = item.reported_on.parse().unwrap_or(today);
    let allowed = match after_keeping(reported, today, item.finder_claims) {
        AfterKeeping::Keep => false,
        AfterKeeping::ToFinder => to_finder,
        AfterKeeping::Auction => !to_finder,
    };
    if !allowed {
        return Ok(false);
    }
    let status = if to_finder { "to_finder" } else { "auctioned" };
    let actor = format!("staff:{}", desk.staff().session.staff_id);
    let settled = app
        .db
        .settle_found_item(t.id.as_str(), desk.office(), number, status, &actor)
        .await?;
    if settled {
        drop_photos(app, t.id.as_str(), &item.id).await;
    }
    Ok(settled)
}

/// Deletes the photos of an item that left the office (rows, then files; a file left by a
/// failure is only bytes no row names, and is logged).
async fn drop_photos(app: &App, tenant: &str, item: &str) {
    match app.db.drop_found_photos(tenant, item).await {
        Ok(ids) => {
            for id in ids {
                if let Err(e) = app.files.blobs.delete(tenant, &id).await {
                    tracing::warn!(error = %e, "deleting a found item's photo failed");
                }
            }
        }
        Err(e) => tracing::warn!(error = %e, "deleting a found item's photos failed"),
    }
}

/// The Verlustbescheinigung of loss report `id` as PDF/A: that and what was reported as
/// lost, and when. Only with the token the filing browser was given.
pub async fn loss_certificate(
    app: &App,
    t: &TenantDef,
    lang: Lang,
    id: &str,
    token: &str,
) -> AppResult<Vec<u8>> {
    use rathaus_pdf::Block;
    if !offered(t) || !app.keys.loss_certificate_fits(id, token) {
        return Err(crate::AppError::NotFound);
    }
    let l = app
        .db
        .loss_report(t.id.as_str(), id)
        .await?
        .ok_or(crate::AppError::NotFound)?;
    let site = app.site();
    let w = site.words(t.id.as_str(), lang);
    let authority = t.name.get(lang).0.to_owned();
    let field = |label: String, value: String| Block::Field {
        label,
        lines: vec![value],
    };
    let mut blocks = vec![
        Block::Title(w.get("found-cert-title")),
        Block::Paragraph(w.get("found-cert-intro")),
        field(
            w.get("found-cert-reported"),
            crate::clock::berlin_datetime(l.created_at),
        ),
        field(
            w.get("found-loss-reference"),
            l.reference.clone().unwrap_or_else(|| "–".into()),
        ),
        field(
            w.get("found-category"),
            w.get(&format!("found-cat-{}", l.category.replace('_', "-"))),
        ),
    ];
    if let Some(c) = &l.colour {
        blocks.push(field(
            w.get("found-colour"),
            w.get(&format!("found-colour-{c}")),
        ));
    }
    blocks.push(field(w.get("found-description"), l.description.clone()));
    blocks.push(field(
        w.get("found-cert-lost-on"),
        rathaus_domain::form::format_date_de(&l.lost_on),
    ));
    if !l.place.is_empty() {
        blocks.push(field(w.get("found-cert-lost-at"), l.place.clone()));
    }
    blocks.push(Block::Paragraph(w.get("found-cert-note")));
    if let Some(o) = offices(t).next() {
        blocks.push(Block::Field {
            label: w.get("found-contact"),
            lines: vec![
                o.name.get(lang).0.to_owned(),
                format!("{} {}", o.address.street, o.address.house_number),
                format!("{} {}", o.address.postal_code, o.address.city),
            ],
        });
    }
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("authority", authority.clone());
    args.set("page", "{page}");
    args.set("pages", "{pages}");
    let doc = rathaus_pdf::Document {
        lang: lang.code().to_owned(),
        title: w.get("found-cert-title"),
        author: authority,
        creator: "Rathaus".to_owned(),
        created: crate::clock::pdf_timestamp(l.created_at),
        blocks,
        footer: w.with("found-cert-footer", &args),
    };
    crate::receipts::render(doc)
        .await
        .map_err(crate::AppError::Internal)
}

/// What adding a photo came to.
#[derive(Debug, PartialEq, Eq)]
pub enum PhotoAdded {
    Done,
    /// No file was chosen.
    Nothing,
    /// Larger than [`MAX_PHOTO_BYTES`].
    TooLarge,
    /// Not a JPEG or PNG image.
    WrongType,
    /// The item has [`MAX_PHOTOS`] already, or is no longer kept.
    Full,
    /// Identity documents and bank cards are not photographed (they go to their issuer).
    NotForCategory,
}

/// Staff of the office at `desk` add a photo to kept item `number` (JPEG or PNG, typed by
/// its first bytes; audited). Photos belong to the private layer: they show what an owner
/// proves ownership with, so only staff see them.
pub async fn add_photo(
    app: &App,
    t: &TenantDef,
    desk: &OfficeDesk<'_>,
    number: &str,
    bytes: &[u8],
) -> AppResult<PhotoAdded> {
    if !offices(t).any(|o| o.id.as_str() == desk.office()) || desk.staff().tenant() != t.id.as_str()
    {
        return Err(crate::AppError::NotFound);
    }
    if bytes.is_empty() {
        return Ok(PhotoAdded::Nothing);
    }
    if bytes.len() > MAX_PHOTO_BYTES {
        return Ok(PhotoAdded::TooLarge);
    }
    let kind = match rathaus_domain::form::FileType::sniff(bytes) {
        Some(k @ (rathaus_domain::form::FileType::Jpeg | rathaus_domain::form::FileType::Png)) => k,
        _ => return Ok(PhotoAdded::WrongType),
    };
    let tid = t.id.as_str();
    let Some(item) = app
        .db
        .kept_item(tid, number)
        .await?
        .filter(|i| i.office_id == desk.office())
    else {
        return Ok(PhotoAdded::Full);
    };
    if !Category::parse(&item.category).is_some_and(Category::is_public) {
        return Ok(PhotoAdded::NotForCategory);
    }
    let id = uuid::Uuid::new_v4().simple().to_string();
    let blobs = &app.files.blobs;
    let spool = blobs.spool_path(&id).await?;
    tokio::fs::write(&spool, bytes).await?;
    let stored = blobs.commit(tid, &id, &spool).await;
    let _ = tokio::fs::remove_file(&spool).await;
    stored?;
    let photo = FoundPhoto {
        id: id.clone(),
        tenant_id: tid.to_owned(),
        item_id: item.id,
        kind: kind.as_str().to_owned(),
        size: bytes.len() as i64,
        created_at: 0,
    };
    let actor = format!("staff:{}", desk.staff().session.staff_id);
    let added = app
        .db
        .add_found_photo(&photo, desk.office(), &item.number, MAX_PHOTOS, &actor)
        .await;
    if !matches!(added, Ok(true)) {
        // Not recorded: the bytes must not stay behind.
        if let Err(e) = blobs.delete(tid, &id).await {
            tracing::warn!(error = %e, "removing an unrecorded photo failed");
        }
    }
    Ok(if added? {
        PhotoAdded::Done
    } else {
        PhotoAdded::Full
    })
}

/// Photo `id` of an item of the office at `desk`, as a stored file to send.
pub async fn photo(
    app: &App,
    t: &TenantDef,
    desk: &OfficeDesk<'_>,
    id: &str,
) -> AppResult<rathaus_store::FileMeta> {
    if desk.staff().tenant() != t.id.as_str() {
        return Err(crate::AppError::NotFound);
    }
    let p = app
        .db
        .found_photo(t.id.as_str(), desk.office(), id)
        .await?
        .ok_or(crate::AppError::NotFound)?;
    let ext = if p.kind == "png" { "png" } else { "jpg" };
    Ok(rathaus_store::FileMeta {
        tenant_id: p.tenant_id,
        name: format!("fundfoto.{ext}"),
        id: p.id,
        draft_id: p.item_id,
        field: "foto".into(),
        size: p.size,
        kind: p.kind,
        sha256: String::new(),
    })
}

/// Withdraws loss report `id` for the browser that filed it (the token it was given): the
/// standing search ends and its personal data is deleted. `false`: no such report (any
/// more) or not that token — the same answer for both.
pub async fn withdraw_loss(app: &App, t: &TenantDef, id: &str, token: &str) -> AppResult<bool> {
    if !offered(t) || !app.keys.loss_certificate_fits(id, token) {
        return Ok(false);
    }
    Ok(app.db.withdraw_loss_report(t.id.as_str(), id).await?)
}

/// How long a loss report stands as a search before it and its personal data are deleted.
pub const LOSS_REPORT_DAYS: i64 = 365;

/// Deletes loss reports older than [`LOSS_REPORT_DAYS`] (run with the other daily work).
pub async fn purge(app: &App) -> AppResult<u64> {
    let before = crate::clock::now_millis() - LOSS_REPORT_DAYS * 24 * 3600 * 1000;
    let n = app.db.purge_loss_reports(before).await?;
    if n > 0 {
        tracing::info!(deleted = n, "loss reports past their year deleted");
    }
    Ok(n)
}

#[cfg(test)]
mod claim_tests {
    #[test]
    fn references_as_people_type_them() {
        use super::typed_reference as r;
        assert_eq!(r("V-2026-3FA9C2"), "V-2026-3FA9C2");
        assert_eq!(r("v 2026 3fa9c2"), "V-2026-3FA9C2");
        assert_eq!(r("V2026-3FAOC2"), "V-2026-3FA0C2", "O read as 0");
        assert_eq!(r("—"), "");
    }

    #[test]
    fn amounts_as_people_write_them() {
        use super::euros_to_cents as c;
        assert_eq!(c("80"), Some(8_000));
        assert_eq!(c("80,5"), Some(8_050));
        assert_eq!(c("80.50"), Some(8_050));
        assert_eq!(c("1.200,00 €"), Some(120_000));
        assert_eq!(c("1.200"), Some(120_000));
        assert_eq!(c("zehn"), None);
        assert_eq!(c("-5"), None);
        assert_eq!(c(""), None);
    }
}
