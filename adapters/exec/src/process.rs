//! One life of an external implementation: the child process, the thread
//! that writes its requests, the thread that reads its responses and hands
//! each to the request waiting for it, and the thread that keeps the tail of
//! its standard error.
//!
//! A process that breaks the protocol is killed here and every request in
//! flight is told why; starting another is the adapter's business.

use crate::fault::{Fault, FaultKind};
use crate::protocol::{excerpt, Handshake, ResponseLine};
use crate::ExecConfig;
use asyncpay_adapter::Outcome;
use std::collections::{HashMap, HashSet, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How many answered ids are remembered to tell a repeated id from an unknown one.
const REMEMBERED_IDS: usize = 65_536;

/// What a waiting request receives from the reader.
#[derive(Debug)]
pub(crate) enum Reply {
    /// The response.
    Outcome(Outcome),
    /// A fault (charged to this request or to another).
    Fault(Fault),
}

/// A bounded tail of standard error, with the count of every byte seen.
#[derive(Default)]
struct StderrTail {
    tail: VecDeque<u8>,
    total: u64,
}

impl StderrTail {
    fn push(&mut self, bytes: &[u8], cap: usize) {
        self.total += bytes.len() as u64;
        self.tail.extend(bytes);
        let excess = self.tail.len().saturating_sub(cap);
        self.tail.drain(..excess);
    }

    /// What was written since `mark` (as far as the tail still holds it),
    /// at most `max` bytes from its end.
    fn since(&self, mark: u64, max: usize) -> String {
        let new = (self.total - mark.min(self.total)).min(self.tail.len() as u64) as usize;
        let take = new.min(max);
        let bytes: Vec<u8> = self
            .tail
            .iter()
            .skip(self.tail.len() - take)
            .copied()
            .collect();
        let mut s = String::from_utf8_lossy(&bytes).into_owned();
        if new > take {
            s.insert_str(0, "...");
        }
        s
    }
}

struct Pending {
    tx: mpsc::Sender<Reply>,
    stderr_mark: u64,
    sent: Instant,
}

#[derive(Default)]
struct Flight {
    pending: HashMap<u64, Pending>,
    answered: HashSet<u64>,
    answered_order: VecDeque<u64>,
    /// Set once the process is dead, with the fault that ended it.
    dead: Option<Fault>,
}

struct Shared {
    flight: Mutex<Flight>,
    /// Faults charged to no request in flight, for [`Adapter::take_faults`](asyncpay_adapter::Adapter::take_faults).
    orphans: Arc<Mutex<Vec<Fault>>>,
    stderr: Mutex<StderrTail>,
    child: Mutex<Child>,
    stderr_cap: usize,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    fn stderr_since(&self, mark: u64) -> String {
        lock(&self.stderr).since(mark, 1024)
    }

    fn stderr_total(&self) -> u64 {
        lock(&self.stderr).total
    }

    /// End the process for `fault` (the first fault wins): kill it, and tell
    /// every request in flight. A fault charged to no request is charged to
    /// the only one in flight, if there is exactly one.
    fn die(&self, mut fault: Fault) {
        let pending: Vec<(u64, Pending)> = {
            let mut f = lock(&self.flight);
            if f.dead.is_some() {
                return;
            }
            // A repeated id concerns a request already answered: the ones in
            // flight are innocent of it.
            if fault.culprit.is_none()
                && fault.kind != FaultKind::RepeatedId
                && f.pending.len() == 1
            {
                fault.culprit = f.pending.keys().next().copied();
            }
            if !fault.culprit.is_some_and(|id| f.pending.contains_key(&id)) {
                let mut orphan = fault.clone();
                orphan.stderr = self.stderr_since(self.stderr_total().saturating_sub(1024));
                lock(&self.orphans).push(orphan);
            }
            f.dead = Some(fault.clone());
            f.pending.drain().collect()
        };
        {
            let mut child = lock(&self.child);
            let _ = child.kill();
            let _ = child.wait();
        }
        for (_, p) in pending {
            let mut each = fault.clone();
            each.stderr = self.stderr_since(p.stderr_mark);
            // A request the fault is not charged to is sent again.
            let _ = p.tx.send(Reply::Fault(each));
        }
    }

    /// Mark the process ended by the harness, so that its exit is not a
    /// fault, and kill it.
    fn end_quietly(&self) {
        lock(&self.flight)
            .dead
            .get_or_insert_with(|| Fault::new(FaultKind::Exited, "ended by the harness"));
        let mut child = lock(&self.child);
        let _ = child.kill();
        let _ = child.wait();
    }

    /// Hand one response line to its request.
    fn dispatch(&self, line: &[u8]) {
        let resp = match ResponseLine::parse(line) {
            Ok(r) => r,
            Err((kind, message)) => return self.die(Fault::new(kind, message)),
        };
        let id = resp.id;
        let pending = {
            let mut f = lock(&self.flight);
            match f.pending.remove(&id) {
                Some(p) => {
                    f.answered.insert(id);
                    f.answered_order.push_back(id);
                    if f.answered_order.len() > REMEMBERED_IDS {
                        if let Some(old) = f.answered_order.pop_front() {
                            f.answered.remove(&old);
                        }
                    }
                    Some(p)
                }
                None if f.answered.contains(&id) => None,
                None => {
                    drop(f);
                    return self.die(Fault::new(
                        FaultKind::UnknownId,
                        format!(
                            "a response to id {id}, which was never asked: {}",
                            excerpt(line)
                        ),
                    ));
                }
            }
        };
        let Some(p) = pending else {
            return self.die(Fault::new(
                FaultKind::RepeatedId,
                format!("a second response to id {id}: {}", excerpt(line)),
            ));
        };
        let reply = match resp.outcome() {
            Ok(o) => Reply::Outcome(o),
            Err(e) => Reply::Fault(Fault {
                kind: FaultKind::SchemaMismatch,
                message: format!(
                    "the response to request {id} does not match response.schema.json: {e}"
                ),
                culprit: Some(id),
                stderr: String::new(),
            }),
        };
        let _ = p.tx.send(reply);
    }

    /// The exit status, if the process ends within a moment.
    fn exit_status(&self) -> String {
        let deadline = Instant::now() + Duration::from_millis(500);
        loop {
            if let Ok(Some(status)) = lock(&self.child).try_wait() {
                return status.to_string();
            }
            if Instant::now() >= deadline {
                return "closed its standard output".into();
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// How one bounded line read ended.
enum LineRead {
    Line(Vec<u8>),
    TooLong(usize),
    Eof,
}

/// Read one line of at most `max` bytes (newline excluded); stop reading as
/// soon as the limit is passed.
fn read_line(r: &mut BufReader<ChildStdout>, max: usize) -> LineRead {
    let mut line = Vec::new();
    loop {
        let buf = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return LineRead::Eof,
        };
        if buf.is_empty() {
            return if line.is_empty() {
                LineRead::Eof
            } else {
                LineRead::Line(line)
            };
        }
        let (chunk, found) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..i], Some(i + 1)),
            None => (buf, None),
        };
        if line.len() + chunk.len() > max {
            return LineRead::TooLong(line.len() + chunk.len());
        }
        line.extend_from_slice(chunk);
        let used = found.unwrap_or(buf.len());
        r.consume(used);
        if found.is_some() {
            return LineRead::Line(line);
        }
    }
}

/// A running implementation that has completed its handshake.
pub(crate) struct Process {
    shared: Arc<Shared>,
    /// Requests are written by the calling thread. A write blocks only when
    /// the pipe is full of requests the process has not read; those are in
    /// flight, time out, and their fault kills the process, which ends the
    /// write.
    writer: Mutex<Option<ChildStdin>>,
    /// What it declared.
    pub handshake: Handshake,
}

impl Process {
    /// Start the command and read its handshake, within the start timeout.
    pub fn start(config: &ExecConfig, orphans: Arc<Mutex<Vec<Fault>>>) -> Result<Process, Fault> {
        let mut cmd = Command::new(&config.program);
        cmd.args(&config.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(dir) = &config.cwd {
            cmd.current_dir(dir);
        }
        let mut child = cmd.spawn().map_err(|e| {
            Fault::new(
                FaultKind::SpawnFailed,
                format!("cannot start {:?}: {e}", config.command_line()),
            )
        })?;
        let (Some(stdin), Some(stdout), Some(mut stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Fault::new(FaultKind::SpawnFailed, "no pipes to the child"));
        };
        let shared = Arc::new(Shared {
            flight: Mutex::new(Flight::default()),
            orphans,
            stderr: Mutex::new(StderrTail::default()),
            child: Mutex::new(child),
            stderr_cap: config.max_stderr,
        });

        let s = shared.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            loop {
                match stderr.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => lock(&s.stderr).push(&buf[..n], s.stderr_cap),
                }
            }
        });

        let (hs_tx, hs_rx) = mpsc::channel::<LineRead>();
        let s = shared.clone();
        let max_line = config.max_line;
        std::thread::spawn(move || {
            let mut r = BufReader::with_capacity(64 * 1024, stdout);
            let first = read_line(&mut r, max_line);
            let go_on = matches!(first, LineRead::Line(_));
            let _ = hs_tx.send(first);
            if !go_on {
                return;
            }
            loop {
                match read_line(&mut r, max_line) {
                    LineRead::Line(line) => s.dispatch(&line),
                    LineRead::TooLong(n) => {
                        return s.die(Fault::new(
                            FaultKind::LineTooLong,
                            format!("a line of more than {n} bytes (the limit is {max_line})"),
                        ))
                    }
                    LineRead::Eof => {
                        let status = s.exit_status();
                        return s.die(Fault::new(
                            FaultKind::Exited,
                            format!("the process {status}"),
                        ));
                    }
                }
            }
        });

        let fail = |kind: FaultKind, message: String| {
            let mut f = Fault::new(kind, message);
            shared.end_quietly();
            f.stderr = shared.stderr_since(0);
            f
        };
        let handshake = match hs_rx.recv_timeout(config.start_timeout) {
            Ok(LineRead::Line(line)) => match Handshake::parse(&line) {
                Ok(hs) => hs,
                Err((kind, message)) => return Err(fail(kind, message)),
            },
            Ok(LineRead::TooLong(n)) => {
                return Err(fail(
                    FaultKind::BytesBeforeHandshake,
                    format!("a first line of more than {n} bytes"),
                ))
            }
            Ok(LineRead::Eof) | Err(mpsc::RecvTimeoutError::Disconnected) => {
                // Give standard error a moment to drain.
                std::thread::sleep(Duration::from_millis(50));
                let status = shared.exit_status();
                return Err(fail(
                    FaultKind::ExitedBeforeHandshake,
                    format!("the process {status} before its handshake"),
                ));
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                return Err(fail(
                    FaultKind::StartTimeout,
                    format!("no handshake within {:?}", config.start_timeout),
                ))
            }
        };
        Ok(Process {
            shared,
            writer: Mutex::new(Some(stdin)),
            handshake,
        })
    }

    /// Whether the process has died (of a fault or by exiting).
    pub fn is_dead(&self) -> bool {
        lock(&self.shared.flight).dead.is_some()
    }

    /// Send one request line and wait for its reply, at most `timeout`.
    /// A request that gets no reply in time kills the process. What the
    /// process wrote to standard error meanwhile goes with a rejection's
    /// detail or a fault.
    pub fn call(&self, id: u64, line: Vec<u8>, timeout: Duration) -> Result<Outcome, Fault> {
        let (tx, rx) = mpsc::channel();
        let mark = self.shared.stderr_total();
        {
            let mut f = lock(&self.shared.flight);
            if let Some(dead) = &f.dead {
                // Died before this request was written: never sent, so not
                // charged to it.
                let mut d = dead.clone();
                d.culprit = None;
                return Err(d);
            }
            f.pending.insert(
                id,
                Pending {
                    tx,
                    stderr_mark: mark,
                    sent: Instant::now(),
                },
            );
        }
        let sent = lock(&self.writer)
            .as_mut()
            .is_some_and(|w| w.write_all(&line).and_then(|_| w.flush()).is_ok());
        if !sent {
            self.shared.die(Fault::new(
                FaultKind::Exited,
                "its standard input is closed",
            ));
        }
        let reply = self.wait(id, &rx, timeout);
        self.with_stderr(reply, mark)
    }

    /// Attach what the process wrote to standard error since `mark` to a
    /// rejection or a fault. Standard error is read on its own thread: if
    /// the process writes there at all, it gets 2 ms to catch up.
    fn with_stderr(&self, reply: Reply, mark: u64) -> Result<Outcome, Fault> {
        let settle = || {
            if self.shared.stderr_total() > 0 {
                std::thread::sleep(Duration::from_millis(2));
            }
            self.shared.stderr_since(mark)
        };
        match reply {
            Reply::Outcome(Outcome::Rejected(mut r)) => {
                let stderr = settle();
                if !stderr.trim().is_empty() {
                    r.detail = format!("{}; standard error: {}", r.detail, stderr.trim_end());
                }
                Ok(Outcome::Rejected(r))
            }
            Reply::Outcome(o) => Ok(o),
            Reply::Fault(mut f) => {
                f.stderr = settle();
                Err(f)
            }
        }
    }

    fn wait(&self, id: u64, rx: &mpsc::Receiver<Reply>, timeout: Duration) -> Reply {
        // A fast implementation answers within tens of microseconds: look
        // for the reply, yielding the processor, before sleeping on it
        // (waking a sleeping thread costs as much again).
        let spin = Instant::now();
        while spin.elapsed() < Duration::from_micros(200) {
            match rx.try_recv() {
                Ok(r) => return r,
                Err(_) => std::thread::yield_now(),
            }
        }
        match rx.recv_timeout(timeout) {
            Ok(reply) => reply,
            Err(_) => {
                // The process is stuck on the oldest request in flight (an
                // implementation that answers in order cannot reach the
                // others): that one is charged, the others are sent again.
                let culprit = lock(&self.shared.flight)
                    .pending
                    .iter()
                    .min_by_key(|(_, p)| p.sent)
                    .map_or(id, |(oldest, _)| *oldest);
                self.shared.die(
                    Fault::new(
                        FaultKind::Timeout,
                        format!(
                            "no response to request {culprit} within {timeout:?}; the process was killed"
                        ),
                    )
                    .charged_to(culprit),
                );
                // The fault reaches this request's channel unless a reply
                // won the race.
                rx.recv_timeout(Duration::from_secs(1)).unwrap_or_else(|_| {
                    Reply::Fault(
                        Fault::new(
                            FaultKind::Timeout,
                            format!("no response within {timeout:?}"),
                        )
                        .charged_to(id),
                    )
                })
            }
        }
    }
}

impl Drop for Process {
    /// Close standard input, give the process 2 s to exit, then kill it.
    fn drop(&mut self) {
        lock(&self.shared.flight)
            .dead
            .get_or_insert_with(|| Fault::new(FaultKind::Exited, "ended by the harness"));
        lock(&self.writer).take();
        let deadline = Instant::now() + Duration::from_secs(2);
        loop {
            let mut child = lock(&self.shared.child);
            match child.try_wait() {
                Ok(Some(_)) | Err(_) => return,
                Ok(None) if Instant::now() >= deadline => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return;
                }
                Ok(None) => {}
            }
            drop(child);
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}
