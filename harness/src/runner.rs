//! The runner: loads a vector directory, drives adapters through every test,
//! compares, grades, and collects [`TrialResult`]s into a [`Report`].
//!
//! ```no_run
//! use asyncpay_harness::{RunOptions, Suite};
//! use std::sync::Arc;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # struct Mine;
//! # impl asyncpay_adapter::Adapter for Mine {
//! #   fn name(&self) -> &str { "mine" }
//! #   fn native_profiles(&self) -> Vec<String> { vec![] }
//! #   fn execute(&self, _: &asyncpay_adapter::Operation, _: &asyncpay_adapter::Profile)
//! #     -> asyncpay_adapter::Outcome { asyncpay_adapter::Outcome::unsupported("") }
//! # }
//! let suite = Suite::load("vectors")?;
//! let adapters: Vec<Arc<dyn asyncpay_adapter::Adapter>> = vec![Arc::new(Mine)];
//! let report = suite.run(&adapters, &RunOptions::default());
//! println!("{}", report.summary_line());
//! # Ok(()) }
//! ```
//!
//! Every operation runs on its own worker thread under a timeout and
//! `catch_unwind`: a panicking or hanging adapter is reported as a failure of
//! that trial (naming adapter and test) and the run goes on. A vector file that
//! does not load is one error row naming the file; the other files still run.

use crate::compare::{judge, Judgement, Mismatch, Observed};
use crate::expected::{Entry, ExpectedFailures, FILE_NAME};
use crate::grading::{Grade, Level, Levels};
pub use crate::results::{grade, Counts, PassNote, Report, RequirementLevel, Status, TrialResult};
use crate::upstream::{UpstreamCase, UpstreamSource};
use crate::vectors::{TestVector, VectorFile, Verdict};
use asyncpay_adapter::scenario::Level as ScenarioLevel;
use asyncpay_adapter::{Adapter, Operation, Outcome, Profile};
use std::collections::{BTreeMap, BTreeSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

/// The name of every thread that calls into an adapter (so a panic hook can
/// recognise them).
pub const WORKER_THREAD_NAME: &str = "asyncpay-adapter";

/// Default time an adapter has to answer one operation.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// A trial name: `<adapter>::<profile>::<area>::<id>`.
pub fn trial_name(adapter: &str, profile: &str, area: &str, id: &str) -> String {
    format!("{adapter}::{profile}::{area}::{id}")
}

/// Options of a run.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Time an adapter has to answer one operation.
    pub timeout: Duration,
    /// Run only trials whose name contains this.
    pub filter: Option<String>,
    /// Run only these profiles (empty: all).
    pub profiles: Vec<String>,
    /// A directory holding `<adapter>/expected-failures.json` (usually the
    /// repository's `adapters/`).
    pub expected_failures_dir: Option<PathBuf>,
    /// Further expected-failures files; each names its adapter.
    pub expected_failures_files: Vec<PathBuf>,
    /// Run the upstream bolts cases of `<vectors>/upstream` (once, not per
    /// adapter), if that directory exists.
    pub upstream: bool,
    /// Worker threads (0: one per CPU).
    pub threads: usize,
    /// SHOULD failures fail the run too.
    pub strict: bool,
    /// An invalid vector rejected for another reason fails the run too.
    pub strict_reasons: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            timeout: DEFAULT_TIMEOUT,
            filter: None,
            profiles: Vec::new(),
            expected_failures_dir: None,
            expected_failures_files: Vec::new(),
            upstream: true,
            threads: 0,
            strict: false,
            strict_reasons: false,
        }
    }
}

/// A suite that could not be loaded at all (no usable `profiles.json`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuiteError(pub String);

impl std::fmt::Display for SuiteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SuiteError {}

/// One vector file that loaded.
#[derive(Clone, Debug)]
pub struct LoadedFile {
    /// Where it was read from (empty for in-memory suites).
    pub path: PathBuf,
    /// Its profile.
    pub profile: Arc<Profile>,
    /// Its area.
    pub area: String,
    /// Its contents.
    pub file: Arc<VectorFile>,
}

/// A file that did not load: one failing row / trial.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// The trial name, `load::<profile>::<area>` (or `load::<file>`).
    pub trial: String,
    /// The message, naming the file.
    pub message: String,
}

/// The vectors of one directory, loaded.
#[derive(Clone, Debug)]
pub struct Suite {
    /// The vector directory (`None` for in-memory suites).
    pub root: Option<PathBuf>,
    /// The profiles, from `profiles.json`.
    pub profiles: Vec<Arc<Profile>>,
    /// The vector files that loaded.
    pub files: Vec<LoadedFile>,
    /// The files that did not.
    pub load_errors: Vec<LoadError>,
    /// Requirement levels, from `requirements.json` (empty if absent).
    pub levels: Levels,
    /// Where the upstream cases of `<root>/upstream` come from (none: the
    /// run has no upstream cases). Set with [`Suite::with_upstream`].
    pub upstream: Option<UpstreamSource>,
}

/// Read `profiles.json` (`{"profiles": [...]}`).
pub fn load_profiles(path: &Path) -> Result<Vec<Profile>, String> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Profiles {
        profiles: Vec<Profile>,
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let p: Profiles = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}: not a profiles file (line {}, column {}): {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    let mut seen = BTreeSet::new();
    for pr in &p.profiles {
        if !seen.insert(pr.name.as_str()) {
            return Err(format!(
                "{}: profile {} is listed twice",
                path.display(),
                pr.name
            ));
        }
    }
    Ok(p.profiles)
}

/// The vector files on disk for one profile: `<root>/<profile>/*.json`, sorted.
pub fn vector_paths(root: &Path, profile: &str) -> Result<Vec<PathBuf>, String> {
    let dir = root.join(profile);
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let rd = std::fs::read_dir(&dir).map_err(|e| format!("{}: cannot list: {e}", dir.display()))?;
    let mut out = Vec::new();
    for entry in rd {
        let entry = entry.map_err(|e| format!("{}: cannot list: {e}", dir.display()))?;
        let p = entry.path();
        if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
    out.sort();
    Ok(out)
}

impl Suite {
    /// Load `<dir>/profiles.json`, `<dir>/requirements.json` (if present) and
    /// every `<dir>/<profile>/<area>.json`. Only an unusable `profiles.json`
    /// is an `Err`; a vector file that does not load becomes a [`LoadError`].
    pub fn load(dir: impl AsRef<Path>) -> Result<Suite, SuiteError> {
        let root = dir.as_ref().to_path_buf();
        let profiles = load_profiles(&root.join("profiles.json")).map_err(SuiteError)?;
        let mut load_errors = Vec::new();
        let levels = match Levels::load(&root.join("requirements.json")) {
            Ok(l) => l,
            Err(message) => {
                load_errors.push(LoadError {
                    trial: "load::requirements".into(),
                    message,
                });
                Levels::empty()
            }
        };
        let profiles: Vec<Arc<Profile>> = profiles.into_iter().map(Arc::new).collect();
        let mut files = Vec::new();
        for profile in &profiles {
            let paths = match vector_paths(&root, &profile.name) {
                Ok(p) => p,
                Err(message) => {
                    load_errors.push(LoadError {
                        trial: format!("load::{}", profile.name),
                        message,
                    });
                    continue;
                }
            };
            for path in paths {
                let area = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let trial = format!("load::{}::{}", profile.name, area);
                match VectorFile::load(&path) {
                    Ok(f) if f.profile != profile.name || f.area != area => {
                        load_errors.push(LoadError {
                            trial,
                            message: format!(
                            "{}: header says area {:?}, profile {:?}, but the file is {}/{}.json",
                            path.display(),
                            f.area,
                            f.profile,
                            profile.name,
                            area
                        ),
                        })
                    }
                    Ok(f) => files.push(LoadedFile {
                        path,
                        profile: profile.clone(),
                        area,
                        file: Arc::new(f),
                    }),
                    Err(e) => load_errors.push(LoadError {
                        trial,
                        message: e.to_string(),
                    }),
                }
            }
        }
        Ok(Suite {
            root: Some(root),
            profiles,
            files,
            load_errors,
            levels,
            upstream: None,
        })
    }

    /// An in-memory suite (for tests and generated vectors). Each file's
    /// `profile` must name one of `profiles`; a file that does not becomes a
    /// [`LoadError`].
    pub fn from_parts(profiles: Vec<Profile>, files: Vec<VectorFile>, levels: Levels) -> Suite {
        let profiles: Vec<Arc<Profile>> = profiles.into_iter().map(Arc::new).collect();
        let mut loaded = Vec::new();
        let mut load_errors = Vec::new();
        for f in files {
            let trial = format!("load::{}::{}", f.profile, f.area);
            if let Err((test, message)) = f.check_structure() {
                let at = test.map(|t| format!("test {t}: ")).unwrap_or_default();
                load_errors.push(LoadError {
                    trial,
                    message: format!("{}/{}: {at}{message}", f.profile, f.area),
                });
                continue;
            }
            match profiles.iter().find(|p| p.name == f.profile) {
                Some(p) => loaded.push(LoadedFile {
                    path: PathBuf::new(),
                    profile: p.clone(),
                    area: f.area.clone(),
                    file: Arc::new(f),
                }),
                None => load_errors.push(LoadError {
                    trial,
                    message: format!("{}/{}: unknown profile", f.profile, f.area),
                }),
            }
        }
        Suite {
            root: None,
            profiles,
            files: loaded,
            load_errors,
            levels,
            upstream: None,
        }
    }

    /// This suite, with its upstream cases made by `source` (run once per
    /// run, when [`RunOptions::upstream`] is set and `<root>/upstream` exists).
    pub fn with_upstream(mut self, source: UpstreamSource) -> Suite {
        self.upstream = Some(source);
        self
    }

    /// Every trial name this suite has for `adapter` (all profiles, no filter).
    pub fn trial_names(&self, adapter: &str) -> BTreeSet<String> {
        self.files
            .iter()
            .flat_map(|f| {
                f.file
                    .tests
                    .iter()
                    .map(|t| trial_name(adapter, &f.profile.name, &f.area, &t.id))
            })
            .collect()
    }

    /// Decide what to run: one [`Case`] per (adapter, selected profile, test)
    /// matching the filter, the upstream cases, and an error row for every
    /// file or expected-failures entry that is wrong.
    pub fn plan(&self, adapters: &[Arc<dyn Adapter>], opts: &RunOptions) -> Plan {
        let mut errors: Vec<TrialResult> = self
            .load_errors
            .iter()
            .map(|e| TrialResult::error(&e.trial, e.message.clone()))
            .collect();
        for p in &opts.profiles {
            if !self.profiles.iter().any(|q| &q.name == p) {
                let known: Vec<&str> = self.profiles.iter().map(|q| q.name.as_str()).collect();
                errors.push(TrialResult::error(
                    &format!("options::profile::{p}"),
                    format!("no profile {p} (known: {})", known.join(", ")),
                ));
            }
        }
        let matches = |name: &str| !matches!(opts.filter.as_deref(), Some(f) if !name.contains(f));
        let mut cases = Vec::new();
        let mut expected = BTreeMap::new();
        for adapter in adapters {
            let name = adapter.name().to_string();
            let (lists, errs) = expected_failures_for(&name, opts);
            errors.extend(errs);
            let existing = self.trial_names(&name);
            let mut entries: BTreeMap<String, Arc<Entry>> = BTreeMap::new();
            for list in &lists {
                for (trial, entry) in list.by_trial() {
                    if !existing.contains(&trial) {
                        errors.push(TrialResult::error(
                            &format!("expected-failures::{trial}"),
                            format!(
                                "{}: lists trial {trial}, which does not exist (no such test, or its file did not load)",
                                list.origin()
                            ),
                        ));
                    } else if entries.insert(trial.clone(), entry).is_some() {
                        errors.push(TrialResult::error(
                            &format!("expected-failures::{trial}"),
                            format!("{}: trial {trial} is listed in two files", list.origin()),
                        ));
                    }
                }
            }
            for f in &self.files {
                if !opts.profiles.is_empty() && !opts.profiles.contains(&f.profile.name) {
                    continue;
                }
                for (index, t) in f.file.tests.iter().enumerate() {
                    let tname = trial_name(&name, &f.profile.name, &f.area, &t.id);
                    if !matches(&tname) {
                        continue;
                    }
                    cases.push(Case {
                        expected_failure: entries.get(&tname).cloned(),
                        name: tname,
                        adapter: adapter.clone(),
                        profile: f.profile.clone(),
                        area: f.area.clone(),
                        file: f.file.clone(),
                        index,
                        requirements: t
                            .requirements
                            .iter()
                            .map(|r| (r.clone(), self.levels.level(r)))
                            .collect(),
                    });
                }
            }
            expected.insert(name, entries);
        }
        let mut upstream_cases = Vec::new();
        if opts.upstream {
            // A vector directory without `upstream/` (a fixture, a subset)
            // has no upstream cases.
            if let (Some(dir), Some(source)) = (
                self.root
                    .as_ref()
                    .map(|r| r.join("upstream"))
                    .filter(|d| d.is_dir()),
                self.upstream,
            ) {
                for case in source(&dir) {
                    let stem = Path::new(case.file)
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_else(|| case.file.to_string());
                    let name = format!("upstream::{stem}::{}", case.name);
                    if matches(&name) {
                        upstream_cases.push(UpstreamTrial {
                            name,
                            stem,
                            case: Arc::new(case),
                        });
                    }
                }
            }
        }
        Plan {
            errors,
            cases,
            upstream: upstream_cases,
        }
    }

    /// Plan and run everything; see [`Suite::run_with_progress`].
    pub fn run(&self, adapters: &[Arc<dyn Adapter>], opts: &RunOptions) -> Report {
        self.run_with_progress(adapters, opts, &|_, _| {})
    }

    /// Plan and run everything on `opts.threads` threads, calling `progress`
    /// with (results so far, total) after each trial.
    pub fn run_with_progress(
        &self,
        adapters: &[Arc<dyn Adapter>],
        opts: &RunOptions,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Report {
        let plan = self.plan(adapters, opts);
        plan.run(opts, progress)
    }
}

/// Read the expected-failures lists that apply to `adapter` (from
/// `opts.expected_failures_dir` and `opts.expected_failures_files`); a list
/// that does not load, or sits in another adapter's directory, is an error row.
pub fn expected_failures_for(
    adapter: &str,
    opts: &RunOptions,
) -> (Vec<ExpectedFailures>, Vec<TrialResult>) {
    let mut lists = Vec::new();
    let mut errors = Vec::new();
    let trial = format!("expected-failures::{adapter}");
    if let Some(dir) = &opts.expected_failures_dir {
        let p = dir.join(adapter).join(FILE_NAME);
        if p.exists() {
            match ExpectedFailures::load(&p) {
                Ok(l) if l.adapter != adapter => errors.push(TrialResult::error(
                    &trial,
                    format!(
                        "{}: names adapter {:?} but sits in the directory of adapter {adapter:?}",
                        p.display(),
                        l.adapter
                    ),
                )),
                Ok(l) => lists.push(l),
                Err(e) => errors.push(TrialResult::error(&trial, e)),
            }
        }
    }
    for p in &opts.expected_failures_files {
        match ExpectedFailures::load(p) {
            Ok(l) if l.adapter == adapter => lists.push(l),
            Ok(_) => {}
            Err(e) => errors.push(TrialResult::error(&trial, e)),
        }
    }
    (lists, errors)
}

/// What a run will do.
pub struct Plan {
    /// Rows that are errors before anything runs (load errors, bad options,
    /// bad expected-failures entries).
    pub errors: Vec<TrialResult>,
    /// One per (adapter, profile, test).
    pub cases: Vec<Case>,
    /// The upstream cases, run once.
    pub upstream: Vec<UpstreamTrial>,
}

impl Plan {
    /// Run every case and upstream case; results keep the plan's order
    /// (errors, cases, upstream).
    pub fn run(self, opts: &RunOptions, progress: &(dyn Fn(usize, usize) + Sync)) -> Report {
        enum Job<'a> {
            Case(&'a Case),
            Upstream(&'a UpstreamTrial),
        }
        let jobs: Vec<Job> = self
            .cases
            .iter()
            .map(Job::Case)
            .chain(self.upstream.iter().map(Job::Upstream))
            .collect();
        let slots: Vec<Mutex<Option<TrialResult>>> =
            jobs.iter().map(|_| Mutex::new(None)).collect();
        let next = AtomicUsize::new(0);
        let done = AtomicUsize::new(0);
        let threads = if opts.threads == 0 {
            std::thread::available_parallelism().map_or(4, |n| n.get())
        } else {
            opts.threads
        }
        .min(jobs.len().max(1));
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    let r = match job {
                        Job::Case(c) => c.run(opts.timeout),
                        Job::Upstream(u) => u.run(opts.timeout),
                    };
                    if let Ok(mut slot) = slots[i].lock() {
                        *slot = Some(r);
                    }
                    progress(done.fetch_add(1, Ordering::Relaxed) + 1, jobs.len());
                });
            }
        });
        let mut results = self.errors;
        for (slot, job) in slots.into_iter().zip(&jobs) {
            let r = slot.into_inner().ok().flatten();
            results.push(r.unwrap_or_else(|| {
                let name = match job {
                    Job::Case(c) => &c.name,
                    Job::Upstream(u) => &u.name,
                };
                TrialResult::error(name, "the runner lost this trial's result".into())
            }));
        }
        // Faults no operation could be charged with (an external process
        // that ended between two operations, say) are errors of their
        // adapter, so that none goes unseen.
        let mut asked = BTreeSet::new();
        for c in &self.cases {
            if asked.insert(c.adapter.name().to_string()) {
                for fault in c.adapter.take_faults() {
                    results.push(TrialResult::error(
                        &format!("{}::-::adapter::faults", c.adapter.name()),
                        fault,
                    ));
                }
            }
        }
        Report {
            results,
            strict: opts.strict,
            strict_reasons: opts.strict_reasons,
        }
    }
}

/// One test to run against one adapter under one profile.
#[derive(Clone)]
pub struct Case {
    /// `<adapter>::<profile>::<area>::<id>`.
    pub name: String,
    /// The adapter.
    pub adapter: Arc<dyn Adapter>,
    /// The profile.
    pub profile: Arc<Profile>,
    /// The area.
    pub area: String,
    /// The file holding the test.
    pub file: Arc<VectorFile>,
    /// The test's index in `file.tests`.
    pub index: usize,
    /// The test's requirement ids, with their levels.
    pub requirements: Vec<(String, Level)>,
    /// The expected-failures entry listing this trial, if any.
    pub expected_failure: Option<Arc<Entry>>,
}

impl std::fmt::Debug for Case {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Case").field("name", &self.name).finish()
    }
}

/// How a call into an adapter ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Execution {
    /// It answered.
    Returned(Outcome),
    /// It panicked, with this message.
    Panicked(String),
    /// It did not answer within the timeout (its thread is abandoned).
    TimedOut(Duration),
}

/// Call `adapter.execute(op, profile)` on a worker thread, under `timeout`
/// and `catch_unwind`.
pub fn execute(
    adapter: Arc<dyn Adapter>,
    op: Operation,
    profile: Arc<Profile>,
    timeout: Duration,
) -> Execution {
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name(WORKER_THREAD_NAME.into())
        .spawn(move || {
            let r = catch_unwind(AssertUnwindSafe(|| adapter.execute(&op, &profile)));
            let _ = tx.send(r.map_err(|p| panic_message(p.as_ref())));
        });
    if let Err(e) = spawned {
        return Execution::Panicked(format!("could not start a worker thread: {e}"));
    }
    match rx.recv_timeout(timeout) {
        Ok(Ok(o)) => Execution::Returned(o),
        Ok(Err(m)) => Execution::Panicked(m),
        Err(mpsc::RecvTimeoutError::Timeout) => Execution::TimedOut(timeout),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            Execution::Panicked("the worker thread ended without an answer".into())
        }
    }
}

/// The message of a panic payload.
pub fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic with a non-text payload)".into()
    }
}

impl Case {
    /// The test.
    pub fn test(&self) -> &TestVector {
        &self.file.tests[self.index]
    }

    /// Run the case: execute, compare, grade, apply the expected-failures list.
    pub fn run(&self, timeout: Duration) -> TrialResult {
        let start = Instant::now();
        let t = self.test();
        let adapter_name = self.adapter.name().to_string();
        let mut r = TrialResult {
            name: self.name.clone(),
            adapter: adapter_name.clone(),
            profile: self.profile.name.clone(),
            area: self.area.clone(),
            test: t.id.clone(),
            op: t.op.clone(),
            verdict: Some(t.result),
            requirements: self
                .requirements
                .iter()
                .map(|(id, level)| RequirementLevel {
                    id: id.clone(),
                    level: *level,
                })
                .collect(),
            status: Status::Skipped {
                reason: String::new(),
            },
            millis: 0,
        };
        let op = match t.operation() {
            Ok(op) => op,
            Err(e) => {
                r.status = Status::Error { message: e };
                return r;
            }
        };
        // A scenario's expectations are all judged against the adapter's
        // trace; the most severe failed expectation grades the trial.
        let mut scenario_grade = None;
        let judgement = match execute(self.adapter.clone(), op, self.profile.clone(), timeout) {
            Execution::Returned(Outcome::Accepted { view }) if t.op == SCENARIO_OP => {
                match asyncpay_adapter::scenario::judge_all_values(&t.input, &view) {
                    Ok(()) => Judgement::Pass,
                    Err((failures, transcript)) => {
                        // A CHOICE failure is graded like a SHOULD: it fails
                        // the run only with --strict.
                        scenario_grade =
                            Some(match asyncpay_adapter::scenario::worst_level(&failures) {
                                Some(ScenarioLevel::Should | ScenarioLevel::Choice) => {
                                    Grade::Should
                                }
                                Some(ScenarioLevel::Must) | None => Grade::Must,
                            });
                        let lines: Vec<String> = failures.iter().map(ToString::to_string).collect();
                        Judgement::Fail(Mismatch {
                            expected: "every expectation of the scenario holds".into(),
                            actual: lines.join("\n"),
                            differences: Vec::new(),
                            detail: if transcript.is_empty() {
                                String::new()
                            } else {
                                format!("the exchange up to the last failing step:\n{transcript}")
                            },
                            observed: Observed::Scenario {
                                steps: {
                                    let mut v: Vec<usize> = failures
                                        .iter()
                                        .filter_map(|f| f.expectation_step)
                                        .collect();
                                    v.sort_unstable();
                                    v.dedup();
                                    v
                                },
                            },
                        })
                    }
                }
            }
            Execution::Returned(o) => {
                let hidden = self.adapter.unobservable(&t.op);
                if hidden.is_empty() {
                    judge(t.result, &t.expected, &o)
                } else {
                    let (expected, o) =
                        crate::compare::without_unobservable(&t.expected, o, &hidden);
                    judge(t.result, &expected, &o)
                }
            }
            Execution::Panicked(m) => Judgement::Fail(Mismatch {
                expected: expected_line(t),
                actual: format!("adapter {adapter_name} panicked on test {}: {m}", t.id),
                differences: Vec::new(),
                detail: String::new(),
                observed: Observed::Crashed,
            }),
            Execution::TimedOut(d) => Judgement::Fail(Mismatch {
                expected: expected_line(t),
                actual: format!(
                    "adapter {adapter_name} did not answer test {} within {:.1} s",
                    t.id,
                    d.as_secs_f64()
                ),
                differences: Vec::new(),
                detail: String::new(),
                observed: Observed::Crashed,
            }),
        };
        let levels: Vec<Level> = self.requirements.iter().map(|(_, l)| *l).collect();
        r.status = grade(
            judgement,
            scenario_grade.unwrap_or_else(|| Levels::grade(&levels)),
            self.expected_failure.as_deref(),
        );
        r.millis = start.elapsed().as_millis() as u64;
        r
    }
}

/// The op whose tests are judged by the scenario judge, not by a view comparison.
const SCENARIO_OP: &str = "scenario.run";

fn expected_line(t: &TestVector) -> String {
    match t.result {
        Verdict::Valid => "accepted, with the expected view".into(),
        Verdict::Invalid => match t.expected.reason {
            Some(c) => format!("rejected ({})", crate::compare::reason_name(c)),
            None => "rejected".into(),
        },
        Verdict::Acceptable => "accepted or rejected".into(),
    }
}

/// One upstream bolts case, run once.
pub struct UpstreamTrial {
    /// `upstream::<file stem>::<case name>`.
    pub name: String,
    /// The vendored file's stem.
    pub stem: String,
    /// The case.
    pub case: Arc<UpstreamCase>,
}

impl UpstreamTrial {
    /// Run the check on a worker thread under `timeout` and `catch_unwind`.
    pub fn run(&self, timeout: Duration) -> TrialResult {
        let start = Instant::now();
        let case = self.case.clone();
        let (tx, rx) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name(WORKER_THREAD_NAME.into())
            .spawn(move || {
                let r = catch_unwind(AssertUnwindSafe(|| (case.check)()));
                let _ = tx.send(r.map_err(|p| panic_message(p.as_ref())));
            });
        let result = match spawned {
            Err(e) => Err(format!("could not start a worker thread: {e}")),
            Ok(_) => match rx.recv_timeout(timeout) {
                Ok(Ok(r)) => r,
                Ok(Err(m)) => Err(format!("panicked: {m}")),
                Err(_) => Err(format!("no answer within {:.1} s", timeout.as_secs_f64())),
            },
        };
        let status = match result {
            Ok(()) => Status::Passed { note: None },
            Err(m) => Status::Failed {
                grade: Grade::Must,
                failure: Mismatch {
                    expected: format!("the reference reproduces upstream {}", self.case.file),
                    actual: m,
                    differences: Vec::new(),
                    detail: String::new(),
                    observed: Observed::Other,
                },
                listed: None,
            },
        };
        TrialResult {
            name: self.name.clone(),
            adapter: "upstream".into(),
            profile: self.stem.clone(),
            area: self.stem.clone(),
            test: self.case.name.clone(),
            op: String::new(),
            verdict: None,
            requirements: Vec::new(),
            status,
            millis: start.elapsed().as_millis() as u64,
        }
    }
}
