//! The portal's addresses that leave it inside mails, PDFs and calendar files. They are
//! public promises (a citizen follows them days later), so the operations that write them
//! name them here; the web face declares the routes that answer them and checks in a test
//! that each of these paths reaches one.

/// Percent-encodes a path segment or query value (unreserved characters and `/` stay).
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

/// Mein Bereich: an account's applications, messages and appointments.
pub fn my_area(t: &str) -> String {
    format!("/{t}/mein-bereich")
}

/// Where a guest opens an application with reference and access code.
pub fn guest_access(t: &str) -> String {
    format!("/{t}/zugang")
}

/// An appointment's page; with `key` (from the confirmation mail) it opens without login.
pub fn appointment(t: &str, id: &str, key: Option<&str>) -> String {
    match key {
        Some(k) => format!("/{t}/termin/{}?k={}", encode(id), encode(k)),
        None => format!("/{t}/termin/{}", encode(id)),
    }
}

/// An office's appointment calendar, with one bookable already chosen.
pub fn appointment_office(t: &str, office: &str, bookable: Option<&str>) -> String {
    match bookable {
        Some(b) => format!("/{t}/termine/{}?leistung={}", encode(office), encode(b)),
        None => format!("/{t}/termine/{}", encode(office)),
    }
}

/// An office's page (address, opening hours).
pub fn office(t: &str, office: &str) -> String {
    format!("/{t}/aemter/{}", encode(office))
}

/// A moving folder's page.
pub fn folder(t: &str, id: &str) -> String {
    format!("/{t}/mappe/{}", encode(id))
}

/// Opening a guest's moving folder with its reference and access code.
pub fn folder_open(t: &str) -> String {
    format!("/{t}/mappe-oeffnen")
}

/// The Fundbüro's public search.
pub fn found_search(t: &str) -> String {
    format!("/{t}/fundbuero")
}

/// The built-in demo payment service's pay page of transaction `id` (demo tenants only).
pub fn demo_pay(t: &str, id: &str) -> String {
    format!("/{t}/demo-bezahldienst/{}", encode(id))
}

/// Where the payment service sends the citizen back after paying an application's fee.
pub fn pay_return(t: &str, draft: &str) -> String {
    format!("/{t}/antrag/{}/zahlung/rueckkehr", encode(draft))
}

/// Where the payment service sends the citizen back after paying in a city app's browser:
/// a page that says to go back to the app (the app asks for the outcome itself).
pub fn pay_app_return(t: &str) -> String {
    format!("/{t}/zahlung/zurueck-zur-app")
}

#[cfg(test)]
mod tests {
    #[test]
    fn encoding() {
        assert_eq!(super::encode("/a b?c=ä&d"), "/a%20b%3Fc%3D%C3%A4%26d");
        assert_eq!(
            super::appointment("soest", "abc", Some("k y")),
            "/soest/termin/abc?k=k%20y"
        );
    }
}
