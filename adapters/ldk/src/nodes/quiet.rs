//! Silencing LDK's test logger.
//!
//! `lightning::util::test_utils::TestLogger` (the logger every
//! `functional_test_utils` node is built with; its type is fixed in
//! `ln/functional_test_utils.rs`'s `Node`) counts every line and then
//! `println!`s it, with no level setting and no switch other than the
//! `ldk_bench` rustc cfg (which also needs `criterion`).
//! `ConnectStyle::random_style` `eprintln!`s the block connection style once
//! per network.
//!
//! So while a network runs, file descriptors 1 and 2 are pointed at two
//! anonymous temporary files. When the run ends they are restored and every
//! captured line that is *not* LDK's (a test-logger record starts with
//! `node <i> <LEVEL> [`) is written back to where it was headed: output of
//! other threads in that window (a test runner's progress lines, say) is
//! delayed, not lost. The tail of LDK's log is attached to panics.
//!
//! Under libtest's output capture `println!` does not reach fd 1 at all, so
//! tests stay quiet either way. Runs are serialised by a global lock.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::sync::{Mutex, MutexGuard};

static RUN_LOCK: Mutex<()> = Mutex::new(());

/// How many bytes of captured LDK log an error message keeps (the tail).
pub const CAPTURED_TAIL_BYTES: usize = 4000;

#[cfg(unix)]
mod fd {
    use std::os::raw::c_int;
    extern "C" {
        pub fn dup(fd: c_int) -> c_int;
        pub fn dup2(src: c_int, dst: c_int) -> c_int;
        pub fn close(fd: c_int) -> c_int;
    }
}

/// One redirected descriptor: the capture file and the saved original.
struct Redirect {
    target: i32,
    saved: i32,
    file: File,
}

/// While alive, fds 1 and 2 write into temporary files. Restores them on
/// drop and replays every line that is not LDK's.
pub struct Quiet {
    _lock: MutexGuard<'static, ()>,
    redirects: Vec<Redirect>,
}

impl Quiet {
    /// Starts capturing (if `enabled` and possible; otherwise only takes the lock).
    pub fn start(enabled: bool) -> Quiet {
        let lock = RUN_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let mut q = Quiet {
            _lock: lock,
            redirects: Vec::new(),
        };
        if enabled {
            let _ = std::io::stdout().flush();
            let _ = std::io::stderr().flush();
            for target in [1, 2] {
                if let Some(r) = redirect(target) {
                    q.redirects.push(r);
                }
            }
        }
        q
    }

    /// The last [`CAPTURED_TAIL_BYTES`] bytes of LDK's log lines so far.
    pub fn tail(&mut self) -> String {
        let _ = std::io::stdout().flush();
        let Some(r) = self.redirects.iter_mut().find(|r| r.target == 1) else {
            return String::new();
        };
        let all = read_all(&mut r.file);
        let (ldk, _) = split_ldk(&all);
        let joined = ldk.join("\n");
        let cut = joined.len().saturating_sub(CAPTURED_TAIL_BYTES);
        let cut = (cut..joined.len())
            .find(|&i| joined.is_char_boundary(i))
            .unwrap_or(0);
        joined[cut..].to_string()
    }
}

#[cfg(unix)]
fn redirect(target: i32) -> Option<Redirect> {
    use std::os::fd::AsRawFd;
    let file = tempfile().ok()?;
    // SAFETY: plain POSIX descriptor calls on descriptors we own (or 1/2);
    // results are checked, and `Drop` restores the originals.
    unsafe {
        let saved = fd::dup(target);
        if saved < 0 {
            return None;
        }
        if fd::dup2(file.as_raw_fd(), target) < 0 {
            fd::close(saved);
            return None;
        }
        Some(Redirect {
            target,
            saved,
            file,
        })
    }
}

#[cfg(not(unix))]
fn redirect(_target: i32) -> Option<Redirect> {
    None
}

fn read_all(file: &mut File) -> String {
    let mut buf = Vec::new();
    if file.seek(SeekFrom::Start(0)).is_ok() {
        let _ = file.read_to_end(&mut buf);
    }
    let _ = file.seek(SeekFrom::End(0));
    String::from_utf8_lossy(&buf).into_owned()
}

/// A line of LDK's test logger (`node <i> <LEVEL> [module:line] ...`) or its
/// block-connection-style notices.
fn is_ldk_line(line: &str) -> bool {
    // ln/functional_test_utils.rs `eprintln!`s these.
    if line.starts_with("Using Block Connection Style")
        || line.starts_with("Connecting block using Block Connection Style")
        || (line.starts_with("Disconnecting ") && line.contains("Block Connection Style"))
    {
        return true;
    }
    let Some(rest) = line.strip_prefix("node ") else {
        return false;
    };
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    let rest = rest.trim_start();
    ["GOSSIP", "TRACE", "DEBUG", "INFO", "WARN", "ERROR"]
        .iter()
        .any(|lvl| rest.starts_with(lvl))
}

/// Runs `f`; a panic on this thread records its location instead of being
/// printed (panics on other threads go to the previous hook, which is
/// restored afterwards). Returns `f`'s result and the last such location.
pub fn catching_panics<R>(f: impl FnOnce() -> R) -> (R, Option<String>) {
    use std::sync::Arc;
    let prev = Arc::new(std::panic::take_hook());
    let seen: Arc<Mutex<Option<String>>> = Arc::new(Mutex::new(None));
    let me = std::thread::current().id();
    let (prev2, seen2) = (Arc::clone(&prev), Arc::clone(&seen));
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() == me {
            if let Ok(mut s) = seen2.lock() {
                *s = info.location().map(|l| l.to_string());
            }
        } else {
            prev2(info)
        }
    }));
    let r = f();
    drop(std::panic::take_hook());
    std::panic::set_hook(Box::new(move |info| prev(info)));
    let loc = seen.lock().ok().and_then(|s| s.clone());
    (r, loc)
}

/// Splits captured text into LDK's lines (records and the continuation
/// lines of multi-line records: indented, or closing brackets) and the rest.
fn split_ldk(all: &str) -> (Vec<&str>, Vec<&str>) {
    let (mut ldk, mut others) = (Vec::new(), Vec::new());
    let mut in_record = false;
    for line in all.lines() {
        let continuation = in_record
            && (line.starts_with(char::is_whitespace)
                || line.starts_with([']', '}', ')'])
                || line.is_empty());
        if is_ldk_line(line) || continuation {
            in_record = true;
            ldk.push(line);
        } else {
            in_record = false;
            others.push(line);
        }
    }
    (ldk, others)
}

impl Drop for Quiet {
    fn drop(&mut self) {
        let _ = std::io::stdout().flush();
        let _ = std::io::stderr().flush();
        for mut r in self.redirects.drain(..) {
            #[cfg(unix)]
            // SAFETY: restores the descriptor saved in `redirect`.
            unsafe {
                fd::dup2(r.saved, r.target);
                fd::close(r.saved);
            }
            let all = read_all(&mut r.file);
            let others: String = split_ldk(&all).1.iter().map(|l| format!("{l}\n")).collect();
            if !others.is_empty() {
                if r.target == 1 {
                    let _ = std::io::stdout().write_all(others.as_bytes());
                    let _ = std::io::stdout().flush();
                } else {
                    let _ = std::io::stderr().write_all(others.as_bytes());
                }
            }
        }
    }
}

/// An unlinked temporary file (removed from its directory at once).
fn tempfile() -> std::io::Result<File> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let path = std::env::temp_dir().join(format!(
        "asyncpay-ldk-nodes-{}-{}.log",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)?;
    let _ = std::fs::remove_file(&path);
    Ok(file)
}

#[cfg(all(test, not(ldk_0_3)))]
mod tests {
    use super::{is_ldk_line, split_ldk};

    #[test]
    fn splits_multi_line_records() {
        let all = "node 1 TRACE [m:1] hops [\n    Hop {\n        a: 1,\n    },\n]\ntest x ... ok\nnode 0 DEBUG [m:2] y\n";
        let (ldk, others) = split_ldk(all);
        assert_eq!(ldk.len(), 6);
        assert_eq!(others, vec!["test x ... ok"]);
    }

    #[test]
    fn recognises_ldk_lines() {
        assert!(is_ldk_line(
            "node 2 TRACE [lightning::ln::channelmanager:123] x"
        ));
        assert!(is_ldk_line("node 10 GOSSIP [lightning::routing:1] x"));
        assert!(is_ldk_line(
            "Using Block Connection Style: FullBlockViaListen"
        ));
        assert!(!is_ldk_line("test nodes::tests::a ... ok"));
        assert!(!is_ldk_line("node is fine"));
    }
}
