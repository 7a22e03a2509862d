//! Portal-wide definitions shared by all tenants: the catalogue's topics and life situations.

use crate::ids::{LifeSituationId, TopicId};
use crate::text::Text;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `portal.yaml` at the root of the definitions folder.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PortalDef {
    /// Name of the portal as a whole (shown where no tenant is chosen yet).
    pub name: Text,
    /// True for demonstration data: every page then says so.
    #[serde(default)]
    pub demo: bool,
    /// Catalogue topics (Themen).
    #[schemars(length(min = 1))]
    pub topics: Vec<TopicDef>,
    /// Life situations (Lebenslagen).
    #[serde(default)]
    pub life_situations: Vec<LifeSituationDef>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TopicDef {
    pub id: TopicId,
    pub title: Text,
    pub description: Text,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LifeSituationDef {
    pub id: LifeSituationId,
    pub title: Text,
    pub description: Text,
}
