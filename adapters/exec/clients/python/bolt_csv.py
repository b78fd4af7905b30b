"""The draft's message and TLV definitions as BOLT CSV lines.

The BOLTs define wire formats in markdown lists; the BOLT repository's
`tools/extract-formats.py` turns them into CSV lines (`msgtype`, `msgdata`,
`tlvtype`, `tlvdata`, `subtype`, `subtypedata`), the format CSV-driven codecs
such as Electrum's `lnmsg` and pyln-proto's `MessageNamespace` read. The lines
below transcribe, in that format, what BOLT PR 1149 (head 3a7505e) writes in
02-peer-protocol.md for `update_add_htlc` and `revoke_and_ack` and in
04-onion-routing.md for `blinded_path` / `blinded_path_hop`. Only the type
numbers change with the profile (its `numbers`: `hold_htlc`,
`release_paths`, `release_paths_format`).

`update_add_htlc_tlvs` is the message's extension stream: the markdown names
it under the message without listing it among the fields, so the
`msgdata,update_add_htlc,tlvs,...` line states what the prose says (the
TLV stream follows the fields), as the draft's `revoke_and_ack` does.

For the `htlc_id_and_path` layout (the ldk-0.2 profile: each path paired with
the id of the HTLC it releases) the record carries a list of
`(u64 htlc_id, blinded_path)` pairs, written here as a subtype of its own;
the draft's layout is a plain list of `blinded_path`.
"""


def _num(profile, key):
    try:
        return int(profile["numbers"][key])
    except (KeyError, TypeError, ValueError):
        raise ValueError("profile {!r} has no number {!r}".format(profile.get("name"), key))


def update_add_htlc_lines(profile):
    """`update_add_htlc` (type 128) and its TLV stream."""
    hold = _num(profile, "hold_htlc")
    records = sorted([(0, ["tlvtype,update_add_htlc_tlvs,blinded_path,0",
                           "tlvdata,update_add_htlc_tlvs,blinded_path,path_key,point,"]),
                      (hold, ["tlvtype,update_add_htlc_tlvs,hold_htlc,{}".format(hold)])])
    lines = [
        "msgtype,update_add_htlc,128",
        "msgdata,update_add_htlc,channel_id,channel_id,",
        "msgdata,update_add_htlc,id,u64,",
        "msgdata,update_add_htlc,amount_msat,u64,",
        "msgdata,update_add_htlc,payment_hash,sha256,",
        "msgdata,update_add_htlc,cltv_expiry,u32,",
        "msgdata,update_add_htlc,onion_routing_packet,byte,1366",
        "msgdata,update_add_htlc,tlvs,update_add_htlc_tlvs,",
    ]
    for _, rec in records:
        lines += rec
    return lines


def release_paths_element(profile):
    """The element type of the release paths list, per the profile's layout."""
    fmt = profile["numbers"].get("release_paths_format", "paths")
    if fmt == "paths":
        return "blinded_path"
    if fmt == "htlc_id_and_path":
        return "htlc_id_and_path"
    raise ValueError("unknown release_paths_format {!r}".format(fmt))


def revoke_and_ack_lines(profile):
    """`revoke_and_ack` (type 133) and its TLV stream (release paths)."""
    rel = _num(profile, "release_paths")
    return [
        "msgtype,revoke_and_ack,133",
        "msgdata,revoke_and_ack,channel_id,channel_id,",
        "msgdata,revoke_and_ack,per_commitment_secret,byte,32",
        "msgdata,revoke_and_ack,next_per_commitment_point,point,",
        "msgdata,revoke_and_ack,tlvs,revoke_and_ack_tlvs,",
        "tlvtype,revoke_and_ack_tlvs,release_held_htlc_message_paths,{}".format(rel),
        "tlvdata,revoke_and_ack_tlvs,release_held_htlc_message_paths,paths,{},...".format(
            release_paths_element(profile)),
    ]


def blinded_path_lines(profile):
    """BOLT 4's `blinded_path` and `blinded_path_hop` subtypes (and, for the
    `htlc_id_and_path` layout, the pair subtype)."""
    lines = [
        "subtype,blinded_path",
        "subtypedata,blinded_path,first_node_id,sciddir_or_pubkey,",
        "subtypedata,blinded_path,first_path_key,point,",
        "subtypedata,blinded_path,num_hops,byte,",
        "subtypedata,blinded_path,path,blinded_path_hop,num_hops",
        "subtype,blinded_path_hop",
        "subtypedata,blinded_path_hop,blinded_node_id,point,",
        "subtypedata,blinded_path_hop,enclen,u16,",
        "subtypedata,blinded_path_hop,encrypted_recipient_data,byte,enclen",
    ]
    if release_paths_element(profile) == "htlc_id_and_path":
        lines += [
            "subtype,htlc_id_and_path",
            "subtypedata,htlc_id_and_path,htlc_id,u64,",
            "subtypedata,htlc_id_and_path,path,blinded_path,",
        ]
    return lines


def draft_lines(profile):
    """Every line the two messages need, in the order extract-formats.py
    emits them (subtypes of BOLT 4 after BOLT 2's messages)."""
    return update_add_htlc_lines(profile) + revoke_and_ack_lines(profile) + blinded_path_lines(profile)
