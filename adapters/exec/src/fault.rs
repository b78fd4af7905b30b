//! Faults of an external implementation: each named, each data.
//!
//! A fault never panics the harness and never becomes a verdict on an
//! input: the trial it is charged to becomes an error of the run that names
//! the adapter, the fault and what was seen, and the next trial goes on
//! (on a restarted process where the fault killed it).

use std::fmt;

/// What went wrong with an external implementation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FaultKind {
    /// The command could not be started at all.
    SpawnFailed,
    /// No handshake within the start timeout.
    StartTimeout,
    /// The process ended before writing its handshake.
    ExitedBeforeHandshake,
    /// The first line was not a handshake (a banner, a log line, ...).
    BytesBeforeHandshake,
    /// A handshake of another protocol version, or of the wrong shape.
    BadHandshake,
    /// A line over the size limit.
    LineTooLong,
    /// A line that is not JSON.
    NotJson,
    /// A JSON line without an unsigned integer `id`.
    MissingId,
    /// An id that was never asked.
    UnknownId,
    /// A second answer to an id already answered.
    RepeatedId,
    /// A response that does not match the response schema.
    SchemaMismatch,
    /// No response within the request timeout.
    Timeout,
    /// The process ended while it was needed.
    Exited,
    /// The restart bound is spent: the adapter is no longer started.
    Disabled,
    /// The harness could not write the request (too long, or not serialisable).
    BadRequest,
}

impl FaultKind {
    /// The name used in reports and in `PROTOCOL.md`.
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::SpawnFailed => "spawn_failed",
            FaultKind::StartTimeout => "start_timeout",
            FaultKind::ExitedBeforeHandshake => "exited_before_handshake",
            FaultKind::BytesBeforeHandshake => "bytes_before_handshake",
            FaultKind::BadHandshake => "bad_handshake",
            FaultKind::LineTooLong => "line_too_long",
            FaultKind::NotJson => "not_json",
            FaultKind::MissingId => "missing_id",
            FaultKind::UnknownId => "unknown_id",
            FaultKind::RepeatedId => "repeated_id",
            FaultKind::SchemaMismatch => "schema_mismatch",
            FaultKind::Timeout => "timeout",
            FaultKind::Exited => "exited",
            FaultKind::Disabled => "disabled",
            FaultKind::BadRequest => "bad_request",
        }
    }

    /// Whether the process is killed (and restarted for the next trial).
    pub fn kills(self) -> bool {
        !matches!(self, FaultKind::SchemaMismatch | FaultKind::BadRequest)
    }
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One fault, with what was seen and the request it is charged to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// Its kind.
    pub kind: FaultKind,
    /// What was seen, for a person.
    pub message: String,
    /// The request it is charged to, when it can be tied to one.
    pub culprit: Option<u64>,
    /// The tail of the process's standard error, if any.
    pub stderr: String,
}

impl Fault {
    /// A fault of `kind` charged to no request yet.
    pub fn new(kind: FaultKind, message: impl Into<String>) -> Fault {
        Fault {
            kind,
            message: message.into(),
            culprit: None,
            stderr: String::new(),
        }
    }

    /// The same fault charged to `id`.
    pub fn charged_to(mut self, id: u64) -> Fault {
        self.culprit = Some(id);
        self
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "protocol fault {}: {}", self.kind, self.message)?;
        if !self.stderr.is_empty() {
            write!(f, "; standard error: {}", self.stderr.trim_end())?;
        }
        Ok(())
    }
}
