//! Loading definition files: strict, complete, and precise about what is wrong.
//!
//! A definitions folder holds `portal.yaml` and one folder per tenant with `tenant.yaml`,
//! `services/<id>.yaml` and optional `templates/`, `assets/` and `locales/` overrides.
//! Every file goes through the same pipeline:
//!
//! 1. YAML is parsed with positions (saphyr); duplicate keys are errors.
//! 2. The value is validated against the JSON Schema generated from the domain types
//!    (the same schema ships in `schema/` for editors), collecting *all* errors.
//! 3. The value is deserialised into the domain type and its per-file rules run.
//! 4. Once every file is sound, the catalogue's cross-file rules run.
//!
//! Every problem becomes a [`Diagnostic`] with file, line, column and reason.

mod diag;
mod load;
pub mod schema;
mod yaml;

pub use diag::Diagnostic;
pub use load::{load, Loaded, Source, TenantFiles};
