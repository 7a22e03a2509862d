//! Online payment behind one small interface: create a transaction for a payment, send the
//! citizen to the pay page, ask for the outcome. Two services speak it: XBezahldienste 1.0
//! (FITKO's standard, see docs/notes/xbezahldienste.md) over HTTP, and the built-in demo
//! service, whose transactions live in the database and whose pay page is part of the
//! portal (`/demo-bezahldienst/{id}`). Both receive the same XBezahldienste payment request.

use crate::{App, Site};
use rathaus_domain::payment::{cents_to_decimal, FeeLine, ProviderStatus};
use rathaus_domain::tenant::{OnlinePaymentDef, XbezahldiensteDef};
use rathaus_store::Payment;
use serde_json::{json, Value as Json};
use std::time::Duration;

/// A transaction the payment service created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    pub transaction_id: String,
    /// Where the citizen pays.
    pub pay_url: String,
}

/// What the payment service says about a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub status: ProviderStatus,
    /// `transactionReference`, e.g. the Kassenzeichen.
    pub reference: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EpayError {
    /// The service refused the request (problem+json: its `functionalCode` and `detail`).
    #[error("the payment service refused: {0}")]
    Refused(String),
    /// The service did not answer usefully (network, 5xx, nonsense).
    #[error("the payment service is not available: {0}")]
    Unavailable(String),
}

/// The online payment service of the tenant that receives payment `p`.
pub fn online_of<'a>(site: &'a Site, p: &Payment) -> Option<&'a OnlinePaymentDef> {
    site.catalog
        .tenant(&p.tenant_id)?
        .cash_office
        .as_ref()?
        .online
        .as_ref()
}

pub fn provider_key(def: &OnlinePaymentDef) -> &'static str {
    match def {
        OnlinePaymentDef::Demo => "demo",
        OnlinePaymentDef::Xbezahldienste(_) => "xbezahldienste",
    }
}

/// `purpose` as XBezahldienste allows it: at most 27 of `[A-Za-z0-9 -]`.
fn purpose_text(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if let Some(t) = rathaus_domain::payment::transliterate(c) {
            out.push_str(t);
        } else if c.is_ascii_alphanumeric() || c == ' ' || c == '-' {
            out.push(c);
        }
    }
    out.chars().take(27).collect::<String>().trim().to_owned()
}

/// The XBezahldienste payment request for `p`.
pub fn payment_request(p: &Payment, redirect_url: &str, description: &str) -> Json {
    let lines: Vec<FeeLine> = serde_json::from_str(&p.lines).unwrap_or_default();
    let items: Vec<Json> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            json!({
                "id": format!("{}", i + 1),
                "reference": p.reference,
                "description": l.label.de.chars().take(250).collect::<String>(),
                "taxRate": 0,
                "quantity": l.quantity,
                "singleNetAmount": cents_to_decimal(l.unit_cents),
                "singleTaxAmount": 0,
                "totalNetAmount": cents_to_decimal(l.total_cents),
                "totalTaxAmount": 0,
                "bookingData": { "Buchungsstelle": p.booking_code, "Referenz": p.creditor_ref },
            })
        })
        .collect();
    json!({
        "requestId": uuid::Uuid::new_v4().to_string(),
        "requestTimestamp": jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        "currency": "EUR",
        "grosAmount": cents_to_decimal(p.amount_cents),
        "purpose": purpose_text(&format!("{} {}", p.reference, p.purpose)),
        "description": description.chars().take(250).collect::<String>(),
        "redirectUrl": redirect_url,
        "items": items,
    })
}

/// Starts an online payment of `p` at the tenant's service.
pub async fn create(
    app: &App,
    tenant: &str,
    def: &OnlinePaymentDef,
    request: &Json,
) -> Result<Created, EpayError> {
    match def {
        OnlinePaymentDef::Demo => {
            let id = uuid::Uuid::new_v4().simple().to_string();
            let t = rathaus_store::DemoTransaction {
                id: id.clone(),
                tenant_id: tenant.to_owned(),
                request: request.to_string(),
                redirect_url: request["redirectUrl"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                status: ProviderStatus::Initial.as_str().to_owned(),
                reference: None,
            };
            app.db
                .insert_demo_transaction(&t)
                .await
                .map_err(|e| EpayError::Unavailable(e.to_string()))?;
            Ok(Created {
                pay_url: crate::links::demo_pay(tenant, &id),
                transaction_id: id,
            })
        }
        OnlinePaymentDef::Xbezahldienste(x) => {
            let url = format!(
                "{}/paymenttransaction/{}/{}",
                x.base_url.trim_end_matches('/'),
                x.originator_id,
                x.endpoint_id
            );
            let answer = send(x, reqwest::Method::POST, &url, Some(request)).await?;
            let info = &answer["paymentInformation"];
            let transaction_id = info["transactionId"]
                .as_str()
                .filter(|s| !s.is_empty())
                .ok_or_else(|| EpayError::Unavailable("no transactionId in the answer".into()))?;
            let pay_url = info["transactionRedirectUrl"]
                .as_str()
                .filter(|s| s.starts_with("https://") || s.starts_with("http://"))
                .ok_or_else(|| {
                    EpayError::Unavailable("no transactionRedirectUrl in the answer".into())
                })?;
            Ok(Created {
                transaction_id: transaction_id.to_owned(),
                pay_url: pay_url.to_owned(),
            })
        }
    }
}

/// Asks the service where transaction `id` stands.
pub async fn status(app: &App, def: &OnlinePaymentDef, id: &str) -> Result<Report, EpayError> {
    match def {
        OnlinePaymentDef::Demo => {
            let t = app
                .db
                .demo_transaction(id)
                .await
                .map_err(|e| EpayError::Unavailable(e.to_string()))?
                .ok_or_else(|| EpayError::Refused(format!("no transaction {id}")))?;
            Ok(Report {
                status: ProviderStatus::parse(&t.status).unwrap_or(ProviderStatus::Initial),
                reference: t.reference,
            })
        }
        OnlinePaymentDef::Xbezahldienste(x) => {
            if !id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return Err(EpayError::Refused(format!("odd transaction id '{id}'")));
            }
            let url = format!(
                "{}/paymenttransaction/{}/{}/{id}",
                x.base_url.trim_end_matches('/'),
                x.originator_id,
                x.endpoint_id
            );
            let answer = send(x, reqwest::Method::GET, &url, None).await?;
            let info = &answer["paymentInformation"];
            let status = info["status"]
                .as_str()
                .and_then(ProviderStatus::parse)
                .ok_or_else(|| {
                    EpayError::Unavailable(format!("unknown status {}", info["status"]))
                })?;
            Ok(Report {
                status,
                reference: info["transactionReference"]
                    .as_str()
                    .filter(|s| !s.is_empty())
                    .map(|s| s.chars().take(100).collect()),
            })
        }
    }
}

fn client() -> Result<reqwest::Client, EpayError> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .connect_timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| EpayError::Unavailable(e.to_string()))
}

/// An OAuth 2.0 client-credentials token, if the service uses one.
async fn token(x: &XbezahldiensteDef, http: &reqwest::Client) -> Result<Option<String>, EpayError> {
    let Some(url) = &x.token_url else {
        return Ok(None);
    };
    let secret = x
        .client_secret_env
        .as_deref()
        .and_then(|v| std::env::var(v).ok())
        .ok_or_else(|| EpayError::Unavailable("the client secret is not configured".into()))?;
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", x.client_id.as_deref().unwrap_or_default()),
        ("client_secret", secret.as_str()),
    ];
    let r = http
        .post(url)
        .form(&form)
        .send()
        .await
        .map_err(|e| EpayError::Unavailable(format!("token: {e}")))?;
    if !r.status().is_success() {
        return Err(EpayError::Unavailable(format!(
            "token: HTTP {}",
            r.status()
        )));
    }
    let body: Json = r
        .json()
        .await
        .map_err(|e| EpayError::Unavailable(format!("token: {e}")))?;
    body["access_token"]
        .as_str()
        .map(|t| Some(t.to_owned()))
        .ok_or_else(|| EpayError::Unavailable("token: no access_token".into()))
}

async fn send(
    x: &XbezahldiensteDef,
    method: reqwest::Method,
    url: &str,
    body: Option<&Json>,
) -> Result<Json, EpayError> {
    let http = client()?;
    let token = token(x, &http).await?;
    let mut req = http
        .request(method, url)
        .header(reqwest::header::ACCEPT, "application/json");
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(b);
    }
    let r = req
        .send()
        .await
        .map_err(|e| EpayError::Unavailable(e.to_string()))?;
    let status = r.status();
    let text = r
        .text()
        .await
        .map_err(|e| EpayError::Unavailable(e.to_string()))?;
    let json: Json = serde_json::from_str(&text).unwrap_or(Json::Null);
    if status.is_success() {
        if json.is_object() {
            return Ok(json);
        }
        return Err(EpayError::Unavailable("the answer is not JSON".into()));
    }
    // problem+json: functionalCode and detail say what was wrong.
    let what = format!(
        "HTTP {} {} {}",
        status.as_u16(),
        json["functionalCode"].as_str().unwrap_or_default(),
        json["detail"]
            .as_str()
            .or(json["title"].as_str())
            .unwrap_or_default()
            .chars()
            .take(300)
            .collect::<String>()
    );
    if status.is_client_error() {
        Err(EpayError::Refused(what))
    } else {
        Err(EpayError::Unavailable(what))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purpose_fits_the_standard() {
        assert_eq!(
            purpose_text("SG-2026-000001 Meldebescheinigung"),
            "SG-2026-000001 Meldebeschei"
        );
        assert_eq!(
            purpose_text("Gebühr für Hunde/Katzen"),
            "Gebuehr fuer HundeKatzen"
        );
        assert!(purpose_text(&"x".repeat(40)).len() == 27);
    }
}
