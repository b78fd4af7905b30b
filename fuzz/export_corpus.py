#!/usr/bin/env python3
"""Export the seed corpus of the fuzz targets from the suite's vector files.

Writes fuzz/corpus/<target>/<profile>--<area>--<test id>[--<what>], one file
per input's bytes (identical inputs of one target are written once):

  static_invoice_decode   static_invoice.decode inputs, static_invoice.encode outputs
  update_add_htlc_decode  update_add_htlc.decode inputs, update_add_htlc.encode outputs
  revoke_and_ack_decode   revoke_and_ack.decode inputs, revoke_and_ack.encode outputs
  features_check          features.check inputs
  blinded_path_unblind    blinded_path.unblind ciphertexts and the plaintexts
                          their valid vectors decrypt to
  onion_message_peel      onion_message.peel inputs, onion_message.build outputs
  differential_ldk        the update_add_htlc and static invoice seeds

Usage: fuzz/export_corpus.py [--vectors DIR] [--out DIR]
(defaults: the repository's vectors/ and fuzz/corpus/). Standard library only.
"""

import argparse
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent

# op -> (target, [(label, function of the test giving a hex string or None)])
def view(t, field):
    v = t.get("expected", {}).get("view") if t.get("result") == "valid" else None
    return v.get(field) if isinstance(v, dict) else None

SOURCES = {
    "static_invoice.decode": ("static_invoice_decode", [("", lambda t: t["input"]["hex"])]),
    "static_invoice.encode": ("static_invoice_decode", [("encoded", lambda t: view(t, "hex"))]),
    "update_add_htlc.decode": ("update_add_htlc_decode", [("", lambda t: t["input"]["hex"])]),
    "update_add_htlc.encode": ("update_add_htlc_decode", [("encoded", lambda t: view(t, "hex"))]),
    "revoke_and_ack.decode": ("revoke_and_ack_decode", [("", lambda t: t["input"]["hex"])]),
    "revoke_and_ack.encode": ("revoke_and_ack_decode", [("encoded", lambda t: view(t, "hex"))]),
    "features.check": ("features_check", [("", lambda t: t["input"]["hex"])]),
    "blinded_path.unblind": (
        "blinded_path_unblind",
        [
            ("", lambda t: t["input"]["encrypted_recipient_data"]),
            ("plaintext", lambda t: view(t, "encrypted_data_tlvs")),
        ],
    ),
    "onion_message.peel": ("onion_message_peel", [("", lambda t: t["input"]["onion_message"])]),
    "onion_message.build": ("onion_message_peel", [("built", lambda t: view(t, "onion_message"))]),
}
DIFFERENTIAL = {"update_add_htlc_decode", "static_invoice_decode"}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vectors", type=pathlib.Path, default=HERE.parent / "vectors")
    ap.add_argument("--out", type=pathlib.Path, default=HERE / "corpus")
    args = ap.parse_args()
    profiles = [p["name"] for p in json.loads((args.vectors / "profiles.json").read_text())["profiles"]]
    seen = {}
    written = {}
    for profile in profiles:
        for path in sorted((args.vectors / profile).glob("*.json")):
            doc = json.loads(path.read_text())
            for t in doc.get("tests", []):
                if t.get("op") not in SOURCES:
                    continue
                target, getters = SOURCES[t["op"]]
                for label, get in getters:
                    try:
                        h = get(t)
                    except (KeyError, TypeError):
                        h = None
                    if not isinstance(h, str):
                        continue
                    try:
                        data = bytes.fromhex(h)
                    except ValueError:
                        continue  # a vector whose input is deliberately not hex
                    name = f"{profile}--{path.stem}--{t['id']}" + (f"--{label}" if label else "")
                    for tgt in [target] + (["differential_ldk"] if target in DIFFERENTIAL else []):
                        if data in seen.setdefault(tgt, set()):
                            continue
                        seen[tgt].add(data)
                        d = args.out / tgt
                        d.mkdir(parents=True, exist_ok=True)
                        (d / name).write_bytes(data)
                        written[tgt] = written.get(tgt, 0) + 1
    for tgt in sorted(written):
        print(f"{args.out / tgt}: {written[tgt]} inputs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
