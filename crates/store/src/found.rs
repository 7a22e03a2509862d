//! The lost-and-found office (migration 0016): found items with their public and private
//! layer, citizens' loss reports, and the matches between them. A new item or a new report
//! is written in one transaction with its matches and the "there may be a match" mails.

use crate::cases::append_audit;
use crate::notices::{insert_notice, NewNotice};
use crate::postkorb::insert_outbox;
use crate::{now_millis, with_pool, AuditEntry, AuditEvent, Db, StoreError};
use sqlx::Row;

/// A found item as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundItem {
    pub id: String,
    pub tenant_id: String,
    pub office_id: String,
    /// The Fundnummer, public.
    pub number: String,
    pub category: String,
    pub colour: Option<String>,
    pub brand: Option<String>,
    pub description: String,
    pub place: String,
    pub found_on: String,
    pub reported_on: String,
    /// Never published; shown to staff only.
    pub private_features: String,
    pub finder_claims: bool,
    /// `kept`, `returned`, `to_finder`, `auctioned`.
    pub status: String,
    pub created_at: i64,
}

/// A loss report (a standing search).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LossReport {
    pub id: String,
    pub tenant_id: String,
    pub category: String,
    pub colour: Option<String>,
    pub description: String,
    pub place: String,
    pub lost_on: String,
    /// Where "there may be a match" is mailed; empty when an account is told in its
    /// Postkorb only.
    pub email: String,
    pub lang: String,
    /// The account that filed it while logged in (told in its Postkorb, deleted with it).
    pub account_id: Option<String>,
    /// What the citizen types, with the access code, to see or withdraw it later
    /// (`V-2026-ABC123`; none for reports filed before references existed).
    pub reference: Option<String>,
    pub created_at: i64,
}

/// A suggested match (for staff: which report may belong to which item).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundMatch {
    pub item_id: String,
    pub loss_id: String,
    pub loss_description: String,
    pub lost_on: String,
}

/// What to tell the owner of a loss report of a match: a mail to queue, a notice to the
/// account (either or both).
#[derive(Debug, Clone, Default)]
pub struct MatchNews {
    pub mail: Option<String>,
    pub notice: Option<NewNotice>,
}

/// The public search.
#[derive(Debug, Clone, Default)]
pub struct FoundQuery {
    pub category: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// Categories never listed (identity documents, bank cards).
    pub hidden: Vec<String>,
    pub limit: i64,
}

const ITEM_COLUMNS: &str =
    "id, tenant_id, office_id, number, category, colour, brand, description, place, \
    found_on, reported_on, private_features, finder_claims, status, created_at";

macro_rules! item_of {
    ($r:expr) => {
        FoundItem {
            id: $r.get("id"),
            tenant_id: $r.get("tenant_id"),
            office_id: $r.get("office_id"),
            number: $r.get("number"),
            category: $r.get("category"),
            colour: $r.get("colour"),
            brand: $r.get("brand"),
            description: $r.get("description"),
            place: $r.get("place"),
            found_on: $r.get("found_on"),
            reported_on: $r.get("reported_on"),
            private_features: $r.get("private_features"),
            finder_claims: $r.get::<i64, _>("finder_claims") != 0,
            status: $r.get("status"),
            created_at: $r.get("created_at"),
        }
    };
}

const LOSS_COLUMNS: &str =
    "id, tenant_id, category, colour, description, place, lost_on, email, lang, created_at, reference, account_id";

macro_rules! loss_of {
    ($r:expr) => {
        LossReport {
            id: $r.get("id"),
            tenant_id: $r.get("tenant_id"),
            category: $r.get("category"),
            colour: $r.get("colour"),
            description: $r.get("description"),
            place: $r.get("place"),
            lost_on: $r.get("lost_on"),
            email: $r.get("email"),
            lang: $r.get("lang"),
            reference: $r.get("reference"),
            account_id: $r.get("account_id"),
            created_at: $r.get("created_at"),
        }
    };
}

impl Db {
    /// Registers a found item with its matches (loss report ids) and their mails, audited
    /// as `actor`, in one transaction. `Conflict` if the Fundnummer exists (draw another).
    pub async fn add_found_item(
        &self,
        item: &FoundItem,
        matches: &[String],
        news: &[MatchNews],
        actor: &str,
    ) -> Result<(), StoreError> {
        let now = now_millis();
        macro_rules! body {
            ($pool:expr) => {{
                let mut tx = $pool.begin().await?;
                let inserted = sqlx::query(&format!(
                    "INSERT INTO found_items ({ITEM_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
                     ON CONFLICT (tenant_id, number) DO NOTHING"
                ))
                .bind(&item.id).bind(&item.tenant_id).bind(&item.office_id).bind(&item.number)
                .bind(&item.category).bind(&item.colour).bind(&item.brand).bind(&item.description)
                .bind(&item.place).bind(&item.found_on).bind(&item.reported_on).bind(&item.private_features)
                .bind(i64::from(item.finder_claims)).bind(&item.status).bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if inserted != 1 {
                    tx.rollback().await?;
                    return Err(StoreError::Conflict { constraint: "found_items.number".into() });
                }
                for loss in matches {
                    sqlx::query("INSERT INTO found_matches (tenant_id, item_id, loss_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
                        .bind(&item.tenant_id).bind(&item.id).bind(loss).bind(now)
                        .execute(&mut *tx).await?;
                }
                for n in news {
                    if let Some(payload) = &n.mail {
                        insert_outbox!(tx, &item.tenant_id, "mail", payload.clone());
                    }
                    if let Some(notice) = &n.notice {
                        insert_notice!(tx, &item.tenant_id, notice);
                    }
                }
                let ev = AuditEvent {
                    actor: actor.to_owned(),
                    action: "found-item-registered".into(),
                    object: format!("found:{}", item.number),
                    detail: format!("{} possible matches", matches.len()),
                };
                append_audit!(tx, &item.tenant_id, &ev);
                tx.commit().await?;
                Ok(())
            }};
        }
        match self {
            Db::Sqlite(p) => body!(p),
            Db::Postgres(p) => body!(p),
        }
    }

    /// Files a loss report with its matches (found item ids) and their mail, in one
    /// transaction. `Conflict` if its reference is taken (draw another).
    pub async fn add_loss_report(
        &self,
        loss: &LossReport,
        matches: &[String],
        news: Option<MatchNews>,
    ) -> Result<(), StoreError> {
        let now = now_millis();
        macro_rules! body {
            ($pool:expr) => {{
                let mut tx = $pool.begin().await?;
                let inserted = sqlx::query(&format!(
                    "INSERT INTO loss_reports ({LOSS_COLUMNS}, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'open') \
                     ON CONFLICT DO NOTHING"
                ))
                .bind(&loss.id).bind(&loss.tenant_id).bind(&loss.category).bind(&loss.colour)
                .bind(&loss.description).bind(&loss.place).bind(&loss.lost_on).bind(&loss.email)
                .bind(&loss.lang).bind(now).bind(&loss.reference).bind(&loss.account_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if inserted != 1 {
                    tx.rollback().await?;
                    return Err(StoreError::Conflict { constraint: "loss_reports.reference".into() });
                }
                for item in matches {
                    sqlx::query("INSERT INTO found_matches (tenant_id, item_id, loss_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
                        .bind(&loss.tenant_id).bind(item).bind(&loss.id).bind(now)
                        .execute(&mut *tx).await?;
                }
                if let Some(n) = news {
                    if let Some(payload) = n.mail {
                        insert_outbox!(tx, &loss.tenant_id, "mail", payload);
                    }
                    if let Some(notice) = &n.notice {
                        insert_notice!(tx, &loss.tenant_id, notice);
                    }
                }
                tx.commit().await?;
                Ok(())
            }};
        }
        match self {
            Db::Sqlite(p) => body!(p),
            Db::Postgres(p) => body!(p),
        }
    }

    /// The loss reports account `account` of `tenant` filed, newest first.
    pub async fn losses_of_account(
        &self,
        tenant: &str,
        account: &str,
    ) -> Result<Vec<LossReport>, StoreError> {
        let sql = format!(
            "SELECT {LOSS_COLUMNS} FROM loss_reports WHERE tenant_id = $1 AND account_id = $2 ORDER BY created_at DESC"
        );
        Ok(with_pool!(self, |p| sqlx::query(&sql)
            .bind(tenant)
            .bind(account)
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| loss_of!(r))
            .collect()))
    }

    /// The open loss reports of `tenant` in `category` (to match a new item against).
    pub async fn open_losses(
        &self,
        tenant: &str,
        category: &str,
    ) -> Result<Vec<LossReport>, StoreError> {
        let sql = format!(
            "SELECT {LOSS_COLUMNS} FROM loss_reports WHERE tenant_id = $1 AND category = $2 AND status = 'open' ORDER BY created_at"
        );
        Ok(with_pool!(self, |p| sqlx::query(&sql)
            .bind(tenant)
            .bind(category)
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| loss_of!(r))
            .collect()))
    }

    /// The items of `tenant` still kept, in `category` (to match a new report against).
    pub async fn kept_items(
        &self,
        tenant: &str,
        category: &str,
    ) -> Result<Vec<FoundItem>, StoreError> {
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM found_items WHERE tenant_id = $1 AND category = $2 AND status = 'kept' ORDER BY found_on DESC"
        );
        Ok(with_pool!(self, |p| sqlx::query(&sql)
            .bind(tenant)
            .bind(category)
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| item_of!(r))
            .collect()))
    }

    /// Kept items of `tenant` for the public search (newest find first). Hidden categories
    /// never come back, whatever is asked.
    pub async fn search_found(
        &self,
        tenant: &str,
        q: &FoundQuery,
    ) -> Result<Vec<FoundItem>, StoreError> {
        let mut sql = format!(
            "SELECT {ITEM_COLUMNS} FROM found_items WHERE tenant_id = $1 AND status = 'kept' \
             AND ($2 IS NULL OR category = $2) AND ($3 IS NULL OR found_on >= $3) AND ($4 IS NULL OR found_on <= $4)"
        );
        for i in 0..q.hidden.len() {
            sql.push_str(&format!(" AND category <> ${}", i + 5));
        }
        sql.push_str(&format!(
            " ORDER BY found_on DESC, number LIMIT {}",
            q.limit.clamp(1, 1000)
        ));
        Ok(with_pool!(self, |p| {
            let mut query = sqlx::query(&sql)
                .bind(tenant)
                .bind(&q.category)
                .bind(&q.from)
                .bind(&q.to);
            for h in &q.hidden {
                query = query.bind(h);
            }
            query
                .fetch_all(p)
                .await?
                .iter()
                .map(|r| item_of!(r))
                .collect()
        }))
    }

    /// The items of one office (for staff), newest first.
    pub async fn office_found_items(
        &self,
        tenant: &str,
        office: &str,
    ) -> Result<Vec<FoundItem>, StoreError> {
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM found_items WHERE tenant_id = $1 AND office_id = $2 ORDER BY created_at DESC LIMIT 500"
        );
        Ok(with_pool!(self, |p| sqlx::query(&sql)
            .bind(tenant)
            .bind(office)
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| item_of!(r))
            .collect()))
    }

    /// The matches of the items of one office, with what the report says.
    pub async fn office_matches(
        &self,
        tenant: &str,
        office: &str,
    ) -> Result<Vec<FoundMatch>, StoreError> {
        Ok(with_pool!(self, |p| sqlx::query(
            "SELECT m.item_id, m.loss_id, l.description, l.lost_on FROM found_matches m \
             JOIN found_items i ON i.id = m.item_id JOIN loss_reports l ON l.id = m.loss_id \
             WHERE m.tenant_id = $1 AND i.office_id = $2 ORDER BY m.created_at"
        )
        .bind(tenant)
        .bind(office)
        .fetch_all(p)
        .await?
        .iter()
        .map(|r| FoundMatch {
            item_id: r.get("item_id"),
            loss_id: r.get("loss_id"),
            loss_description: r.get("description"),
            lost_on: r.get("lost_on"),
        })
        .collect()))
    }
}

/// Someone's claim to a found item: what they say identifies it, for staff to compare with
/// the private features.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundClaim {
    pub id: String,
    pub tenant_id: String,
    pub item_id: String,
    pub name: String,
    pub email: String,
    /// What the claimant says identifies the item (contents, marks, serial number).
    pub features: String,
    pub lang: String,
    /// `open`, `accepted`, `rejected`.
    pub status: String,
    /// The value staff set when accepting, and the finder's reward from it.
    pub value_cents: Option<i64>,
    pub reward_cents: Option<i64>,
    /// The office's fee for handing the item back (from its fee table and the value).
    pub fee_cents: Option<i64>,
    pub created_at: i64,
}

const CLAIM_COLUMNS: &str = "id, tenant_id, item_id, name, email, features, lang, status, value_cents, reward_cents, created_at, fee_cents";

/// The claim columns qualified by `table` (for joins).
fn claim_columns_of(table: &str) -> String {
    CLAIM_COLUMNS
        .split(", ")
        .map(|c| format!("{table}.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

macro_rules! claim_of {
    ($r:expr) => {
        FoundClaim {
            id: $r.get("id"),
            tenant_id: $r.get("tenant_id"),
            item_id: $r.get("item_id"),
            name: $r.get("name"),
            email: $r.get("email"),
            features: $r.get("features"),
            lang: $r.get("lang"),
            status: $r.get("status"),
            value_cents: $r.get("value_cents"),
            reward_cents: $r.get("reward_cents"),
            fee_cents: $r.get("fee_cents"),
            created_at: $r.get("created_at"),
        }
    };
}

/// What deciding a claim came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimDecided {
    Done,
    /// Decided already, or the item is no longer kept.
    Gone,
}

impl Db {
    /// The kept item `number` of `tenant`, if any.
    pub async fn kept_item(
        &self,
        tenant: &str,
        number: &str,
    ) -> Result<Option<FoundItem>, StoreError> {
        let sql = format!("SELECT {ITEM_COLUMNS} FROM found_items WHERE tenant_id = $1 AND number = $2 AND status = 'kept'");
        Ok(with_pool!(self, |p| sqlx::query(&sql)
            .bind(tenant)
            .bind(number)
            .fetch_optional(p)
            .await?
            .map(|r| item_of!(r))))
    }

    /// Files a claim (the item must still be kept); `false` if it is not.
    pub async fn add_found_claim(&self, c: &FoundClaim) -> Result<bool, StoreError> {
        let sql = format!(
            "INSERT INTO found_claims ({CLAIM_COLUMNS}) \
             SELECT $1, $2, $3, $4, $5, $6, $7, 'open', NULL, NULL, $8, NULL \
             WHERE EXISTS (SELECT 1 FROM found_items WHERE id = $3 AND tenant_id = $2 AND status = 'kept')"
        );
        with_pool!(self, |p| sqlx::query(&sql)
            .bind(&c.id)
            .bind(&c.tenant_id)
            .bind(&c.item_id)
            .bind(&c.name)
            .bind(&c.email)
            .bind(&c.features)
            .bind(&c.lang)
            .bind(now_millis())
            .execute(p)
            .await
            .map(|r| r.rows_affected() == 1))
        .map_err(StoreError::from_sqlx)
    }

    /// The claims to the items of one office, oldest first.
    pub async fn office_claims(
        &self,
        tenant: &str,
        office: &str,
    ) -> Result<Vec<FoundClaim>, StoreError> {
        let sql = format!(
            "SELECT {} FROM found_claims c JOIN found_items i ON i.id = c.item_id \
             WHERE c.tenant_id = $1 AND i.office_id = $2 ORDER BY c.created_at",
            claim_columns_of("c")
        );
        Ok(with_pool!(self, |p| sqlx::query(&sql)
            .bind(tenant)
            .bind(office)
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| claim_of!(r))
            .collect()))
    }

    /// Claim `id` to an item of `office`, if it is one.
    pub async fn office_claim(
        &self,
        tenant: &str,
        office: &str,
        id: &str,
    ) -> Result<Option<FoundClaim>, StoreError> {
        let sql = format!(
            "SELECT {} FROM found_claims c JOIN found_items i ON i.id = c.item_id \
             WHERE c.tenant_id = $1 AND i.office_id = $2 AND c.id = $3",
            claim_columns_of("c")
        );
        Ok(with_pool!(self, |p| sqlx::query(&sql)
            .bind(tenant)
            .bind(office)
            .bind(id)
            .fetch_optional(p)
            .await?
            .map(|r| claim_of!(r))))
    }

    /// Decides open claim `claim` to an item of `office`: accepted (the item is returned to
    /// the claimant, value and reward recorded) or rejected; with the claimant's mail and
    /// the audit entry, in one transaction.
    #[allow(clippy::too_many_arguments)]
    pub async fn decide_found_claim(
        &self,
        tenant: &str,
        office: &str,
        claim: &str,
        accept: bool,
        value_cents: Option<i64>,
        reward_cents: Option<i64>,
        fee_cents: Option<i64>,
        mail: String,
        actor: &str,
    ) -> Result<ClaimDecided, StoreError> {
        macro_rules! body {
            ($pool:expr) => {{
                let mut tx = $pool.begin().await?;
                let item: Option<(String, String)> = sqlx::query(
                    "SELECT i.id, i.number FROM found_claims c JOIN found_items i ON i.id = c.item_id \
                     WHERE c.id = $1 AND c.tenant_id = $2 AND i.office_id = $3 AND c.status = 'open' AND i.status = 'kept'",
                )
                .bind(claim).bind(tenant).bind(office)
                .fetch_optional(&mut *tx).await?
                .map(|r| (r.get("id"), r.get("number")));
                let Some((item_id, number)) = item else {
                    tx.rollback().await?;
                    return Ok(ClaimDecided::Gone);
                };
                let status = if accept { "accepted" } else { "rejected" };
                sqlx::query("UPDATE found_claims SET status = $1, value_cents = $2, reward_cents = $3, fee_cents = $4 WHERE id = $5 AND status = 'open'")
                    .bind(status).bind(value_cents).bind(reward_cents).bind(fee_cents).bind(claim)
                    .execute(&mut *tx).await?;
                if accept {
                    sqlx::query("UPDATE found_items SET status = 'returned' WHERE id = $1 AND status = 'kept'")
                        .bind(&item_id)
                        .execute(&mut *tx).await?;
                }
                insert_outbox!(tx, tenant, "mail", mail);
                let ev = AuditEvent {
                    actor: actor.to_owned(),
                    action: format!("found-claim-{status}"),
                    object: format!("found:{number}"),
                    detail: String::new(),
                };
                append_audit!(tx, tenant, &ev);
                tx.commit().await?;
                Ok(ClaimDecided::Done)
            }};
        }
        match self {
            Db::Sqlite(p) => body!(p),
            Db::Postgres(p) => body!(p),
        }
    }
}

impl Db {
    /// Ends the keeping of kept item `number` of `office`: `to_finder` or `auctioned`
    /// (audited as `actor`); `false` if it is not kept (any more).
    pub async fn settle_found_item(
        &self,
        tenant: &str,
        office: &str,
        number: &str,
        status: &str,
        actor: &str,
    ) -> Result<bool, StoreError> {
        macro_rules! body {
            ($pool:expr) => {{
                let mut tx = $pool.begin().await?;
                let n = sqlx::query(
                    "UPDATE found_items SET status = $1 WHERE tenant_id = $2 AND office_id = $3 AND number = $4 AND status = 'kept'",
                )
                .bind(status)
                .bind(tenant)
                .bind(office)
                .bind(number)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if n != 1 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                let ev = AuditEvent {
                    actor: actor.to_owned(),
                    action: format!("found-item-{status}"),
                    object: format!("found:{number}"),
                    detail: String::new(),
                };
                append_audit!(tx, tenant, &ev);
                tx.commit().await?;
                Ok(true)
            }};
        }
        match self {
            Db::Sqlite(p) => body!(p),
            Db::Postgres(p) => body!(p),
        }
    }
}

impl Db {
    /// The loss report of `tenant` with `reference`.
    pub async fn loss_by_reference(
        &self,
        tenant: &str,
        reference: &str,
    ) -> Result<Option<LossReport>, StoreError> {
        let sql = format!(
            "SELECT {LOSS_COLUMNS} FROM loss_reports WHERE tenant_id = $1 AND reference = $2"
        );
        Ok(with_pool!(self, |p| sqlx::query(&sql)
            .bind(tenant)
            .bind(reference)
            .fetch_optional(p)
            .await?
            .map(|r| loss_of!(r))))
    }

    /// Loss report `id` of `tenant`.
    pub async fn loss_report(
        &self,
        tenant: &str,
        id: &str,
    ) -> Result<Option<LossReport>, StoreError> {
        let sql =
            format!("SELECT {LOSS_COLUMNS} FROM loss_reports WHERE tenant_id = $1 AND id = $2");
        Ok(with_pool!(self, |p| sqlx::query(&sql)
            .bind(tenant)
            .bind(id)
            .fetch_optional(p)
            .await?
            .map(|r| loss_of!(r))))
    }
}

/// A photo of a found item (its bytes in the file storage under `id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundPhoto {
    pub id: String,
    pub tenant_id: String,
    pub item_id: String,
    /// `jpeg` or `png`.
    pub kind: String,
    pub size: i64,
    pub created_at: i64,
}

macro_rules! photo_of {
    ($r:expr) => {
        FoundPhoto {
            id: $r.get("id"),
            tenant_id: $r.get("tenant_id"),
            item_id: $r.get("item_id"),
            kind: $r.get("kind"),
            size: $r.get("size"),
            created_at: $r.get("created_at"),
        }
    };
}

impl Db {
    /// Adds photo `p` to kept item `number` of `office` if it has fewer than `max`
    /// (audited as `actor`); `false` if the item is not kept there or has enough.
    pub async fn add_found_photo(
        &self,
        p: &FoundPhoto,
        office: &str,
        number: &str,
        max: i64,
        actor: &str,
    ) -> Result<bool, StoreError> {
        let now = now_millis();
        macro_rules! body {
            ($pool:expr) => {{
                let mut tx = $pool.begin().await?;
                // Lock the item first, so two uploads at once cannot both pass the count.
                let kept = sqlx::query(
                    "UPDATE found_items SET status = status WHERE id = $1 AND tenant_id = $2 AND status = 'kept'",
                )
                .bind(&p.item_id).bind(&p.tenant_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if kept != 1 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                let n = sqlx::query(
                    "INSERT INTO found_photos (id, tenant_id, item_id, kind, size, created_at) \
                     SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM found_items \
                       WHERE id = $3 AND tenant_id = $2 AND office_id = $7 AND number = $8 AND status = 'kept') \
                     AND (SELECT COUNT(*) FROM found_photos WHERE tenant_id = $2 AND item_id = $3) < $9",
                )
                .bind(&p.id).bind(&p.tenant_id).bind(&p.item_id).bind(&p.kind).bind(p.size).bind(now)
                .bind(office).bind(number).bind(max)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if n != 1 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                let ev = AuditEvent {
                    actor: actor.to_owned(),
                    action: "found-photo-added".into(),
                    object: format!("found:{number}"),
                    detail: format!("{} bytes", p.size),
                };
                append_audit!(tx, &p.tenant_id, &ev);
                tx.commit().await?;
                Ok(true)
            }};
        }
        match self {
            Db::Sqlite(p) => body!(p),
            Db::Postgres(p) => body!(p),
        }
    }

    /// The photos of the items of one office, oldest first.
    pub async fn office_found_photos(
        &self,
        tenant: &str,
        office: &str,
    ) -> Result<Vec<FoundPhoto>, StoreError> {
        Ok(with_pool!(self, |p| {
            sqlx::query(
            "SELECT f.id, f.tenant_id, f.item_id, f.kind, f.size, f.created_at FROM found_photos f \
             JOIN found_items i ON i.id = f.item_id WHERE f.tenant_id = $1 AND i.office_id = $2 \
             ORDER BY f.created_at, f.id"
        )
        .bind(tenant)
        .bind(office)
        .fetch_all(p)
        .await?
        .iter()
        .map(|r| photo_of!(r))
        .collect()
        }))
    }

    /// Photo `id` of an item of `office`, if it is one.
    pub async fn found_photo(
        &self,
        tenant: &str,
        office: &str,
        id: &str,
    ) -> Result<Option<FoundPhoto>, StoreError> {
        Ok(with_pool!(self, |p| {
            sqlx::query(
            "SELECT f.id, f.tenant_id, f.item_id, f.kind, f.size, f.created_at FROM found_photos f \
             JOIN found_items i ON i.id = f.item_id WHERE f.tenant_id = $1 AND i.office_id = $2 AND f.id = $3"
        )
        .bind(tenant)
        .bind(office)
        .bind(id)
        .fetch_optional(p)
        .await?
        .map(|r| photo_of!(r))
        }))
    }

    /// Deletes the photo rows of item `item` of `tenant` once it is no longer kept (it
    /// left the office); returns the ids of the files to delete.
    pub async fn drop_found_photos(
        &self,
        tenant: &str,
        item: &str,
    ) -> Result<Vec<String>, StoreError> {
        macro_rules! body {
            ($pool:expr) => {{
                let mut tx = $pool.begin().await?;
                let ids: Vec<String> = sqlx::query(
                    "SELECT f.id FROM found_photos f JOIN found_items i ON i.id = f.item_id \
                     WHERE f.tenant_id = $1 AND i.id = $2 AND i.status <> 'kept'",
                )
                .bind(tenant)
                .bind(item)
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|r| r.get("id"))
                .collect();
                for id in &ids {
                    sqlx::query("DELETE FROM found_photos WHERE tenant_id = $1 AND id = $2")
                        .bind(tenant)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(ids)
            }};
        }
        match self {
            Db::Sqlite(p) => body!(p),
            Db::Postgres(p) => body!(p),
        }
    }

    /// Withdraws loss report `id`: the report and its suggested matches are deleted
    /// (audited, without its content); `false` if there is no such report.
    pub async fn withdraw_loss_report(&self, tenant: &str, id: &str) -> Result<bool, StoreError> {
        macro_rules! body {
            ($pool:expr) => {{
                let mut tx = $pool.begin().await?;
                let n = sqlx::query("DELETE FROM loss_reports WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if n != 1 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                sqlx::query("DELETE FROM found_matches WHERE tenant_id = $1 AND loss_id = $2")
                    .bind(tenant)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                let ev = AuditEvent {
                    actor: "citizen".into(),
                    action: "loss-report-withdrawn".into(),
                    object: format!("loss:{id}"),
                    detail: String::new(),
                };
                append_audit!(tx, tenant, &ev);
                tx.commit().await?;
                Ok(true)
            }};
        }
        match self {
            Db::Sqlite(p) => body!(p),
            Db::Postgres(p) => body!(p),
        }
    }

    /// Deletes loss reports filed before `before` (unix ms) with their matches: a standing
    /// search ends after a year, and its personal data with it. Returns how many.
    pub async fn purge_loss_reports(&self, before: i64) -> Result<u64, StoreError> {
        macro_rules! body {
            ($pool:expr) => {{
                let mut tx = $pool.begin().await?;
                sqlx::query(
                    "DELETE FROM found_matches WHERE loss_id IN (SELECT id FROM loss_reports WHERE created_at < $1)",
                )
                .bind(before)
                .execute(&mut *tx)
                .await?;
                let n = sqlx::query("DELETE FROM loss_reports WHERE created_at < $1")
                    .bind(before)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                tx.commit().await?;
                Ok(n)
            }};
        }
        match self {
            Db::Sqlite(p) => body!(p),
            Db::Postgres(p) => body!(p),
        }
    }
}
