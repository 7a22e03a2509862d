//! Every route of the web face, declared once: its pattern (what the router matches), the
//! methods it answers, and its builder (what links are made with). A link therefore cannot
//! point to a route that does not exist: the builder *is* the pattern, filled in, and the
//! router registers exactly these patterns (`pattern::*`). The test
//! `paths::every_builder_reaches_its_route` walks the running router against this list,
//! and the access matrix enumerates its routes from [`ALL`].
//!
//! Path segments are German: the portal speaks German first. Arguments are
//! percent-encoded.

use rathaus_app::links::encode;

/// One declared route.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    pub name: &'static str,
    pub pattern: &'static str,
    pub methods: &'static [&'static str],
}

macro_rules! paths {
    ($( $(#[$m:meta])* $name:ident ( $($arg:ident),* ) = $pat:literal, $($method:ident)|+ ; )*) => {
        $(
            $(#[$m])*
            pub fn $name($($arg: &str),*) -> String {
                $( let $arg = encode($arg); )*
                format!($pat)
            }
        )*
        /// The patterns the router registers, by builder name.
        #[allow(non_upper_case_globals)]
        pub mod pattern {
            $( pub const $name: &str = $pat; )*
        }
        /// Every route of the web face.
        pub const ALL: &[Route] = &[
            $( Route { name: stringify!($name), pattern: $pat, methods: &[$(stringify!($method)),+] } ),*
        ];
    };
}

paths! {
    // ----- public: the catalogue ------------------------------------------------------------
    portal_home() = "/", GET;
    static_file(file) = "/static/{file}", GET;
    /// The language switch (see [`switch_lang`]).
    language(lang) = "/sprache/{lang}", GET;
    tenant_home(tenant) = "/{tenant}", GET;
    /// `/{tenant}/` redirects to the tenant's home.
    tenant_slash(tenant) = "/{tenant}/", GET;
    services(tenant) = "/{tenant}/leistungen", GET;
    service(tenant, service) = "/{tenant}/leistungen/{service}", GET;
    service_easy(tenant, service) = "/{tenant}/leistungen/{service}/leichte-sprache", GET;
    topics(tenant) = "/{tenant}/themen", GET;
    topic(tenant, topic) = "/{tenant}/themen/{topic}", GET;
    life_situations(tenant) = "/{tenant}/lebenslagen", GET;
    life_situation(tenant, situation) = "/{tenant}/lebenslagen/{situation}", GET;
    offices(tenant) = "/{tenant}/aemter", GET;
    /// An office page (`tenant`: the tenant that owns the office).
    office(tenant, office) = "/{tenant}/aemter/{office}", GET;
    search(tenant) = "/{tenant}/suche", GET;
    imprint(tenant) = "/{tenant}/impressum", GET;
    privacy(tenant) = "/{tenant}/datenschutz", GET;
    accessibility(tenant) = "/{tenant}/barrierefreiheit", GET;
    theme_css(tenant) = "/{tenant}/theme.css", GET;
    asset(tenant, file) = "/{tenant}/assets/{file}", GET;

    // ----- citizen: the form assistant, receipt and payment ---------------------------------------
    apply_start(tenant, service) = "/{tenant}/leistungen/{service}/antrag", GET | POST;
    precheck(tenant, service) = "/{tenant}/leistungen/{service}/vorpruefung", GET | POST;
    /// The resume link of a draft (opens only with the resume code in another browser).
    apply_resume(tenant, draft) = "/{tenant}/antrag/{draft}", GET | POST;
    apply_step(tenant, draft, step) = "/{tenant}/antrag/{draft}/schritt/{step}", GET | POST;
    apply_file(tenant, draft, file) = "/{tenant}/antrag/{draft}/datei/{file}", GET;
    apply_check(tenant, draft) = "/{tenant}/antrag/{draft}/pruefen", GET;
    apply_submit(tenant, draft) = "/{tenant}/antrag/{draft}/absenden", POST;
    apply_receipt(tenant, draft) = "/{tenant}/antrag/{draft}/eingang", GET;
    apply_receipt_pdf(tenant, draft) = "/{tenant}/antrag/{draft}/eingang.pdf", GET;
    apply_girocode(tenant, draft) = "/{tenant}/antrag/{draft}/girocode.svg", GET;
    pay_online(tenant, draft) = "/{tenant}/antrag/{draft}/zahlung", POST;
    pay_return(tenant, draft) = "/{tenant}/antrag/{draft}/zahlung/rueckkehr", GET;
    demo_pay(tenant, id) = "/{tenant}/demo-bezahldienst/{id}", GET | POST;
    pay_app_return(tenant) = "/{tenant}/zahlung/zurueck-zur-app", GET;

    // ----- citizen: login, Mein Bereich, Postkorb ------------------------------------------------
    login(tenant) = "/{tenant}/anmelden", GET;
    login_return(tenant) = "/{tenant}/anmelden/rueckkehr", GET;
    logout(tenant) = "/{tenant}/abmelden", POST;
    logout_everywhere(tenant) = "/{tenant}/abmelden/ueberall", POST;
    session_extend(tenant) = "/{tenant}/sitzung", POST;
    my_area(tenant) = "/{tenant}/mein-bereich", GET;
    my_data(tenant) = "/{tenant}/mein-bereich/daten.json", GET;
    my_delete(tenant) = "/{tenant}/mein-bereich/konto-loeschen", GET | POST;
    folder_new(tenant, plan) = "/{tenant}/mappen/{plan}", GET | POST;
    folder(tenant, id) = "/{tenant}/mappe/{id}", GET;
    folder_item(tenant, id, item) = "/{tenant}/mappe/{id}/punkt/{item}", POST;
    folder_ics(tenant, id) = "/{tenant}/mappe/{id}/fristen.ics", GET;
    folder_pdf(tenant, id) = "/{tenant}/mappe/{id}/liste.pdf", GET;
    folder_delete(tenant, id) = "/{tenant}/mappe/{id}/loeschen", POST;
    folder_open(tenant) = "/{tenant}/mappe-oeffnen", GET | POST;
    my_notice(tenant, id) = "/{tenant}/mein-bereich/mitteilungen/{id}", GET;
    my_notice_delete(tenant, id) = "/{tenant}/mein-bereich/mitteilungen/{id}/loeschen", POST;
    guest_access(tenant) = "/{tenant}/zugang", GET | POST;
    case(tenant, draft) = "/{tenant}/vorgang/{draft}", GET;
    case_message(tenant, draft, message) = "/{tenant}/vorgang/{draft}/nachricht/{message}", GET;
    case_reply(tenant, draft) = "/{tenant}/vorgang/{draft}/antwort", POST;
    case_file(tenant, draft, file) = "/{tenant}/vorgang/{draft}/datei/{file}", GET;
    case_withdraw(tenant, draft) = "/{tenant}/vorgang/{draft}/zurueckziehen", POST;

    // ----- citizen: appointments ---------------------------------------------------------------
    appointments(tenant) = "/{tenant}/termine", GET;
    appointment_office(tenant, office) = "/{tenant}/termine/{office}", GET;
    appointment_book(tenant, office) = "/{tenant}/termine/{office}/buchen", GET | POST;
    appointment(tenant, id) = "/{tenant}/termin/{id}", GET;
    appointment_ics(tenant, id) = "/{tenant}/termin/{id}/termin.ics", GET;
    appointment_cancel(tenant, id) = "/{tenant}/termin/{id}/absagen", POST;
    appointment_move(tenant, id) = "/{tenant}/termin/{id}/verlegen", POST;

    // ----- citizen: is my ID card ready? -------------------------------------------------------
    id_status(tenant) = "/{tenant}/ausweis-status", GET | POST;
    id_status_notify(tenant) = "/{tenant}/ausweis-status/benachrichtigen", POST;

    // ----- citizen: the Fundbüro -----------------------------------------------------------------
    found_search(tenant) = "/{tenant}/fundbuero", GET;
    found_loss(tenant) = "/{tenant}/fundbuero/verlust-melden", GET | POST;
    /// "This is mine": a claim to a listed item.
    found_claim(tenant, number) = "/{tenant}/fundbuero/{number}/anspruch", GET | POST;
    /// The Verlustbescheinigung of a loss report just filed (id and token in the post).
    found_certificate(tenant) = "/{tenant}/fundbuero/verlust-melden/bescheinigung", POST;
    /// Withdraw a loss report just filed (id and token in the post).
    found_withdraw(tenant) = "/{tenant}/fundbuero/verlust-melden/zurueckziehen", POST;
    /// A loss report opened later with its reference and access code.
    found_manage(tenant) = "/{tenant}/fundbuero/meine-verlustmeldung", GET | POST;

    // ----- staff: the back office -----------------------------------------------------------------
    staff_home(tenant) = "/{tenant}/verwaltung", GET;
    staff_login(tenant) = "/{tenant}/verwaltung/anmelden", GET;
    staff_login_return(tenant) = "/{tenant}/verwaltung/anmelden/rueckkehr", GET;
    staff_logout(tenant) = "/{tenant}/verwaltung/abmelden", POST;
    staff_assign(tenant) = "/{tenant}/verwaltung/zuweisen", POST;
    staff_case(tenant, reference) = "/{tenant}/verwaltung/fall/{reference}", GET;
    staff_case_file(tenant, reference, file) = "/{tenant}/verwaltung/fall/{reference}/datei/{file}", GET;
    staff_case_status(tenant, reference) = "/{tenant}/verwaltung/fall/{reference}/status", POST;
    staff_case_note(tenant, reference) = "/{tenant}/verwaltung/fall/{reference}/notiz", POST;
    staff_case_request(tenant, reference) = "/{tenant}/verwaltung/fall/{reference}/anfrage", POST;
    staff_case_notice(tenant, reference) = "/{tenant}/verwaltung/fall/{reference}/bescheid", POST;
    staff_print(tenant) = "/{tenant}/verwaltung/druck", GET;
    staff_print_export(tenant) = "/{tenant}/verwaltung/druck/export", POST;
    staff_deliveries(tenant) = "/{tenant}/verwaltung/zustellungen", GET;
    staff_delivery_action(tenant) = "/{tenant}/verwaltung/zustellungen/aktion", POST;
    staff_cash(tenant) = "/{tenant}/verwaltung/kasse", GET;
    /// The booking file of a day: `buchungen.csv` or `buchungen.xml`.
    staff_cash_bookings(tenant, file) = "/{tenant}/verwaltung/kasse/{file}", GET;
    staff_cash_debits(tenant) = "/{tenant}/verwaltung/kasse/lastschriften", POST;
    staff_cash_statement(tenant) = "/{tenant}/verwaltung/kasse/kontoauszug", POST;
    staff_figures(tenant) = "/{tenant}/verwaltung/kennzahlen", GET;
    staff_audit(tenant) = "/{tenant}/verwaltung/protokoll", GET;
    staff_audit_export(tenant) = "/{tenant}/verwaltung/protokoll.jsonl", GET;
    staff_visitors(tenant, office) = "/{tenant}/verwaltung/vor-ort/{office}", GET;
    staff_visitors_action(tenant, office) = "/{tenant}/verwaltung/vor-ort/{office}/aktion", POST;
    /// The document states of an office: the CSV upload and the counts.
    staff_id_status(tenant, office) = "/{tenant}/verwaltung/ausweise/{office}", GET | POST;
    /// The Fundbüro of an office: register found items, see them with their matches.
    staff_found(tenant, office) = "/{tenant}/verwaltung/fundbuero/{office}", GET | POST;
    staff_found_decide(tenant, office) = "/{tenant}/verwaltung/fundbuero/{office}/entscheidung", POST;
    /// An item past its keeping period goes to the finder or to auction.
    staff_found_settle(tenant, office) = "/{tenant}/verwaltung/fundbuero/{office}/frist", POST;
    /// Add a photo to a kept item (staff only: photos belong to the private layer).
    staff_found_photos(tenant, office, number) = "/{tenant}/verwaltung/fundbuero/{office}/fotos/{number}", POST;
    staff_found_photo(tenant, office, id) = "/{tenant}/verwaltung/fundbuero/{office}/foto/{id}", GET;

    /// A city app's login (OAuth 2.0 for native apps): the citizen lets the app in.
    app_login(tenant) = "/{tenant}/app-zugang", GET | POST;

    // ----- machine: systems, screens, operations ---------------------------------------------------
    healthz() = "/healthz", GET;
    readyz() = "/readyz", GET;
    metrics() = "/metrics", GET;
    admin_reload() = "/admin/reload", POST;
    /// The JSON Schema of a service's answers (for specialist systems and apps).
    answer_schema(tenant, service) = "/{tenant}/leistungen/{service}/antrag/schema.json", GET;
    inbound(tenant, reference) = "/api/v1/{tenant}/antraege/{reference}", POST;
    /// The Fachverfahren reports document states of an office (bearer token).
    id_status_report(tenant, office) = "/api/v1/{tenant}/ausweise/{office}", POST;
    fit_connect_callback(tenant) = "/api/fit-connect/callback/{tenant}", POST;
    display(tenant, office) = "/{tenant}/vor-ort/{office}/anzeige", GET;
    display_events(tenant, office) = "/{tenant}/vor-ort/{office}/anzeige/ereignisse", GET;
    kiosk(tenant, office, key) = "/{tenant}/vor-ort/{office}/kiosk/{key}", GET | POST;

    // ----- api: the JSON API for city apps (its routes are registered from their OpenAPI
    // descriptions; a test holds them equal to these) ---------------------------------------
    api_index() = "/api/v1", GET;
    api_openapi() = "/api/v1/openapi.json", GET;
    /// The API's reference, as a web page.
    api_reference() = "/api/v1/reference", GET;
    api_tenants() = "/api/v1/tenants", GET;
    api_tenant(tenant) = "/api/v1/tenants/{tenant}", GET;
    api_offices(tenant) = "/api/v1/tenants/{tenant}/offices", GET;
    api_office(tenant, office) = "/api/v1/tenants/{tenant}/offices/{office}", GET;
    api_services(tenant) = "/api/v1/tenants/{tenant}/services", GET;
    api_service(tenant, service) = "/api/v1/tenants/{tenant}/services/{service}", GET;
    api_topics(tenant) = "/api/v1/tenants/{tenant}/topics", GET;
    api_life_situations(tenant) = "/api/v1/tenants/{tenant}/life-situations", GET;
    api_token(tenant) = "/api/v1/tenants/{tenant}/token", POST;
    api_revoke(tenant) = "/api/v1/tenants/{tenant}/revoke", POST;
    api_me(tenant) = "/api/v1/tenants/{tenant}/me", GET;
    api_applications(tenant) = "/api/v1/tenants/{tenant}/applications", GET;
    api_application(tenant, id) = "/api/v1/tenants/{tenant}/applications/{id}", GET;
    api_message(tenant, id, message) = "/api/v1/tenants/{tenant}/applications/{id}/messages/{message}", GET;
    api_folders(tenant) = "/api/v1/tenants/{tenant}/folders", GET | POST;
    api_folder(tenant, id) = "/api/v1/tenants/{tenant}/folders/{id}", GET;
    api_folder_item(tenant, id, item) = "/api/v1/tenants/{tenant}/folders/{id}/items/{item}", POST;
    api_notices(tenant) = "/api/v1/tenants/{tenant}/notices", GET;
    api_notice(tenant, id) = "/api/v1/tenants/{tenant}/notices/{id}", GET;
    api_form(tenant, service) = "/api/v1/tenants/{tenant}/services/{service}/form", GET;
    api_drafts(tenant) = "/api/v1/tenants/{tenant}/drafts", POST;
    api_draft(tenant, id) = "/api/v1/tenants/{tenant}/drafts/{id}", GET;
    api_draft_step(tenant, id, step) = "/api/v1/tenants/{tenant}/drafts/{id}/steps/{step}", PUT;
    api_draft_file(tenant, id, step, field) = "/api/v1/tenants/{tenant}/drafts/{id}/steps/{step}/files/{field}", PUT;
    api_draft_check(tenant, id) = "/api/v1/tenants/{tenant}/drafts/{id}/check", GET;
    api_draft_submit(tenant, id) = "/api/v1/tenants/{tenant}/drafts/{id}/submit", POST;
    api_receipt(tenant, id) = "/api/v1/tenants/{tenant}/applications/{id}/receipt", GET;
    api_withdraw(tenant, id) = "/api/v1/tenants/{tenant}/applications/{id}/withdraw", POST;
    api_reply(tenant, id) = "/api/v1/tenants/{tenant}/applications/{id}/messages", POST;
    api_attachment(tenant, id) = "/api/v1/tenants/{tenant}/applications/{id}/attachments", POST;
    api_file(tenant, id, file) = "/api/v1/tenants/{tenant}/applications/{id}/files/{file}", GET;
    api_appointment_offices(tenant) = "/api/v1/tenants/{tenant}/appointments/offices-and-services", GET;
    api_available_days(tenant) = "/api/v1/tenants/{tenant}/appointments/available-days", GET;
    api_available_times(tenant) = "/api/v1/tenants/{tenant}/appointments/available-appointments", GET;
    api_appointments(tenant) = "/api/v1/tenants/{tenant}/appointments", GET | POST;
    api_appointment(tenant, id) = "/api/v1/tenants/{tenant}/appointments/{id}", GET;
    api_appointment_ics(tenant, id) = "/api/v1/tenants/{tenant}/appointments/{id}/ics", GET;
    api_appointment_cancel(tenant, id) = "/api/v1/tenants/{tenant}/appointments/{id}/cancel", POST;
    api_appointment_move(tenant, id) = "/api/v1/tenants/{tenant}/appointments/{id}/move", POST;
    api_payment(tenant, id) = "/api/v1/tenants/{tenant}/applications/{id}/payment", GET;
    api_pay_online(tenant, id) = "/api/v1/tenants/{tenant}/applications/{id}/payment/online", POST;
    api_pay_check(tenant, id) = "/api/v1/tenants/{tenant}/applications/{id}/payment/check", POST;
    api_vapid_key() = "/api/v1/push/vapid-key", GET;
    api_found_items(tenant) = "/api/v1/tenants/{tenant}/found-items", GET;
    api_id_document_status(tenant) = "/api/v1/tenants/{tenant}/id-document-status", POST;
    api_push_subscriptions(tenant) = "/api/v1/tenants/{tenant}/push-subscriptions", GET | POST;
    api_push_subscription(tenant, id) = "/api/v1/tenants/{tenant}/push-subscriptions/{id}", DELETE;
}

/// The language switch to `lang`, returning to `back`.
pub fn switch_lang(lang: &str, back: &str) -> String {
    format!("{}?zurueck={}", language(lang), encode(back))
}

/// The citizens' login, returning to `back`.
pub fn login_to(t: &str, back: Option<&str>) -> String {
    match back {
        Some(b) => format!("{}?zurueck={}", login(t), encode(b)),
        None => login(t),
    }
}

/// A new login at the provider (e.g. with the ID card for a higher level).
pub fn login_stronger(t: &str, back: &str) -> String {
    format!("{}?neu=1&zurueck={}", login(t), encode(back))
}

/// The staff login, returning to `back`.
pub fn staff_login_to(t: &str, back: &str) -> String {
    format!("{}?zurueck={}", staff_login(t), encode(back))
}

/// A legal page by its key (`impressum`, `datenschutz`, `barrierefreiheit`).
pub fn legal(t: &str, page: &str) -> String {
    match page {
        "impressum" => imprint(t),
        "datenschutz" => privacy(t),
        _ => accessibility(t),
    }
}

/// `path` with the appointment link's key, if any.
pub fn with_key(path: &str, key: Option<&str>) -> String {
    match key {
        Some(k) => format!("{path}?k={}", encode(k)),
        None => path.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builders_fill_their_patterns() {
        assert_eq!(
            apply_step("soest", "d1", "s1"),
            "/soest/antrag/d1/schritt/s1"
        );
        assert_eq!(staff_case("soest", "SO 1"), "/soest/verwaltung/fall/SO%201");
        assert_eq!(switch_lang("en", "/soest"), "/sprache/en?zurueck=/soest");
        assert_eq!(portal_home(), "/");
        // Every builder's name is unique, and so is every pattern with its methods.
        let mut names: Vec<&str> = ALL.iter().map(|r| r.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
    }

    /// The few addresses the application layer puts into mails and PDFs are routes here.
    #[test]
    fn the_application_layers_links_are_routes() {
        assert_eq!(rathaus_app::links::my_area("t"), my_area("t"));
        assert_eq!(rathaus_app::links::guest_access("t"), guest_access("t"));
        assert_eq!(
            rathaus_app::links::appointment("t", "a", None),
            appointment("t", "a")
        );
        assert_eq!(rathaus_app::links::demo_pay("t", "x"), demo_pay("t", "x"));
        assert_eq!(rathaus_app::links::office("t", "o"), office("t", "o"));
        assert_eq!(rathaus_app::links::found_search("t"), found_search("t"));
        assert_eq!(rathaus_app::links::folder("t", "f"), folder("t", "f"));
        assert_eq!(rathaus_app::links::folder_open("t"), folder_open("t"));
        assert_eq!(
            rathaus_app::links::appointment_office("t", "o", Some("b")),
            format!("{}?leistung=b", appointment_office("t", "o"))
        );
        assert_eq!(rathaus_app::links::pay_app_return("t"), pay_app_return("t"));
        assert_eq!(
            rathaus_app::links::pay_return("t", "d"),
            pay_return("t", "d")
        );
    }
}
