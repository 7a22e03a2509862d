//! Moving folders (migration 0020): a citizen's folder (answers, consent, owner) and what
//! was marked or started per item.

use crate::notices::{insert_notice, NewNotice};
use crate::postkorb::insert_outbox;
use crate::{now_millis, with_pool, Db, StoreError};
use sqlx::Row;

/// A citizen's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderRow {
    pub id: String,
    pub tenant_id: String,
    pub plan_id: String,
    pub reference: String,
    pub account_id: Option<String>,
    /// The answers to the opening questions (JSON object).
    pub answers: String,
    /// The facts may prefill applications started from the folder.
    pub consent: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What the citizen did with one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderItemRow {
    pub item_id: String,
    /// `open`, `done` or `not_for_me`.
    pub state: String,
    /// The application started from it.
    pub draft_id: Option<String>,
    /// When the citizen was reminded that it is due (unix ms).
    pub reminded_at: Option<i64>,
    pub updated_at: i64,
}

const COLUMNS: &str =
    "id, tenant_id, plan_id, reference, account_id, answers, consent, created_at, updated_at";

macro_rules! folder_of {
    ($r:expr) => {
        FolderRow {
            id: $r.get("id"),
            tenant_id: $r.get("tenant_id"),
            plan_id: $r.get("plan_id"),
            reference: $r.get("reference"),
            account_id: $r.get("account_id"),
            answers: $r.get("answers"),
            consent: $r.get::<i64, _>("consent") != 0,
            created_at: $r.get("created_at"),
            updated_at: $r.get("updated_at"),
        }
    };
}

impl Db {
    /// Files a new folder. `Conflict` if its reference is taken (draw another).
    pub async fn add_folder(&self, f: &FolderRow) -> Result<(), StoreError> {
        let now = now_millis();
        let sql = format!(
            "INSERT INTO folders ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT DO NOTHING"
        );
        let n = with_pool!(self, |p| sqlx::query(&sql)
            .bind(&f.id)
            .bind(&f.tenant_id)
            .bind(&f.plan_id)
            .bind(&f.reference)
            .bind(&f.account_id)
            .bind(&f.answers)
            .bind(i64::from(f.consent))
            .bind(now)
            .execute(p)
            .await?
            .rows_affected());
        if n == 1 {
            Ok(())
        } else {
            Err(StoreError::Conflict {
                constraint: "folders.reference".into(),
            })
        }
    }

    /// Folder `id` of `tenant`.
    pub async fn folder(&self, tenant: &str, id: &str) -> Result<Option<FolderRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM folders WHERE tenant_id = $1 AND id = $2");
        Ok(with_pool!(self, |p| sqlx::query(&sql)
            .bind(tenant)
            .bind(id)
            .fetch_optional(p)
            .await?
            .map(|r| folder_of!(r))))
    }

    /// The folder of `tenant` with `reference`.
    pub async fn folder_by_reference(
        &self,
        tenant: &str,
        reference: &str,
    ) -> Result<Option<FolderRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM folders WHERE tenant_id = $1 AND reference = $2");
        Ok(with_pool!(self, |p| sqlx::query(&sql)
            .bind(tenant)
            .bind(reference)
            .fetch_optional(p)
            .await?
            .map(|r| folder_of!(r))))
    }

    /// The folders of an account, newest first.
    pub async fn folders_of_account(
        &self,
        tenant: &str,
        account: &str,
    ) -> Result<Vec<FolderRow>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM folders WHERE tenant_id = $1 AND account_id = $2 ORDER BY created_at DESC"
        );
        Ok(with_pool!(self, |p| sqlx::query(&sql)
            .bind(tenant)
            .bind(account)
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| folder_of!(r))
            .collect()))
    }

    /// What was marked or started in folder `id`.
    pub async fn folder_items(&self, id: &str) -> Result<Vec<FolderItemRow>, StoreError> {
        Ok(with_pool!(self, |p| {
            sqlx::query(
            "SELECT item_id, state, draft_id, reminded_at, updated_at FROM folder_items WHERE folder_id = $1"
        )
        .bind(id)
        .fetch_all(p)
        .await?
        .iter()
        .map(|r| FolderItemRow {
            item_id: r.get("item_id"),
            state: r.get("state"),
            draft_id: r.get("draft_id"),
            reminded_at: r.get("reminded_at"),
            updated_at: r.get("updated_at"),
        })
        .collect()
        }))
    }

    /// Marks item `item` of folder `id` (keeps an application started from it).
    pub async fn mark_folder_item(
        &self,
        id: &str,
        item: &str,
        state: &str,
    ) -> Result<(), StoreError> {
        let now = now_millis();
        with_pool!(self, |p| {
            sqlx::query(
            "INSERT INTO folder_items (folder_id, item_id, state, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (folder_id, item_id) DO UPDATE SET state = $3, updated_at = $4"
        )
        .bind(id)
        .bind(item)
        .bind(state)
        .bind(now)
        .execute(p)
        .await
        .map(|_| ())
        })?;
        self.touch_folder(id, now).await
    }

    /// Records the application started from item `item` of folder `id`.
    pub async fn link_folder_item(
        &self,
        id: &str,
        item: &str,
        draft: &str,
    ) -> Result<(), StoreError> {
        let now = now_millis();
        with_pool!(self, |p| {
            sqlx::query(
            "INSERT INTO folder_items (folder_id, item_id, state, draft_id, updated_at) VALUES ($1, $2, 'open', $3, $4) \
             ON CONFLICT (folder_id, item_id) DO UPDATE SET draft_id = $3, updated_at = $4"
        )
        .bind(id)
        .bind(item)
        .bind(draft)
        .bind(now)
        .execute(p)
        .await
        .map(|_| ())
        })?;
        self.touch_folder(id, now).await
    }

    async fn touch_folder(&self, id: &str, now: i64) -> Result<(), StoreError> {
        with_pool!(self, |p| sqlx::query(
            "UPDATE folders SET updated_at = $1 WHERE id = $2"
        )
        .bind(now)
        .bind(id)
        .execute(p)
        .await
        .map(|_| ()))
        .map_err(StoreError::from_sqlx)
    }

    /// Folders made since `since` (unix ms), oldest first (for the reminders).
    pub async fn folders_since(&self, since: i64) -> Result<Vec<FolderRow>, StoreError> {
        let sql =
            format!("SELECT {COLUMNS} FROM folders WHERE created_at >= $1 ORDER BY created_at");
        Ok(with_pool!(self, |p| sqlx::query(&sql)
            .bind(since)
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| folder_of!(r))
            .collect()))
    }

    /// Records that the citizen was reminded of `items` of folder `id`, with the mail and
    /// the notice to the account that tell them, in one transaction; `false` (nothing
    /// queued) if every one of them was reminded already (say, by another instance).
    pub async fn remind_folder_items(
        &self,
        tenant: &str,
        id: &str,
        items: &[String],
        mail: Option<String>,
        notice: Option<NewNotice>,
    ) -> Result<bool, StoreError> {
        let now = now_millis();
        macro_rules! body {
            ($pool:expr) => {{
                let mut tx = $pool.begin().await?;
                let mut fresh = 0;
                for item in items {
                    fresh += sqlx::query(
                        "INSERT INTO folder_items (folder_id, item_id, state, reminded_at, updated_at) VALUES ($1, $2, 'open', $3, $3) \
                         ON CONFLICT (folder_id, item_id) DO UPDATE SET reminded_at = $3 WHERE folder_items.reminded_at IS NULL",
                    )
                    .bind(id)
                    .bind(item)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                }
                if fresh == 0 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                if let Some(payload) = mail {
                    insert_outbox!(tx, tenant, "mail", payload);
                }
                if let Some(n) = &notice {
                    insert_notice!(tx, tenant, n);
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

    /// Deletes folder `id` of `tenant` with its items; whether there was one.
    pub async fn delete_folder(&self, tenant: &str, id: &str) -> Result<bool, StoreError> {
        macro_rules! body {
            ($pool:expr) => {{
                let mut tx = $pool.begin().await?;
                let n = sqlx::query("DELETE FROM folders WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                sqlx::query("DELETE FROM folder_items WHERE folder_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(n == 1)
            }};
        }
        match self {
            Db::Sqlite(p) => body!(p),
            Db::Postgres(p) => body!(p),
        }
    }
}
