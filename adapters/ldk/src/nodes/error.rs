//! The error every role mapping of `scenario.run` reports.

use super::DriverError;

/// Why a scenario was not run to the end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScenarioError {
    /// The scenario's setup or one of its events cannot be produced by the
    /// real nodes around the role under test. Only this is a skip.
    Unsupported(String),
    /// The scenario carries a value the driver cannot hand to the network
    /// (e.g. hex that does not parse): an error of the trial, not a verdict.
    Malformed(String),
    /// The driver failed (including a panic inside LDK).
    Driver(DriverError),
}

impl From<DriverError> for ScenarioError {
    fn from(e: DriverError) -> Self {
        ScenarioError::Driver(e)
    }
}
