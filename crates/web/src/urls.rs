//! Every URL of the portal is built here, never spelled out in handlers or templates.
//! Path segments are German: the portal speaks German first.

pub fn portal_home() -> String {
    "/".into()
}
pub fn tenant_home(t: &str) -> String {
    format!("/{t}")
}
pub fn services(t: &str) -> String {
    format!("/{t}/leistungen")
}
pub fn service(t: &str, s: &str) -> String {
    format!("/{t}/leistungen/{s}")
}
pub fn service_easy(t: &str, s: &str) -> String {
    format!("/{t}/leistungen/{s}/leichte-sprache")
}
/// Start page of the online application for a service.
pub fn apply_start(t: &str, s: &str) -> String {
    format!("/{t}/leistungen/{s}/antrag")
}
/// The eligibility pre-check of a service.
pub fn precheck(t: &str, s: &str) -> String {
    format!("/{t}/leistungen/{s}/vorpruefung")
}
/// JSON Schema of a service's answers.
pub fn apply_schema(t: &str, s: &str) -> String {
    format!("/{t}/leistungen/{s}/antrag/schema.json")
}
/// The resume link of a draft (the draft id is the capability).
pub fn apply_resume(t: &str, d: &str) -> String {
    format!("/{t}/antrag/{d}")
}
pub fn apply_step(t: &str, d: &str, step: &str) -> String {
    format!("/{t}/antrag/{d}/schritt/{step}")
}
/// Prefix of a draft's file downloads (the file id follows).
pub fn apply_files(t: &str, d: &str) -> String {
    format!("/{t}/antrag/{d}/datei/")
}
pub fn apply_check(t: &str, d: &str) -> String {
    format!("/{t}/antrag/{d}/pruefen")
}
pub fn apply_submit(t: &str, d: &str) -> String {
    format!("/{t}/antrag/{d}/absenden")
}
pub fn apply_receipt(t: &str, d: &str) -> String {
    format!("/{t}/antrag/{d}/eingang")
}
pub fn apply_receipt_pdf(t: &str, d: &str) -> String {
    format!("/{t}/antrag/{d}/eingang.pdf")
}
pub fn apply_girocode(t: &str, d: &str) -> String {
    format!("/{t}/antrag/{d}/girocode.svg")
}
pub fn pay_online(t: &str, d: &str) -> String {
    format!("/{t}/antrag/{d}/zahlung")
}
pub fn pay_return(t: &str, d: &str) -> String {
    format!("/{t}/antrag/{d}/zahlung/rueckkehr")
}
pub fn demo_pay(t: &str, id: &str) -> String {
    format!("/{t}/demo-bezahldienst/{id}")
}
pub fn topics(t: &str) -> String {
    format!("/{t}/themen")
}
pub fn topic(t: &str, id: &str) -> String {
    format!("/{t}/themen/{id}")
}
pub fn life_situations(t: &str) -> String {
    format!("/{t}/lebenslagen")
}
pub fn life_situation(t: &str, id: &str) -> String {
    format!("/{t}/lebenslagen/{id}")
}
pub fn offices(t: &str) -> String {
    format!("/{t}/aemter")
}
/// An office page; `provider` is the tenant that owns the office (may differ from the portal).
pub fn office(t: &str, provider: &str, id: &str) -> String {
    if t == provider {
        format!("/{t}/aemter/{id}")
    } else {
        format!("/{provider}/aemter/{id}")
    }
}
pub fn search(t: &str) -> String {
    format!("/{t}/suche")
}
pub fn legal(t: &str, page: &str) -> String {
    format!("/{t}/{page}")
}
pub fn theme_css(t: &str) -> String {
    format!("/{t}/theme.css")
}
pub fn asset(t: &str, file: &str) -> String {
    format!("/{t}/assets/{file}")
}
pub fn static_file(file: &str) -> String {
    format!("/static/{file}")
}
/// The language switch, returning to `back`.
pub fn switch_lang(lang: &str, back: &str) -> String {
    format!("/sprache/{lang}?zurueck={}", encode(back))
}

/// Percent-encodes a query value.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

// ----- login, Mein Bereich, Postkorb ---------------------------------------------------

pub fn login(t: &str, back: Option<&str>) -> String {
    match back {
        Some(b) => format!("/{t}/anmelden?zurueck={}", encode(b)),
        None => format!("/{t}/anmelden"),
    }
}
pub fn login_stronger(t: &str, back: &str) -> String {
    format!("/{t}/anmelden?neu=1&zurueck={}", encode(back))
}
pub fn login_return(t: &str) -> String {
    format!("/{t}/anmelden/rueckkehr")
}
pub fn logout(t: &str) -> String {
    format!("/{t}/abmelden")
}
pub fn logout_everywhere(t: &str) -> String {
    format!("/{t}/abmelden/ueberall")
}
pub fn session_extend(t: &str) -> String {
    format!("/{t}/sitzung")
}
pub fn my_area(t: &str) -> String {
    format!("/{t}/mein-bereich")
}
pub fn my_data(t: &str) -> String {
    format!("/{t}/mein-bereich/daten.json")
}
pub fn my_delete(t: &str) -> String {
    format!("/{t}/mein-bereich/konto-loeschen")
}
pub fn guest_access(t: &str) -> String {
    format!("/{t}/zugang")
}
pub fn case(t: &str, d: &str) -> String {
    format!("/{t}/vorgang/{d}")
}
pub fn case_message(t: &str, d: &str, m: &str) -> String {
    format!("/{t}/vorgang/{d}/nachricht/{m}")
}
pub fn case_reply(t: &str, d: &str) -> String {
    format!("/{t}/vorgang/{d}/antwort")
}
pub fn case_file(t: &str, d: &str, f: &str) -> String {
    format!("/{t}/vorgang/{d}/datei/{f}")
}

// ----- back office -----------------------------------------------------------------------

pub fn staff_home(t: &str) -> String {
    format!("/{t}/verwaltung")
}
pub fn staff_login(t: &str) -> String {
    format!("/{t}/verwaltung/anmelden")
}
pub fn staff_login_return(t: &str) -> String {
    format!("/{t}/verwaltung/anmelden/rueckkehr")
}
pub fn staff_logout(t: &str) -> String {
    format!("/{t}/verwaltung/abmelden")
}
pub fn staff_assign(t: &str) -> String {
    format!("/{t}/verwaltung/zuweisen")
}
pub fn staff_case(t: &str, reference: &str) -> String {
    format!("/{t}/verwaltung/fall/{}", encode(reference))
}
pub fn staff_case_file(t: &str, reference: &str, file: &str) -> String {
    format!("/{t}/verwaltung/fall/{}/datei/{file}", encode(reference))
}
pub fn staff_print(t: &str) -> String {
    format!("/{t}/verwaltung/druck")
}
pub fn staff_figures(t: &str) -> String {
    format!("/{t}/verwaltung/kennzahlen")
}
pub fn staff_audit(t: &str) -> String {
    format!("/{t}/verwaltung/protokoll")
}
pub fn staff_deliveries(t: &str) -> String {
    format!("/{t}/verwaltung/zustellungen")
}
pub fn staff_cash(t: &str) -> String {
    format!("/{t}/verwaltung/kasse")
}

#[cfg(test)]
mod tests {
    #[test]
    fn encoding() {
        assert_eq!(super::encode("/a b?c=ä&d"), "/a%20b%3Fc%3D%C3%A4%26d");
        assert_eq!(
            super::switch_lang("en", "/soest"),
            "/sprache/en?zurueck=/soest"
        );
    }
}
