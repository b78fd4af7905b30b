#!/usr/bin/python3
"""asyncpay adapter for Electrum 4.3.4 (Debian package python3-electrum).

Drives, over the process protocol (adapters/exec/PROTOCOL.md):
- `electrum.lnmsg.LNSerializer`, Electrum's CSV-driven message and TLV codec,
  loaded with Electrum's own `lnwire/peer_wire.csv` in which the definitions
  of `update_add_htlc` and `revoke_and_ack` are replaced by the draft's CSV
  lines (adapters/exec/clients/python/bolt_csv.py) with the request's profile
  numbers: `update_add_htlc.decode/encode`, `revoke_and_ack.decode/encode`;
- `electrum.lnutil.validate_features` (unknown even bits, transitive
  dependencies through `LnFeatures.validate_transitive_dependencies`) and
  `electrum.util.list_enabled_bits`: `features.check`.

Every verdict is Electrum's: the adapter adds no check of its own. See
README.md for what Electrum cannot observe and the findings.
"""

import io
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "exec", "clients", "python"))

import asyncpay_protocol as ap  # noqa: E402
import bolt_csv  # noqa: E402

from electrum import lnmsg  # noqa: E402
from electrum import lnutil  # noqa: E402
from electrum.util import list_enabled_bits  # noqa: E402
from electrum.version import ELECTRUM_VERSION  # noqa: E402

OWN_CSV = os.path.join(os.path.dirname(lnmsg.__file__), "lnwire", "peer_wire.csv")
DRAFT_MESSAGES = ("update_add_htlc", "revoke_and_ack")


# --- the codec ---------------------------------------------------------------

def _csv_text(profile):
    """Electrum's own peer_wire.csv without its (pre-draft) definitions of the
    two messages, followed by the draft's lines for them."""
    with open(OWN_CSV, newline="") as f:
        own = [l.rstrip("\r\n") for l in f]
    kept = [l for l in own
            if not (l.split(",")[0] in ("msgtype", "msgdata")
                    and l.split(",")[1] in DRAFT_MESSAGES)]
    return "\n".join(kept + bolt_csv.draft_lines(profile)) + "\n"


_serializers = {}


def serializer(profile):
    """An `LNSerializer` reading the CSV above. `LNSerializer.__init__` opens
    its CSV file by a fixed path; the module-level `open` it calls is pointed
    at the text while the instance is built, so Electrum's own CSV parser
    (lnmsg.py:306-352) reads the lines."""
    n = profile["numbers"]
    key = (n["hold_htlc"], n["release_paths"], n.get("release_paths_format"))
    if key not in _serializers:
        text = _csv_text(profile)
        lnmsg.open = lambda path, *a, **kw: io.StringIO(text)
        try:
            _serializers[key] = lnmsg.LNSerializer()
        finally:
            del lnmsg.open
    return _serializers[key]


# Electrum's exceptions (lnmsg.py:10-25) and the reason classes.
def classify(exc):
    if isinstance(exc, lnmsg.UnknownMsgFieldType):
        # A field type missing from Electrum: the CSV handed to it is at fault.
        raise exc
    table = [
        (lnmsg.UnexpectedEndOfStream, "truncated"),
        (lnmsg.FieldEncodingNotMinimal, "non_minimal_bigsize"),
        (lnmsg.MsgInvalidFieldOrder, "tlv_out_of_order"),
        (lnmsg.UnknownMandatoryTLVRecordType, "unknown_even_type"),
        (lnmsg.MsgTrailingGarbage, "trailing_bytes"),
        (lnmsg.UnknownMsgType, "wrong_message_type"),
    ]
    for cls, reason in table:
        if isinstance(exc, cls):
            return reason
    return "unspecified"


def _detail(exc):
    return "{}: {}".format(type(exc).__name__, exc)


def decode(profile, hexstr, want):
    """Electrum's `decode_msg`; returns (parsed, None) or (None, rejection)."""
    data = bytes.fromhex(hexstr)
    try:
        name, parsed = serializer(profile).decode_msg(data)
    except lnmsg.UnknownMsgFieldType:
        raise
    except Exception as exc:  # Electrum's verdict on the bytes
        return None, ap.rejected(classify(exc), _detail(exc))
    if name != want:
        return None, ap.rejected("wrong_message_type",
                                 "decode_msg: message type {} is {!r}, not {!r}".format(
                                     int.from_bytes(data[:2], "big"), name, want))
    return parsed, None


# --- update_add_htlc ---------------------------------------------------------

def update_add_htlc_decode(inp, profile):
    parsed, rej = decode(profile, inp["hex"], "update_add_htlc")
    if rej:
        return rej
    tlvs = parsed.get("update_add_htlc_tlvs", {})
    view = {
        "channel_id": parsed["channel_id"].hex(),
        "id": parsed["id"],
        "amount_msat": parsed["amount_msat"],
        "payment_hash": parsed["payment_hash"].hex(),
        "cltv_expiry": parsed["cltv_expiry"],
        "onion_routing_packet": parsed["onion_routing_packet"].hex(),
        "hold_htlc": "hold_htlc" in tlvs,
    }
    if "blinded_path" in tlvs:
        view["path_key"] = tlvs["blinded_path"]["path_key"].hex()
    return ap.accepted(view)


def update_add_htlc_encode(inp, profile):
    if inp.get("unknown"):
        return ap.unsupported(
            "Electrum's write_tlv_stream (lnmsg.py:354) writes only the records its CSV "
            "defines; it has no way to write an unknown TLV record")
    tlvs = {}
    if inp.get("path_key") is not None:
        tlvs["blinded_path"] = {"path_key": bytes.fromhex(inp["path_key"])}
    if inp.get("hold_htlc"):
        tlvs["hold_htlc"] = {}
    kwargs = dict(
        channel_id=bytes.fromhex(inp["channel_id"]),
        id=inp["id"],
        amount_msat=inp["amount_msat"],
        payment_hash=bytes.fromhex(inp["payment_hash"]),
        cltv_expiry=inp["cltv_expiry"],
        onion_routing_packet=bytes.fromhex(inp["onion_routing_packet"]),
    )
    if tlvs:
        kwargs["update_add_htlc_tlvs"] = tlvs
    try:
        data = serializer(profile).encode_msg("update_add_htlc", **kwargs)
    except Exception as exc:  # Electrum's writer refused the fields
        return ap.rejected(classify(exc), _detail(exc))
    return ap.accepted({"hex": data.hex()})


# --- revoke_and_ack ----------------------------------------------------------

def revoke_and_ack_decode(inp, profile):
    parsed, rej = decode(profile, inp["hex"], "revoke_and_ack")
    if rej:
        return rej
    # The release paths record is read as raw bytes (lnmsg.py:151-161: a
    # `...` count of a type Electrum does not know); its paths are not
    # decoded, so `release_paths` is declared unobservable.
    view = {
        "channel_id": parsed["channel_id"].hex(),
        "per_commitment_secret": parsed["per_commitment_secret"].hex(),
        "next_per_commitment_point": parsed["next_per_commitment_point"].hex(),
    }
    return ap.accepted(view)


def revoke_and_ack_encode(inp, profile):
    if inp.get("release_paths") is not None:
        return ap.unsupported(
            "Electrum 4.3.4 lnmsg has no subtype codec (lnmsg.py:351 skips subtype rows): "
            "a `...blinded_path` field is written only from raw bytes, so it cannot write "
            "release paths")
    if inp.get("unknown"):
        return ap.unsupported(
            "Electrum's write_tlv_stream (lnmsg.py:354) writes only the records its CSV "
            "defines; it has no way to write an unknown TLV record")
    kwargs = dict(
        channel_id=bytes.fromhex(inp["channel_id"]),
        per_commitment_secret=bytes.fromhex(inp["per_commitment_secret"]),
        next_per_commitment_point=bytes.fromhex(inp["next_per_commitment_point"]),
    )
    try:
        data = serializer(profile).encode_msg("revoke_and_ack", **kwargs)
    except Exception as exc:
        return ap.rejected(classify(exc), _detail(exc))
    return ap.accepted({"hex": data.hex()})


# --- features ----------------------------------------------------------------

def _state(bits, even):
    if even in bits:
        return "compulsory"
    if even + 1 in bits:
        return "optional"
    return "absent"


def features_check(inp, profile):
    """`validate_features` is what Electrum applies to a received feature
    vector (node_announcement: channel_db.py:167; invoices: lnaddr.py:491);
    for init, lnpeer.py:355-359 runs the same two checks (transitive
    dependencies, then unknown even bits through ln_compare_features).
    Electrum takes no context argument, so both contexts get the same call."""
    if inp.get("context") not in ("init", "node_announcement"):
        return ap.unsupported("Electrum checks features of init and node_announcement only")
    value = int.from_bytes(bytes.fromhex(inp["hex"]), "big")
    try:
        lnutil.validate_features(value)
    except lnutil.UnknownEvenFeatureBits as exc:
        return ap.rejected("unknown_required_feature",
                           "UnknownEvenFeatureBits: bit {}".format(exc))
    except lnutil.IncompatibleOrInsaneFeatures as exc:
        return ap.rejected("missing_feature_dependency", _detail(exc))
    bits = list(list_enabled_bits(value))
    hold = int(profile["numbers"]["feature_htlc_hold"])
    even = hold - hold % 2
    return ap.accepted({
        "onion_messages": _state(bits, 38),
        "htlc_hold": _state(bits, even),
        "bits": sorted(bits),
    })


HANDLERS = {
    "update_add_htlc.decode": update_add_htlc_decode,
    "update_add_htlc.encode": update_add_htlc_encode,
    "revoke_and_ack.decode": revoke_and_ack_decode,
    "revoke_and_ack.encode": revoke_and_ack_encode,
    "features.check": features_check,
}

UNOBSERVABLE = {
    # lnmsg.py:399-401: unknown odd records are skipped, not kept.
    "update_add_htlc.decode": ["unknown"],
    "revoke_and_ack.decode": ["release_paths", "unknown"],
}

if __name__ == "__main__":
    ap.serve(name="electrum", version=ELECTRUM_VERSION, handlers=HANDLERS,
             unobservable=UNOBSERVABLE)
