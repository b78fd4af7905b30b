"""asyncpay adapter for pyln-proto (Core Lightning's Python protocol library).

Drives, over the process protocol (adapters/exec/PROTOCOL.md),
`pyln.proto.message`: a `MessageNamespace` built from the draft's CSV lines
(adapters/exec/clients/python/bolt_csv.py) with the request's profile
numbers, `Message.read` for `update_add_htlc.decode` and
`revoke_and_ack.decode`, `Message(...).write` for the two encoders.

pyln-proto 26.6.9 has no `sciddir_or_pubkey` fundamental type, so
`load_csv` refuses BOLT 4's `blinded_path` subtype (message.py:205
"Unknown type sciddir_or_pubkey"). The namespace is then built from the
draft's lines without the subtypes and without the release paths record's
data line: the record is known by its number, its contents are not decoded,
and `release_paths` is declared unobservable.

pyln-proto has no feature-bit validation (the `features` of a BOLT 11
invoice are returned raw) and its onion code (`pyln.proto.onion`) peels
payment onions without route blinding: it performs no `features.check`,
`blinded_path.*` or `onion_message.*` operation, and none is declared.

Every verdict is pyln-proto's: the adapter adds no check of its own.
"""

import io
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "exec", "clients", "python"))

import asyncpay_protocol as ap  # noqa: E402
import bolt_csv  # noqa: E402

import pyln.proto  # noqa: E402
from pyln.proto.message import Message, MessageNamespace  # noqa: E402

VERSION = getattr(pyln.proto, "__version__", "unknown")

# The draft's profile numbers, to learn at start whether the full CSV loads.
_DRAFT_NUMBERS = {"numbers": {"hold_htlc": 2, "release_paths": 0,
                              "release_paths_format": "paths"}}


def _reduced_lines(profile):
    """The draft's lines pyln-proto can load: the two messages and their TLV
    records, without the subtypes and the release paths data line."""
    return (bolt_csv.update_add_htlc_lines(profile)
            + [l for l in bolt_csv.revoke_and_ack_lines(profile)
               if not l.startswith("tlvdata,revoke_and_ack_tlvs,release_held_htlc_message_paths,")])


def _load(profile):
    """(namespace, why the full CSV did not load or None)."""
    try:
        return MessageNamespace(bolt_csv.draft_lines(profile)), None
    except ValueError as exc:
        return MessageNamespace(_reduced_lines(profile)), str(exc)


_FULL_LOAD_ERROR = _load(_DRAFT_NUMBERS)[1]
_namespaces = {}


def namespace(profile):
    n = profile["numbers"]
    key = (n["hold_htlc"], n["release_paths"], n.get("release_paths_format"))
    if key not in _namespaces:
        ns, err = _load(profile)
        if (err is None) != (_FULL_LOAD_ERROR is None):
            raise RuntimeError("the draft's CSV loads for one profile and not another: {}".format(err))
        _namespaces[key] = ns
    return _namespaces[key]


# pyln-proto raises ValueError for every decoding fault; its message is the
# only thing that names the fault. The messages and where they come from:
_MESSAGE_CLASSES = [
    ("Unknown message type number", "wrong_message_type"),  # message.py:643
    ("truncated", "truncated"),            # message.py:576, 579, 653
    ("not enough", "truncated"),           # fundamental_types.py:18, 204; array_types.py:70
    ("short read", "truncated"),           # message.py:324
]


def classify(exc):
    if isinstance(exc, ValueError):
        text = str(exc)
        for needle, reason in _MESSAGE_CLASSES:
            if needle in text:
                return reason
    return "unspecified"


def _detail(exc):
    return "{}: {}".format(type(exc).__name__, exc)


def decode(profile, hexstr, want):
    """pyln's `Message.read`; returns (message, None) or (None, rejection)."""
    data = bytes.fromhex(hexstr)
    try:
        msg = Message.read(namespace(profile), io.BytesIO(data))
    except Exception as exc:  # pyln's verdict on the bytes
        return None, ap.rejected(classify(exc), _detail(exc))
    if msg is None:
        return None, ap.rejected("truncated", "Message.read: None (no bytes)")
    if msg.messagetype.name != want:
        return None, ap.rejected("wrong_message_type",
                                 "Message.read: {} is not {}".format(msg.messagetype.name, want))
    return msg, None


def _unknown(tlvs):
    """Records pyln kept by number (unknown to the namespace), in stream order."""
    return [{"type": k, "hex": v} for k, v in tlvs.items() if isinstance(k, int)]


# --- update_add_htlc ---------------------------------------------------------

def update_add_htlc_decode(inp, profile):
    msg, rej = decode(profile, inp["hex"], "update_add_htlc")
    if rej:
        return rej
    py = msg.to_py()
    tlvs = py.get("tlvs", {})
    view = {
        "channel_id": py["channel_id"],
        "id": py["id"],
        "amount_msat": py["amount_msat"],
        "payment_hash": py["payment_hash"],
        "cltv_expiry": py["cltv_expiry"],
        "onion_routing_packet": py["onion_routing_packet"],
        "hold_htlc": "hold_htlc" in tlvs,
    }
    if "blinded_path" in tlvs:
        bp = tlvs["blinded_path"]
        if "path_key" in bp:
            view["path_key"] = bp["path_key"]
    unknown = _unknown(tlvs)
    if unknown:
        view["unknown"] = unknown
    return ap.accepted(view)


def _raw_records(inp, tlvs):
    for rec in inp.get("unknown") or []:
        tlvs[int(rec["type"])] = bytes.fromhex(rec["hex"])


def _write(profile, name, fields):
    mtype = namespace(profile).get_msgtype(name)
    try:
        msg = Message(mtype, **fields)
        buf = io.BytesIO()
        msg.write(buf)
    except Exception as exc:  # pyln's writer refused the fields
        return ap.rejected(classify(exc), _detail(exc))
    return ap.accepted({"hex": buf.getvalue().hex()})


def update_add_htlc_encode(inp, profile):
    tlvs = {}
    if inp.get("path_key") is not None:
        tlvs["blinded_path"] = {"path_key": bytes.fromhex(inp["path_key"])}
    if inp.get("hold_htlc"):
        tlvs["hold_htlc"] = {}
    _raw_records(inp, tlvs)
    return _write(profile, "update_add_htlc", {
        "channel_id": bytes.fromhex(inp["channel_id"]),
        "id": inp["id"],
        "amount_msat": inp["amount_msat"],
        "payment_hash": bytes.fromhex(inp["payment_hash"]),
        "cltv_expiry": inp["cltv_expiry"],
        "onion_routing_packet": list(bytes.fromhex(inp["onion_routing_packet"])),
        "tlvs": tlvs,
    })


# --- revoke_and_ack ----------------------------------------------------------

def revoke_and_ack_decode(inp, profile):
    msg, rej = decode(profile, inp["hex"], "revoke_and_ack")
    if rej:
        return rej
    py = msg.to_py()
    tlvs = py.get("tlvs", {})
    view = {
        "channel_id": py["channel_id"],
        "per_commitment_secret": py["per_commitment_secret"],
        "next_per_commitment_point": py["next_per_commitment_point"],
    }
    unknown = _unknown(tlvs)
    if unknown:
        view["unknown"] = unknown
    return ap.accepted(view)


def revoke_and_ack_encode(inp, profile):
    if inp.get("release_paths") is not None:
        return ap.unsupported(
            "pyln-proto {} cannot load BOLT 4's blinded_path subtype ({}), so it has no "
            "encoder for release paths".format(VERSION, _FULL_LOAD_ERROR))
    tlvs = {}
    _raw_records(inp, tlvs)
    return _write(profile, "revoke_and_ack", {
        "channel_id": bytes.fromhex(inp["channel_id"]),
        "per_commitment_secret": list(bytes.fromhex(inp["per_commitment_secret"])),
        "next_per_commitment_point": bytes.fromhex(inp["next_per_commitment_point"]),
        "tlvs": tlvs,
    })


HANDLERS = {
    "update_add_htlc.decode": update_add_htlc_decode,
    "update_add_htlc.encode": update_add_htlc_encode,
    "revoke_and_ack.decode": revoke_and_ack_decode,
    "revoke_and_ack.encode": revoke_and_ack_encode,
}

if _FULL_LOAD_ERROR is None:
    # A pyln-proto that loads blinded_path: this adapter does not turn its
    # decoded paths into the view, so the field stays unobservable.
    sys.stderr.write("pyln adapter: the draft's CSV loads in full with pyln-proto {}; "
                     "release_paths are still not compared\n".format(VERSION))

UNOBSERVABLE = {"revoke_and_ack.decode": ["release_paths"]}

if __name__ == "__main__":
    ap.serve(name="pyln-proto", version=VERSION, handlers=HANDLERS,
             unobservable=UNOBSERVABLE)
