//! Form assistants as data: steps, fields, repeatable groups, conditions, cross-field rules
//! and computed values, declared in the service definition.
//!
//! Conditions, rules and computations are CEL expressions (Common Expression Language, a
//! standard, sandboxed, side-effect-free language; see [`expr`]). Answers are JSON values
//! keyed by field id; dates are ISO strings (`"2024-05-31"`), money is integer cents.
//!
//! Semantics worth knowing:
//! - A hidden field or step has no answer; answers to branches no longer taken are dropped
//!   ([`Form::prune`]) and never submitted.
//! - A rule or computation applies only when every field it references has an answer, so
//!   authors need no null checks; `required`/`required_if` make sure answers exist.
//! - A step may only depend on answers of earlier steps; a field on its own or earlier steps.

pub mod expr;
mod model;
mod validate;

pub use model::*;
pub use validate::{
    email_valid, format_bytes, format_date_de, iban_valid, parse_date_de, parse_money, to_input,
    write_input, FieldError, Folder, Form, Message, Planned, Precheck, StepInput,
    DEFAULT_FILE_BYTES, MAX_FILE_BYTES,
};
