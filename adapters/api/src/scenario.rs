//! Release-semantics scenarios: roles, events and expectations.

use serde::{Deserialize, Serialize};

/// A scenario, run with the adapter playing `role_under_test`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// The role the implementation plays.
    pub role_under_test: String,
    /// Events and expectations, as the vector file describes them.
    pub steps: serde_json::Value,
}
