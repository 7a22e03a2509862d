//! Payments of fees: one row per application that owes one, written with the submission;
//! status changes follow `domain::payment` and are applied only from the status they were
//! computed from, so concurrent or repeated notifications cannot skip a rule.

use crate::{now_millis, with_pool, Db, StoreError};
use rathaus_domain::payment::{Outcome, PaymentEvent, PaymentStatus};
use sqlx::Row;

/// The fee of a new application (written by `submit`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewPayment {
    pub amount_cents: i64,
    pub booking_code: String,
    /// Short purpose of the transfer, e.g. "Meldebescheinigung".
    pub purpose: String,
    /// The itemised fee as JSON (`domain::payment::FeeLine`s).
    pub lines: String,
    /// A SEPA mandate `(IBAN, account holder, date YYYY-MM-DD)`: collected by direct debit.
    pub mandate: Option<(String, String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub id: String,
    pub tenant_id: String,
    pub draft_id: String,
    pub reference: String,
    pub creditor_ref: String,
    pub amount_cents: i64,
    pub booking_code: String,
    pub purpose: String,
    pub lines: String,
    pub status: PaymentStatus,
    pub method: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub paid_at: Option<i64>,
    /// The online payment service of the current attempt (`demo`, `xbezahldienste`).
    pub provider: Option<String>,
    pub transaction_id: Option<String>,
    /// The reference the payment service reported (e.g. the Kassenzeichen).
    pub kassenzeichen: Option<String>,
    pub debtor_iban: Option<String>,
    pub debtor_name: Option<String>,
    pub mandate_date: Option<String>,
    /// When the direct debit went into a collection file.
    pub exported_at: Option<i64>,
}

const COLUMNS: &str =
    "id, tenant_id, draft_id, reference, creditor_ref, amount_cents, booking_code, purpose, \
     lines, status, method, created_at, updated_at, paid_at, provider, transaction_id, kassenzeichen, \
     debtor_iban, debtor_name, mandate_date, exported_at";

macro_rules! payment_from {
    ($r:expr) => {
        Payment {
            id: $r.get("id"),
            tenant_id: $r.get("tenant_id"),
            draft_id: $r.get("draft_id"),
            reference: $r.get("reference"),
            creditor_ref: $r.get("creditor_ref"),
            amount_cents: $r.get("amount_cents"),
            booking_code: $r.get("booking_code"),
            purpose: $r.get("purpose"),
            lines: $r.get("lines"),
            status: crate::decode("payment status", $r.get("status"), PaymentStatus::parse)?,
            method: $r.get("method"),
            created_at: $r.get("created_at"),
            updated_at: $r.get("updated_at"),
            paid_at: $r.get("paid_at"),
            provider: $r.get("provider"),
            transaction_id: $r.get("transaction_id"),
            kassenzeichen: $r.get("kassenzeichen"),
            debtor_iban: $r.get("debtor_iban"),
            debtor_name: $r.get("debtor_name"),
            mandate_date: $r.get("mandate_date"),
            exported_at: $r.get("exported_at"),
        }
    };
}

/// Inserts the payment of a new submission inside transaction `$tx`.
macro_rules! insert_payment {
    ($tx:ident, $tenant:expr, $draft:expr, $reference:expr, $p:expr) => {{
        let p: &$crate::payments::NewPayment = $p;
        let reference: &str = $reference;
        let creditor_ref = rathaus_domain::payment::CreditorReference::for_base(reference)
            .map(|r| r.as_str().to_owned())
            .unwrap_or_else(|| reference.to_owned());
        let now = $crate::now_millis();
        // A mandate makes it a direct debit, waiting for its collection file.
        let (status, method) = if p.mandate.is_some() { ("pending", Some("direct_debit")) } else { ("open", None) };
        let (debtor_iban, debtor_name, mandate_date) = match &p.mandate {
            Some((i, n, d)) => (Some(i.as_str()), Some(n.as_str()), Some(d.as_str())),
            None => (None, None, None),
        };
        sqlx::query(
            "INSERT INTO payments (id, tenant_id, draft_id, reference, creditor_ref, amount_cents, booking_code, \
             purpose, lines, status, method, created_at, updated_at, paid_at, debtor_iban, debtor_name, mandate_date) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $11, $12, $10, $10, NULL, $13, $14, $15)",
        )
        .bind(uuid::Uuid::new_v4().simple().to_string())
        .bind($tenant)
        .bind($draft)
        .bind(reference)
        .bind(creditor_ref)
        .bind(p.amount_cents)
        .bind(&p.booking_code)
        .bind(&p.purpose)
        .bind(&p.lines)
        .bind(now)
        .bind(status)
        .bind(method)
        .bind(debtor_iban)
        .bind(debtor_name)
        .bind(mandate_date)
        .execute(&mut *$tx)
        .await
        .map_err($crate::StoreError::from_sqlx)?;
    }};
}
pub(crate) use insert_payment;

impl Db {
    /// The payment of an application, if it owes a fee.
    pub async fn payment_of(&self, draft_id: &str) -> Result<Option<Payment>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM payments WHERE draft_id = $1");
        Ok(with_pool!(self, |p| sqlx::query(&sql)
            .bind(draft_id)
            .fetch_optional(p)
            .await?
            .map(|r| Ok::<_, StoreError>(payment_from!(r)))
            .transpose())?)
    }

    /// The payment a creditor reference (RF…) names, within the cash office's tenant.
    pub async fn payment_by_creditor_ref(
        &self,
        tenant_id: &str,
        creditor_ref: &str,
    ) -> Result<Option<Payment>, StoreError> {
        let sql =
            format!("SELECT {COLUMNS} FROM payments WHERE tenant_id = $1 AND creditor_ref = $2");
        Ok(with_pool!(self, |p| sqlx::query(&sql)
            .bind(tenant_id)
            .bind(creditor_ref)
            .fetch_optional(p)
            .await?
            .map(|r| Ok::<_, StoreError>(payment_from!(r)))
            .transpose())?)
    }

    /// Applies `event` to payment `id` by the rules of `domain::payment`; `method` is kept
    /// when given (transfer, online …). When the payment becomes paid, `on_paid` (the
    /// hand-overs that waited for the money) is queued in the same transaction. Returns the
    /// outcome.
    pub async fn apply_payment_event(
        &self,
        id: &str,
        event: PaymentEvent,
        method: Option<&str>,
        on_paid: &[crate::QueuedDelivery],
        transaction: Option<&str>,
    ) -> Result<Outcome, StoreError> {
        macro_rules! body {
            ($pool:expr) => {{
                let mut tx = $pool.begin().await?;
                // Serialise concurrent notifications on this row (a no-op update takes the
                // row lock on PostgreSQL; SQLite has one writer anyway).
                let row = sqlx::query(
                    "UPDATE payments SET updated_at = updated_at WHERE id = $1 \
                     RETURNING status, tenant_id, reference, transaction_id",
                )
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(row) = row else {
                    tx.rollback().await?;
                    return Err(StoreError::Database(sqlx::Error::RowNotFound));
                };
                // News about an earlier attempt does not touch the current one.
                let current_tx: Option<String> = row.get("transaction_id");
                if transaction.is_some() && current_tx.as_deref() != transaction {
                    tx.rollback().await?;
                    return Ok(Outcome::Unchanged);
                }
                let current: String = row.get("status");
                let tenant: String = row.get("tenant_id");
                let reference: String = row.get("reference");
                let from = PaymentStatus::parse(&current).unwrap_or(PaymentStatus::Open);
                let to = match from.apply(event) {
                    Outcome::Changed(to) => to,
                    other => {
                        tx.rollback().await?;
                        return Ok(other);
                    }
                };
                let now = now_millis();
                sqlx::query(
                    "UPDATE payments SET status = $1, updated_at = $2, method = COALESCE($3, method), \
                     paid_at = CASE WHEN $1 = 'paid' THEN $2 ELSE paid_at END WHERE id = $4",
                )
                .bind(to.as_str())
                .bind(now)
                .bind(method)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                if to == PaymentStatus::Paid {
                    for d in on_paid {
                        crate::outbox::insert_delivery!(tx, &tenant, d, &reference);
                    }
                }
                tx.commit().await?;
                Ok(Outcome::Changed(to))
            }};
        }
        match self {
            Db::Sqlite(p) => body!(p),
            Db::Postgres(p) => body!(p),
        }
    }
}

/// A line of an imported bank statement with its reconciliation outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankLine {
    pub id: String,
    pub tenant_id: String,
    pub booked_on: Option<String>,
    pub amount_cents: i64,
    pub debtor: Option<String>,
    pub remittance: String,
    pub reference: Option<String>,
    pub outcome: String,
    pub payment_id: Option<String>,
    pub imported_at: i64,
}

impl Db {
    /// Records a statement line and, if it pays a fee, marks the payment paid — in one
    /// transaction. Returns false (and changes nothing) if the line was imported before.
    pub async fn record_bank_line(
        &self,
        line: &BankLine,
        on_paid: &[crate::QueuedDelivery],
    ) -> Result<bool, StoreError> {
        macro_rules! body {
            ($pool:expr) => {{
                let mut tx = $pool.begin().await?;
                let n = sqlx::query(
                    "INSERT INTO bank_lines (id, tenant_id, booked_on, amount_cents, debtor, remittance, reference, \
                     outcome, payment_id, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                     ON CONFLICT (id) DO NOTHING",
                )
                .bind(&line.id)
                .bind(&line.tenant_id)
                .bind(&line.booked_on)
                .bind(line.amount_cents)
                .bind(&line.debtor)
                .bind(&line.remittance)
                .bind(&line.reference)
                .bind(&line.outcome)
                .bind(&line.payment_id)
                .bind(line.imported_at)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if n != 1 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                if let (Some(pid), "pays") = (&line.payment_id, line.outcome.as_str()) {
                    let current: Option<String> = sqlx::query(
                        "SELECT status FROM payments WHERE id = $1 AND tenant_id = $2",
                    )
                    .bind(pid)
                    .bind(&line.tenant_id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .map(|r| r.get("status"));
                    let from = current
                        .as_deref()
                        .and_then(PaymentStatus::parse)
                        .unwrap_or(PaymentStatus::Open);
                    if let Outcome::Changed(to) = from.apply(PaymentEvent::Succeeded) {
                        let now = now_millis();
                        let reference: Option<String> = sqlx::query(
                            "UPDATE payments SET status = $1, method = 'transfer', updated_at = $2, paid_at = $2 \
                             WHERE id = $3 AND status = $4 RETURNING reference",
                        )
                        .bind(to.as_str())
                        .bind(now)
                        .bind(pid)
                        .bind(from.as_str())
                        .fetch_optional(&mut *tx)
                        .await?
                        .map(|r| r.get("reference"));
                        if let Some(reference) = reference {
                            for d in on_paid {
                                crate::outbox::insert_delivery!(tx, &line.tenant_id, d, &reference);
                            }
                        } else {
                            // Paid meanwhile by other means: this money is for staff to clear.
                            sqlx::query("UPDATE bank_lines SET outcome = 'already_paid' WHERE id = $1")
                                .bind(&line.id)
                                .execute(&mut *tx)
                                .await?;
                        }
                    } else {
                        sqlx::query("UPDATE bank_lines SET outcome = 'already_paid' WHERE id = $1")
                            .bind(&line.id)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                tx.commit().await?;
                Ok(true)
            }};
        }
        match self {
            Db::Sqlite(p) => body!(p),
            Db::Postgres(p) => body!(p),
        }
    }

    /// The newest statement lines of a cash office; `waiting` only those staff must look at.
    pub async fn bank_lines(
        &self,
        tenant_id: &str,
        waiting: bool,
        limit: i64,
    ) -> Result<Vec<BankLine>, StoreError> {
        let sql = format!(
            "SELECT id, tenant_id, booked_on, amount_cents, debtor, remittance, reference, outcome, payment_id, imported_at \
             FROM bank_lines WHERE tenant_id = $1 {} ORDER BY imported_at DESC, id LIMIT $2",
            if waiting { "AND outcome <> 'pays'" } else { "" }
        );
        Ok(with_pool!(self, |p| sqlx::query(&sql)
            .bind(tenant_id)
            .bind(limit)
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| BankLine {
                id: r.get("id"),
                tenant_id: r.get("tenant_id"),
                booked_on: r.get("booked_on"),
                amount_cents: r.get("amount_cents"),
                debtor: r.get("debtor"),
                remittance: r.get("remittance"),
                reference: r.get("reference"),
                outcome: r.get("outcome"),
                payment_id: r.get("payment_id"),
                imported_at: r.get("imported_at"),
            })
            .collect()))
    }

    /// The payment with this id, within the tenant.
    pub async fn payment(&self, tenant_id: &str, id: &str) -> Result<Option<Payment>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM payments WHERE tenant_id = $1 AND id = $2");
        Ok(with_pool!(self, |p| sqlx::query(&sql)
            .bind(tenant_id)
            .bind(id)
            .fetch_optional(p)
            .await?
            .map(|r| Ok::<_, StoreError>(payment_from!(r)))
            .transpose())?)
    }
}

/// A transaction of the built-in demo payment service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoTransaction {
    pub id: String,
    pub tenant_id: String,
    /// The payment request as JSON.
    pub request: String,
    pub redirect_url: String,
    pub status: String,
    pub reference: Option<String>,
}

impl Db {
    /// Records that an online attempt started at `provider` with `transaction_id`: the
    /// payment becomes pending (from open or failed only).
    pub async fn start_online_payment(
        &self,
        id: &str,
        provider: &str,
        transaction_id: &str,
    ) -> Result<bool, StoreError> {
        Ok(with_pool!(self, |p| {
            sqlx::query(
            "UPDATE payments SET status = 'pending', provider = $1, transaction_id = $2, updated_at = $3 \
             WHERE id = $4 AND status IN ('open', 'failed')"
        )
        .bind(provider)
        .bind(transaction_id)
        .bind(now_millis())
        .bind(id)
        .execute(p)
        .await?
        .rows_affected()
        }) == 1)
    }

    /// Keeps the reference a payment service reported for the payment.
    pub async fn set_kassenzeichen(&self, id: &str, kassenzeichen: &str) -> Result<(), StoreError> {
        with_pool!(self, |p| sqlx::query(
            "UPDATE payments SET kassenzeichen = $1 WHERE id = $2"
        )
        .bind(kassenzeichen)
        .bind(id)
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    pub async fn insert_demo_transaction(&self, t: &DemoTransaction) -> Result<(), StoreError> {
        let now = now_millis();
        with_pool!(self, |p| sqlx::query(
            "INSERT INTO demo_pay_transactions (id, tenant_id, request, redirect_url, status, reference, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)"
        )
        .bind(&t.id)
        .bind(&t.tenant_id)
        .bind(&t.request)
        .bind(&t.redirect_url)
        .bind(&t.status)
        .bind(&t.reference)
        .bind(now)
        .execute(p)
        .await
        .map(|_| ()))
        .map_err(StoreError::from_sqlx)?;
        Ok(())
    }

    pub async fn demo_transaction(&self, id: &str) -> Result<Option<DemoTransaction>, StoreError> {
        Ok(with_pool!(self, |p| {
            sqlx::query(
            "SELECT id, tenant_id, request, redirect_url, status, reference FROM demo_pay_transactions WHERE id = $1"
        )
        .bind(id)
        .fetch_optional(p)
        .await?
        .map(|r| DemoTransaction {
            id: r.get("id"),
            tenant_id: r.get("tenant_id"),
            request: r.get("request"),
            redirect_url: r.get("redirect_url"),
            status: r.get("status"),
            reference: r.get("reference"),
        })
        }))
    }

    /// The demo pay page's outcome; only a transaction still `INITIAL` changes.
    pub async fn finish_demo_transaction(
        &self,
        id: &str,
        status: &str,
        reference: Option<&str>,
    ) -> Result<bool, StoreError> {
        Ok(with_pool!(self, |p| sqlx::query(
            "UPDATE demo_pay_transactions SET status = $1, reference = $2, updated_at = $3 \
             WHERE id = $4 AND status = 'INITIAL'"
        )
        .bind(status)
        .bind(reference)
        .bind(now_millis())
        .bind(id)
        .execute(p)
        .await?
        .rows_affected())
            == 1)
    }
}

impl Db {
    /// The payments of a cash office whose money was recorded in `[from_ms, to_ms)`, oldest
    /// first (the daily booking file).
    pub async fn paid_between(
        &self,
        tenant_id: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<Payment>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM payments WHERE tenant_id = $1 AND status = 'paid' \
             AND paid_at >= $2 AND paid_at < $3 ORDER BY paid_at, id"
        );
        Ok(with_pool!(self, |p| sqlx::query(&sql)
            .bind(tenant_id)
            .bind(from_ms)
            .bind(to_ms)
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| Ok::<_, StoreError>(payment_from!(r)))
            .collect::<Result<Vec<_>, _>>())?)
    }
}

impl Db {
    /// Direct debits not yet in a collection file: marks them exported now and returns them,
    /// in one transaction, so each is collected once.
    pub async fn take_direct_debits(&self, tenant_id: &str) -> Result<Vec<Payment>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM payments WHERE tenant_id = $1 AND method = 'direct_debit' \
             AND status = 'pending' AND exported_at IS NULL ORDER BY created_at, id"
        );
        macro_rules! body {
            ($pool:expr) => {{
                let mut tx = $pool.begin().await?;
                let rows: Vec<Payment> = sqlx::query(&sql)
                    .bind(tenant_id)
                    .fetch_all(&mut *tx)
                    .await?
                    .iter()
                    .map(|r| Ok::<_, StoreError>(payment_from!(r)))
                    .collect::<Result<Vec<_>, _>>()?;
                let now = now_millis();
                let mut taken = Vec::with_capacity(rows.len());
                for p in rows {
                    // Only what this transaction marks goes into its file: a concurrent
                    // export that marked a row first keeps it.
                    let n = sqlx::query("UPDATE payments SET exported_at = $1, updated_at = $1 WHERE id = $2 AND exported_at IS NULL")
                        .bind(now)
                        .bind(&p.id)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    if n == 1 {
                        taken.push(p);
                    }
                }
                tx.commit().await?;
                Ok(taken)
            }};
        }
        match self {
            Db::Sqlite(p) => body!(p),
            Db::Postgres(p) => body!(p),
        }
    }

    /// How many direct debits wait for a collection file.
    pub async fn direct_debits_waiting(&self, tenant_id: &str) -> Result<i64, StoreError> {
        Ok(with_pool!(self, |p| sqlx::query(
            "SELECT COUNT(*) AS n FROM payments WHERE tenant_id = $1 AND method = 'direct_debit' \
             AND status = 'pending' AND exported_at IS NULL"
        )
        .bind(tenant_id)
        .fetch_one(p)
        .await?
        .get::<i64, _>("n")))
    }
}

impl Db {
    /// Online payments still pending whose last change is older than `before_ms`: the
    /// citizen may have paid and never come back.
    pub async fn stale_online_payments(&self, before_ms: i64) -> Result<Vec<Payment>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM payments WHERE status = 'pending' AND provider IS NOT NULL \
             AND transaction_id IS NOT NULL AND updated_at < $1 ORDER BY updated_at LIMIT 100"
        );
        Ok(with_pool!(self, |p| sqlx::query(&sql)
            .bind(before_ms)
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| Ok::<_, StoreError>(payment_from!(r)))
            .collect::<Result<Vec<_>, _>>())?)
    }

    /// Marks that a pending payment was looked at (so the next look waits its turn).
    pub async fn touch_payment(&self, id: &str) -> Result<(), StoreError> {
        with_pool!(self, |p| sqlx::query(
            "UPDATE payments SET updated_at = $1 WHERE id = $2 AND status = 'pending'"
        )
        .bind(now_millis())
        .bind(id)
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }
}
