//! The registry of adapters behind the `asyncpay` command: the built-in
//! ones, each a cargo feature of this crate (`ldk`, on by default, and
//! `ldk-0.3`; the
//! reference model is always built in), and the external ones, run over the
//! process protocol (`asyncpay-exec`): those the repository lists in
//! `adapters/external.json` and those given with `--exec NAME=COMMAND`.
//! The runner itself (`asyncpay-harness`) knows none of them.

#![warn(missing_docs)]

use asyncpay_adapter::Adapter;
use asyncpay_exec::external::{External, ExternalList};
use asyncpay_exec::{ExecAdapter, ExecConfig};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// The adapters built into this build: the reference, then one per enabled
/// feature. Adding one is one feature and one line.
///
/// Adapters are shared as `Arc` because each operation runs on a worker
/// thread that may outlive a timed-out call.
pub fn builtin_adapters() -> Vec<Arc<dyn Adapter>> {
    #[allow(unused_mut)]
    let mut v: Vec<Arc<dyn Adapter>> = vec![Arc::new(asyncpay_reference::ReferenceAdapter)];
    #[cfg(feature = "ldk")]
    v.push(Arc::new(asyncpay_ldk::LdkAdapter));
    #[cfg(feature = "ldk-0.3")]
    v.push(Arc::new(asyncpay_ldk_0_3::LdkAdapter));
    v
}

/// The upstream cases the command runs once per run: the bolts
/// repository's own vectors, reproduced by the reference model.
pub const UPSTREAM: asyncpay_harness::upstream::UpstreamSource = asyncpay_vectors::upstream::cases;

/// Which adapters a run uses, and what it could not use.
pub struct Selection {
    /// The adapters, built-in first.
    pub adapters: Vec<Arc<dyn Adapter>>,
    /// Listed external adapters left out because they are not installed,
    /// each with the command that installs it.
    pub not_installed: Vec<External>,
}

/// What a run asks for.
pub struct Request<'a> {
    /// The repository root (where `adapters/external.json` is, and where
    /// its commands run).
    pub root: &'a Path,
    /// `--adapter` names (empty: every built-in and installed external
    /// adapter, or only the `--exec` ones if there are any).
    pub names: &'a [String],
    /// `--exec NAME=COMMAND` values.
    pub execs: &'a [String],
    /// Time an external implementation has to answer one request.
    pub request_timeout: Duration,
    /// Start external processes at once (the command) or at their first
    /// operation (test processes that may run none of their trials).
    pub eager: bool,
}

/// Select the adapters of a run. An unknown name, a listed external adapter
/// asked for by name but not installed, or a malformed `--exec` is an error
/// naming it.
pub fn select(req: &Request) -> Result<Selection, String> {
    let list = ExternalList::load(req.root)?;
    let make = |mut c: ExecConfig| -> Arc<dyn Adapter> {
        c.request_timeout = req.request_timeout;
        Arc::new(if req.eager {
            ExecAdapter::start(c)
        } else {
            ExecAdapter::new(c)
        })
    };
    let builtin = builtin_adapters();
    let mut execs = Vec::new();
    for e in req.execs {
        let (name, command) = e
            .split_once('=')
            .filter(|(n, c)| !n.is_empty() && !c.trim().is_empty())
            .ok_or_else(|| format!("--exec {e:?}: expected NAME=COMMAND"))?;
        if builtin.iter().any(|a| a.name() == name) || execs.iter().any(|(n, _)| n == name) {
            return Err(format!("--exec {name}: the name is already taken"));
        }
        execs.push((name.to_string(), ExecConfig::new(name, command)?));
    }
    let mut sel = Selection {
        adapters: Vec::new(),
        not_installed: Vec::new(),
    };
    if req.names.is_empty() {
        if !execs.is_empty() {
            sel.adapters = execs.into_iter().map(|(_, c)| make(c)).collect();
            return Ok(sel);
        }
        sel.adapters = builtin;
        for ext in &list.adapters {
            if ext.installed(req.root) {
                sel.adapters.push(make(ext.config(req.root)?));
            } else {
                sel.not_installed.push(ext.clone());
            }
        }
        return Ok(sel);
    }
    for name in req.names {
        if let Some(a) = builtin.iter().find(|a| a.name() == name) {
            sel.adapters.push(a.clone());
        } else if let Some(i) = execs.iter().position(|(n, _)| n == name) {
            sel.adapters.push(make(execs.remove(i).1));
        } else if let Some(ext) = list.adapters.iter().find(|a| &a.name == name) {
            if !ext.installed(req.root) {
                return Err(format!(
                    "adapter {name} ({}) is not installed; install it with `{}`",
                    ext.implementation, ext.install
                ));
            }
            sel.adapters.push(make(ext.config(req.root)?));
        } else {
            let known: Vec<&str> = builtin
                .iter()
                .map(|a| a.name())
                .chain(list.adapters.iter().map(|a| a.name.as_str()))
                .chain(execs.iter().map(|(n, _)| n.as_str()))
                .collect();
            return Err(format!("no adapter {name} (known: {})", known.join(", ")));
        }
    }
    // `--exec` adapters run whether or not they are also named.
    sel.adapters.extend(execs.into_iter().map(|(_, c)| make(c)));
    Ok(sel)
}
