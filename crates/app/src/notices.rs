//! Notices to an account that belong to no application: "your ID card is ready", "a found
//! item may be yours". They are written by the operation that causes them (in its
//! transaction, with a push to the account's apps) and read here, by the account only.

use crate::accounts::OwnAccount;
use crate::{App, AppResult};
use rathaus_store::{AccountNotice, NewNotice};

/// Kinds of notice.
pub const ID_READY: &str = "id-ready";
pub const FOUND_MATCH: &str = "found-match";
pub const FOLDER_DUE: &str = "folder-due";

/// A notice to `account` (made by the operations, not by a face).
pub(crate) fn to(
    account: &str,
    kind: &str,
    subject: String,
    body: String,
    link: Option<String>,
) -> NewNotice {
    NewNotice {
        account_id: account.to_owned(),
        kind: kind.to_owned(),
        subject,
        body,
        link,
    }
}

/// Whether `email` (trimmed) is a way to tell the citizen: a well-formed address, or none
/// at all when an account is told instead.
pub(crate) fn reachable(email: &str, account: bool) -> bool {
    (email.is_empty() && account)
        || (rathaus_domain::form::email_valid(email) && email.len() <= 254)
}

/// The account's notices, newest first.
pub async fn of_account(app: &App, a: &OwnAccount) -> AppResult<Vec<AccountNotice>> {
    Ok(app.db.account_notices(a.tenant(), a.id()).await?)
}

/// Opens notice `id` of the account (marking it read); `None` if it has no such notice.
pub async fn read(app: &App, a: &OwnAccount, id: &str) -> AppResult<Option<AccountNotice>> {
    Ok(app.db.read_account_notice(a.tenant(), a.id(), id).await?)
}

/// Deletes notice `id` of the account; whether there was one.
pub async fn delete(app: &App, a: &OwnAccount, id: &str) -> AppResult<bool> {
    Ok(app.db.delete_account_notice(a.tenant(), a.id(), id).await?)
}
