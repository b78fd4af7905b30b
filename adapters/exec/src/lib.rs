//! Implementations in any language, behind the [`Adapter`] trait: the
//! harness side of the asyncpay process protocol (`PROTOCOL.md` beside this
//! crate, with the JSON Schemas of its messages in `schema/`).
//!
//! An [`ExecAdapter`] runs an implementation as one long-running child
//! process speaking JSON lines, sends it every operation with the profile's
//! numbers, and turns each response back into an [`Outcome`]. Requests from
//! the runner's worker threads are pipelined on the one process.
//!
//! Every size and every wait is bounded ([`ExecConfig`]), and every way an
//! implementation can break the protocol is a named [`Fault`]: it is
//! charged to one trial (an `internal` answer, which the runner reports as
//! an error of that trial, never as a verdict), the process is restarted
//! where the fault killed it, and the run goes on. After
//! [`ExecConfig::max_restarts`] restarts the adapter is disabled and each
//! later trial names the last fault.
//!
//! [`external`] reads the committed list of the external adapters the
//! repository ships.

#![warn(missing_docs)]

pub mod external;
pub mod fault;
mod process;
pub mod protocol;

pub use fault::{Fault, FaultKind};
pub use protocol::Handshake;

use asyncpay_adapter::{Adapter, Operation, Outcome, Profile, ReasonClass, Rejection};
use process::Process;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

/// How to run one external implementation, and its bounds.
#[derive(Clone, Debug)]
pub struct ExecConfig {
    /// The adapter's name in trial names.
    pub name: String,
    /// The program.
    pub program: String,
    /// Its arguments.
    pub args: Vec<String>,
    /// Where it runs (default: the current directory).
    pub cwd: Option<PathBuf>,
    /// Time to write the handshake after the start.
    pub start_timeout: Duration,
    /// Time to answer one request.
    pub request_timeout: Duration,
    /// Longest line accepted from the process, and sent to it (bytes,
    /// newline excluded).
    pub max_line: usize,
    /// Bytes of standard error kept.
    pub max_stderr: usize,
    /// Restarts allowed after the first start, for the whole run.
    pub max_restarts: u32,
}

impl ExecConfig {
    /// A configuration with the default bounds (start 20 s, request 5 s,
    /// lines 1 MiB, standard error 16 KiB, 20 restarts) for `command`, split
    /// as a POSIX shell splits words.
    pub fn new(name: impl Into<String>, command: &str) -> Result<ExecConfig, String> {
        let mut words = shlex::split(command)
            .ok_or_else(|| format!("cannot split the command {command:?} into words"))?
            .into_iter();
        let program = words
            .next()
            .ok_or_else(|| format!("the command {command:?} is empty"))?;
        Ok(ExecConfig {
            name: name.into(),
            program,
            args: words.collect(),
            cwd: None,
            start_timeout: Duration::from_secs(20),
            request_timeout: Duration::from_secs(5),
            max_line: 1 << 20,
            max_stderr: 16 << 10,
            max_restarts: 20,
        })
    }

    /// The command, for messages.
    pub fn command_line(&self) -> String {
        std::iter::once(self.program.as_str())
            .chain(self.args.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

struct Life {
    current: Option<Arc<Process>>,
    starts: u32,
    last_fault: Option<Fault>,
    disabled: bool,
}

/// An implementation in a child process, as an [`Adapter`].
pub struct ExecAdapter {
    config: ExecConfig,
    handshake: OnceLock<Handshake>,
    life: Mutex<Life>,
    next_id: AtomicU64,
    orphans: Arc<Mutex<Vec<Fault>>>,
    /// Held shared by every first attempt, alone by a second one.
    isolation: RwLock<()>,
    /// Each profile as requests carry it, serialised once.
    profiles: Mutex<Vec<(String, Arc<str>)>>,
    /// The handshake's `unobservable` paths, leaked once so they can be
    /// lent as `&'static str` (a few short strings per adapter and run).
    unobservable: OnceLock<Vec<(String, Vec<&'static str>)>>,
}

impl ExecAdapter {
    /// An adapter for `config`, started at once so that its handshake (its
    /// profiles, its ops) is known before the first trial. A start that
    /// fails is not an error here: the first trial reports it, and later
    /// trials try again within the restart bound.
    pub fn start(config: ExecConfig) -> ExecAdapter {
        let a = ExecAdapter::new(config);
        let _ = a.process();
        a
    }

    /// An adapter for `config` that starts its process at its first
    /// operation (so that a test process that runs none of its trials never
    /// starts it).
    pub fn new(config: ExecConfig) -> ExecAdapter {
        ExecAdapter {
            config,
            handshake: OnceLock::new(),
            life: Mutex::new(Life {
                current: None,
                starts: 0,
                last_fault: None,
                disabled: false,
            }),
            next_id: AtomicU64::new(1),
            orphans: Arc::new(Mutex::new(Vec::new())),
            isolation: RwLock::new(()),
            profiles: Mutex::new(Vec::new()),
            unobservable: OnceLock::new(),
        }
    }

    /// The handshake, once a process has completed one.
    pub fn handshake(&self) -> Option<&Handshake> {
        self.handshake.get()
    }

    /// The fault of the last failed start or the last killed process, if any.
    pub fn last_fault(&self) -> Option<Fault> {
        self.lock_life().last_fault.clone()
    }

    /// How many times a process was started.
    pub fn starts(&self) -> u32 {
        self.lock_life().starts
    }

    fn lock_life(&self) -> std::sync::MutexGuard<'_, Life> {
        self.life.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The live process, starting one if there is none (within the bound).
    fn process(&self) -> Result<Arc<Process>, Fault> {
        let mut life = self.lock_life();
        if let Some(p) = &life.current {
            if !p.is_dead() {
                return Ok(p.clone());
            }
        }
        life.current = None;
        if life.disabled || life.starts > self.config.max_restarts {
            life.disabled = true;
            let last = life
                .last_fault
                .as_ref()
                .map_or_else(|| "none".to_string(), |f| f.to_string());
            return Err(Fault::new(
                FaultKind::Disabled,
                format!(
                    "{} not restarted: {} starts, {} restarts allowed; the last fault: {last}",
                    self.config.name, life.starts, self.config.max_restarts
                ),
            ));
        }
        life.starts += 1;
        match Process::start(&self.config, self.orphans.clone()) {
            Ok(p) => {
                let _ = self.handshake.set(p.handshake.clone());
                let p = Arc::new(p);
                life.current = Some(p.clone());
                Ok(p)
            }
            Err(f) => {
                life.last_fault = Some(f.clone());
                Err(f)
            }
        }
    }

    fn profile_json(&self, profile: &Profile) -> Result<Arc<str>, String> {
        let mut cache = self.profiles.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, json)) = cache.iter().find(|(n, _)| *n == profile.name) {
            return Ok(json.clone());
        }
        let json: Arc<str> = protocol::profile_json(profile)?.into();
        cache.push((profile.name.clone(), json.clone()));
        Ok(json)
    }

    fn fault_outcome(&self, f: &Fault) -> Outcome {
        Outcome::Rejected(Rejection::new(
            ReasonClass::Internal,
            format!("adapter {}: {f}", self.config.name),
        ))
    }

    fn note_fault(&self, f: &Fault) {
        if f.kind.kills() {
            self.lock_life().last_fault = Some(f.clone());
        }
    }
}

impl Adapter for ExecAdapter {
    fn name(&self) -> &str {
        &self.config.name
    }

    fn native_profiles(&self) -> Vec<String> {
        self.handshake
            .get()
            .map(|h| h.native_profiles.clone())
            .unwrap_or_default()
    }

    fn execute(&self, op: &Operation, profile: &Profile) -> Outcome {
        let name = op.name();
        // A request in flight when a fault it is not charged with killed
        // the process is sent once more, to a fresh process, alone: then
        // any fault is its own.
        for attempt in 0..2 {
            let _turn = if attempt == 0 {
                Turn::Shared(self.isolation.read().unwrap_or_else(|p| p.into_inner()))
            } else {
                Turn::Alone(self.isolation.write().unwrap_or_else(|p| p.into_inner()))
            };
            let process = match self.process() {
                Ok(p) => p,
                Err(f) => return self.fault_outcome(&f),
            };
            if !process.handshake.ops.iter().any(|o| o == name) {
                return Outcome::unsupported(format!(
                    "{} ({} {}) does not declare {name} in its handshake",
                    self.config.name,
                    process.handshake.implementation.name,
                    process.handshake.implementation.version
                ));
            }
            let id = self.next_id.fetch_add(1, Ordering::Relaxed);
            let line = match self
                .profile_json(profile)
                .and_then(|p| protocol::request_line(id, op, &p))
            {
                Ok(l) if l.len() <= self.config.max_line + 1 => l,
                Ok(l) => {
                    return self.fault_outcome(&Fault::new(
                        FaultKind::BadRequest,
                        format!(
                            "the request is {} bytes, over the line limit of {}",
                            l.len(),
                            self.config.max_line
                        ),
                    ))
                }
                Err(e) => return self.fault_outcome(&Fault::new(FaultKind::BadRequest, e)),
            };
            match process.call(id, line, self.config.request_timeout) {
                Ok(outcome) => return outcome,
                Err(f) => {
                    self.note_fault(&f);
                    if f.culprit == Some(id) || attempt == 1 {
                        return self.fault_outcome(&f);
                    }
                }
            }
        }
        unreachable!("the second attempt always returns")
    }

    fn implementation(&self) -> Option<String> {
        self.handshake.get().map(|h| {
            format!(
                "{} {} (process protocol {}: {})",
                h.implementation.name,
                h.implementation.version,
                h.asyncpay_protocol,
                self.config.command_line()
            )
        })
    }

    fn take_faults(&self) -> Vec<String> {
        let mut orphans = self.orphans.lock().unwrap_or_else(|p| p.into_inner());
        orphans
            .drain(..)
            .map(|f| {
                format!(
                    "adapter {}: charged to no single operation: {f}",
                    self.config.name
                )
            })
            .collect()
    }

    fn known_types(&self, op: &str) -> Vec<u64> {
        self.handshake
            .get()
            .and_then(|hs| hs.known_types.get(op).cloned())
            .unwrap_or_default()
    }

    fn unobservable(&self, op: &str) -> Vec<&'static str> {
        let Some(hs) = self.handshake.get() else {
            return Vec::new();
        };
        let table = self.unobservable.get_or_init(|| {
            hs.unobservable
                .iter()
                .map(|(op, paths)| {
                    let leaked = paths
                        .iter()
                        .map(|p| &*Box::leak(p.clone().into_boxed_str()))
                        .collect();
                    (op.clone(), leaked)
                })
                .collect()
        });
        table
            .iter()
            .find(|(o, _)| o == op)
            .map(|(_, p)| p.clone())
            .unwrap_or_default()
    }
}

/// A request's turn on the process: beside others, or alone.
enum Turn<'a> {
    Shared(#[allow(dead_code)] RwLockReadGuard<'a, ()>),
    Alone(#[allow(dead_code)] RwLockWriteGuard<'a, ()>),
}
