//! The domain of Rathaus: plain types and the rules that hold between them.
//!
//! Nothing in this crate does I/O or knows about HTTP or SQL. Definition files are
//! deserialised into the `*Def` types (their serde/schemars derives *are* the file
//! format); [`catalog::Catalog`] is the validated, queryable set that the web layer reads.

pub mod account;
pub mod app_client;
pub mod appointment;
pub mod bank;
pub mod booking;
pub mod case;
pub mod catalog;
pub mod delivery;
pub mod folder;
pub mod form;
pub mod found;
pub mod holiday;
pub mod id_document;
pub mod ids;
pub mod payment;
pub mod portal;
pub mod push;
pub mod search;
pub mod sepa;
pub mod service;
pub mod tenant;
pub mod text;
pub mod visit;

pub use account::{ApplicationStatus, Level, LoginPolicy, MessageKind, Profile, SessionPolicy};
pub use catalog::{Catalog, CatalogError, OfferedService};
pub use ids::{LifeSituationId, OfficeId, ServiceId, TenantId, TopicId};
pub use portal::{LifeSituationDef, PortalDef, TopicDef};
pub use service::ServiceDef;
pub use tenant::{OfficeDef, TenantDef};
pub use text::{Lang, Text};
