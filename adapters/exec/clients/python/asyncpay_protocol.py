"""The implementation side of the asyncpay process protocol, version 1.

The protocol is described in adapters/exec/PROTOCOL.md: one JSON object per
line on standard output, the handshake first, then one response per request
read from standard input. This module runs that loop for a Python adapter:

    import asyncpay_protocol as ap

    def decode(inp, profile):
        ...
        return ap.accepted(view)      # or ap.rejected(...), ap.unsupported(...)

    ap.serve(name="electrum", version="4.3.4",
             handlers={"update_add_htlc.decode": decode},
             unobservable={"update_add_htlc.decode": ["unknown"]})

A handler receives the request's `input` and `profile` and returns one of the
three outcomes built by `accepted`, `rejected` or `unsupported`. An exception
escaping a handler means the adapter broke, not that the library judged the
input: it is answered `rejected` with the reason class `internal` and a short
traceback as the detail, and the loop goes on.

Standard output belongs to the protocol alone: while the loop runs,
`sys.stdout` points at standard error, so that a library's stray print cannot
corrupt a line.
"""

import json
import sys
import traceback

PROTOCOL_VERSION = 1

__all__ = ["accepted", "rejected", "unsupported", "serve", "PROTOCOL_VERSION"]


def accepted(view):
    """The library accepted the input; `view` is the canonical view."""
    return {"outcome": "accepted", "view": view}


def rejected(reason, detail=""):
    """The library rejected the input; `reason` is a reason class
    (adapters/api/src/reason.rs, snake_case); `detail` is what it said."""
    return {"outcome": "rejected", "reason": reason, "detail": str(detail)}


def unsupported(reason):
    """The library cannot perform this operation on this input."""
    return {"outcome": "unsupported", "reason": str(reason)}


def _traceback_summary(exc, limit=6):
    """The exception and the last frames, on one line, for the detail."""
    frames = traceback.extract_tb(exc.__traceback__)[-limit:]
    where = " <- ".join(
        "{}:{} in {}".format(f.filename.rsplit("/", 1)[-1], f.lineno, f.name)
        for f in reversed(frames)
    )
    text = "{}: {}".format(type(exc).__name__, exc)
    return "{} (at {})".format(text, where) if where else text


def _log(msg):
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()


def handshake(name, version, ops, native_profiles=(), unobservable=None,
              known_types=None):
    """The handshake object."""
    msg = {
        "asyncpay_protocol": PROTOCOL_VERSION,
        "implementation": {"name": name, "version": version},
        "ops": list(ops),
        "native_profiles": list(native_profiles),
    }
    if unobservable:
        msg["unobservable"] = {op: list(paths) for op, paths in unobservable.items()}
    if known_types:
        msg["known_types"] = {op: sorted(types) for op, types in known_types.items()}
    return msg


def answer(request, handlers):
    """The response to one parsed request (without writing it)."""
    rid = request["id"]
    op = request.get("op")
    handler = handlers.get(op)
    if handler is None:
        out = unsupported("the adapter does not implement {}".format(op))
    else:
        try:
            out = handler(request.get("input") or {}, request.get("profile") or {})
            if not isinstance(out, dict) or out.get("outcome") not in (
                "accepted",
                "rejected",
                "unsupported",
            ):
                raise TypeError("handler for {} returned {!r}".format(op, out))
        except Exception as exc:  # the adapter broke: never a verdict
            out = rejected("internal", _traceback_summary(exc))
    resp = {"id": rid}
    resp.update(out)
    return resp


def serve(name, version, handlers, native_profiles=(), unobservable=None,
          stdin=None, stdout=None, known_types=None):
    """Write the handshake, then answer requests until standard input ends."""
    stdin = stdin or sys.stdin
    out = stdout or sys.stdout
    # Anything printed by a library from here on goes to standard error.
    sys.stdout = sys.stderr

    def write(obj):
        out.write(json.dumps(obj, separators=(",", ":")) + "\n")
        out.flush()

    write(handshake(name, version, handlers.keys(), native_profiles, unobservable,
                    known_types))
    while True:
        line = stdin.readline()
        if not line:
            break
        line = line.strip()
        if not line:
            continue
        try:
            request = json.loads(line)
            rid = request["id"]
            if not isinstance(rid, int):
                raise ValueError("id is not an integer")
        except Exception as exc:
            # No id to answer: the harness names the fault when it times out.
            _log("asyncpay_protocol: unreadable request line ({}): {}".format(exc, line[:200]))
            continue
        write(answer(request, handlers))
