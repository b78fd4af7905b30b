//! The external adapters a repository ships: `adapters/external.json`.
//!
//! Each entry names an adapter, the command that runs it, a check that
//! tells whether its library is installed, and the command that installs
//! it. Commands run from the repository root.

use crate::ExecConfig;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The file, relative to the repository root.
pub const FILE: &str = "adapters/external.json";

/// How long an installed-check may take.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(10);

/// The list.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExternalList {
    /// What the list is, for a reader.
    pub about: String,
    /// The adapters.
    pub adapters: Vec<External>,
}

/// One external adapter.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct External {
    /// Its name in trial names.
    pub name: String,
    /// The library and version it drives, and where it comes from.
    pub implementation: String,
    /// The language of the library.
    pub language: String,
    /// The command that runs it (words, as a POSIX shell splits them).
    pub command: String,
    /// A command that succeeds when the library is installed.
    pub check: String,
    /// The command that installs it.
    pub install: String,
}

impl ExternalList {
    /// Read `<root>/adapters/external.json`; a missing file is an empty list.
    pub fn load(root: &Path) -> Result<ExternalList, String> {
        let path = root.join(FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(ExternalList {
                    about: String::new(),
                    adapters: Vec::new(),
                })
            }
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        let list: ExternalList =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        for (i, a) in list.adapters.iter().enumerate() {
            if list.adapters[..i].iter().any(|b| b.name == a.name) {
                return Err(format!(
                    "{}: adapter {} is listed twice",
                    path.display(),
                    a.name
                ));
            }
            for (what, cmd) in [("command", &a.command), ("check", &a.check)] {
                if !shlex::split(cmd).is_some_and(|w| !w.is_empty()) {
                    return Err(format!(
                        "{}: adapter {}: its {what} {cmd:?} is not a command",
                        path.display(),
                        a.name
                    ));
                }
            }
        }
        Ok(list)
    }
}

impl External {
    /// Whether its check succeeds from `root` within [`CHECK_TIMEOUT`].
    pub fn installed(&self, root: &Path) -> bool {
        let Some(words) = shlex::split(&self.check) else {
            return false;
        };
        let Some((program, args)) = words.split_first() else {
            return false;
        };
        let child = Command::new(program)
            .args(args)
            .current_dir(root)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let Ok(mut child) = child else { return false };
        let deadline = Instant::now() + CHECK_TIMEOUT;
        loop {
            match child.try_wait() {
                Ok(Some(status)) => return status.success(),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10))
                }
                _ => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return false;
                }
            }
        }
    }

    /// Its configuration, running from `root`.
    pub fn config(&self, root: &Path) -> Result<ExecConfig, String> {
        let mut c = ExecConfig::new(&self.name, &self.command)?;
        c.cwd = Some(PathBuf::from(root));
        Ok(c)
    }
}
