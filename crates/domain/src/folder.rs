//! Moving folders (Umzugsmappe): a tenant's plan for a life situation — a few opening
//! questions, then steps of items — from which a citizen's own folder is made: the items
//! that apply to them, each with its due date, to work through. An item is a service of the
//! portal (own or of an included tenant), an appointment at an office's calendar, or a
//! plain task ("Nachsendeauftrag bei der Post"). The questions are form fields; one marked
//! with `prefill:` is also a *fact* of the folder (the new address, the moving date, the
//! names), which prefills the fields of every application started from the folder that
//! declare the same `prefill:` — once only, with the citizen's consent.
//!
//! The plan is checked at load (`Folder::compile` in `form`); this module holds its shape.

use crate::form::FieldDef;
use crate::ids::LifeSituationId;
use crate::text::Text;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One plan (`folders:` in `tenant.yaml`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FolderDef {
    /// Unique within the tenant; appears in URLs.
    #[schemars(regex(pattern = crate::ids::SLUG_PATTERN))]
    pub id: String,
    /// The life situation of `portal.yaml` whose page offers the folder.
    pub life_situation: LifeSituationId,
    pub title: Text,
    pub intro: Text,
    /// The opening questions (form fields; a field with `prefill:` is a fact of the folder).
    #[schemars(length(min = 1))]
    pub questions: Vec<FieldDef>,
    #[schemars(length(min = 1))]
    pub steps: Vec<FolderStepDef>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FolderStepDef {
    #[schemars(regex(pattern = crate::ids::SLUG_PATTERN))]
    pub id: String,
    pub title: Text,
    #[schemars(length(min = 1))]
    pub items: Vec<FolderItemDef>,
}

/// One thing to do: exactly one of `service`, `appointment`, `task`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FolderItemDef {
    /// Unique within the plan; appears in URLs and stays with the citizen's folder.
    #[schemars(regex(pattern = crate::ids::SLUG_PATTERN))]
    pub id: String,
    /// A service offered in this tenant's portal (own or included).
    #[serde(default)]
    pub service: Option<String>,
    /// A bookable of an office's appointment calendar.
    #[serde(default)]
    pub appointment: Option<FolderAppointment>,
    /// A task outside the portal.
    #[serde(default)]
    pub task: Option<Text>,
    /// A line of advice shown with the item.
    #[serde(default)]
    pub note: Option<Text>,
    /// Optional items are offered, not expected.
    #[serde(default)]
    pub optional: bool,
    /// Items naming the same choice are alternatives: once one of them is done (or its
    /// application submitted), the others are not needed.
    #[serde(default)]
    pub choice: Option<String>,
    /// CEL condition over the answers; the item is in the folder only when it holds.
    #[serde(default)]
    pub when: Option<String>,
    /// CEL date expression over the answers: by when it is due (e.g.
    /// `add_days(umzugsdatum, 14)`, re-registering within two weeks, § 17 BMG).
    #[serde(default)]
    pub due: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FolderAppointment {
    pub office: String,
    pub bookable: String,
}

/// What a citizen's item is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemState {
    Open,
    /// An application was started from it and not yet submitted.
    Draft,
    /// Its application was submitted (the case status tells the rest).
    Submitted,
    /// Marked done by the citizen (tasks, appointments).
    Done,
    /// Marked "not for me".
    NotForMe,
    /// Another item of its choice was taken.
    OtherChosen,
}

impl ItemState {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemState::Open => "open",
            ItemState::Draft => "draft",
            ItemState::Submitted => "submitted",
            ItemState::Done => "done",
            ItemState::NotForMe => "not_for_me",
            ItemState::OtherChosen => "other_chosen",
        }
    }

    /// A state the citizen sets by hand (stored); the others come from the application.
    pub fn parse_marked(s: &str) -> Option<ItemState> {
        Some(match s {
            "open" => ItemState::Open,
            "done" => ItemState::Done,
            "not_for_me" => ItemState::NotForMe,
            _ => return None,
        })
    }
}
