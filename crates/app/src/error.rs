//! The error policy of the application layer. An operation returns `Result<T, AppError>`
//! for what no caller can do anything about except show it (not found, not allowed,
//! changed meanwhile, a broken database); what a person can correct (a field's error, a
//! missing consent) is part of the operation's own result type, so the face shows it next
//! to the input. The faces map `AppError` once: web to its 404/403/409/500 pages, the JSON
//! API to problem+json, the command line to a message and an exit code. `anyhow` is for
//! `main` and job bodies only.

use rathaus_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The object does not exist, or not for this caller (never a hint which).
    #[error("not found")]
    NotFound,
    /// The caller is known but lacks the right.
    #[error("not allowed")]
    Forbidden,
    /// The object changed meanwhile, or the change does not fit its state: nothing was done.
    #[error("the object changed meanwhile")]
    Conflict,
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Something that should not fail did (storage, a PDF, a broken definition version).
    #[error("{0}")]
    Internal(String),
}

impl From<std::io::Error> for AppError {
    fn from(e: std::io::Error) -> Self {
        AppError::Internal(format!("file storage: {e}"))
    }
}

impl From<crate::forms::FormError> for AppError {
    fn from(e: crate::forms::FormError) -> Self {
        match e {
            crate::forms::FormError::NotFound => AppError::NotFound,
            crate::forms::FormError::Internal(s) => AppError::Internal(s),
        }
    }
}

impl From<crate::cases::CaseError> for AppError {
    fn from(e: crate::cases::CaseError) -> Self {
        match e {
            crate::cases::CaseError::NotAllowed { .. } | crate::cases::CaseError::Changed => {
                AppError::Conflict
            }
            crate::cases::CaseError::Store(e) => AppError::Store(e),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
