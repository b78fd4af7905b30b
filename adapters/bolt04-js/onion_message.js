// Ops onion_message.build and onion_message.peel
// (shapes: adapters/api/src/onion.rs).

'use strict';

const {AdapterError} = require('./library');
const {Unsupported} = require('./library');
const {bolt01} = require('./library');
const {bolt04} = require('./library');
const {call} = require('./library');
const {decodeBlindedPath} = require('./library');
const {decodeEdge} = require('./library');
const {decodeOnionPacket} = require('./library');
const {deriveEphemeralKey} = require('./library');
const {encodeBlindedPath} = require('./library');
const {encodeEdge} = require('./library');
const {sharedSecret} = require('./library');
const {withEntropy} = require('./library');
const {pathSecret} = require('./blinded_path');
const {bytes} = require('./wire');
const {frame} = require('./wire');
const {unframe} = require('./wire');

// onionmsg_tlv types BOLT 4 and BOLT 12 fix
const typeReplyPath = 2;
const typeEncryptedRecipientData = 4;
const contentTypesFixed = {invoice_request: 64, invoice: 66, invoice_error: 68};

// The onion packet headers: version, ephemeral key, HMAC
const lengthPacketHeaders = 1 + 33 + 32;
// The payload sizes decode_onion_packet.js and encode_onion_packet.js allow
const payloadSizes = [1300, 32768];

/** The content kinds and their type numbers under the request's profile. */
const contentTypes = profile => {
  const n = profile.numbers;

  return {
    ...contentTypesFixed,
    static_invoice: n.onionmsg_static_invoice,
    held_htlc_available: n.onionmsg_held_htlc_available,
    release_held_htlc: n.onionmsg_release_held_htlc,
    // The experimental designs' contents, under the profiles that number them
    async_payment_notice: n.onionmsg_async_notice,
    async_payment_trigger: n.onionmsg_async_trigger,
    hold_htlc_request: n.onionmsg_hold_request,
    // LDK's invoice-server protocol (experimental-ldk-invoice-server)
    offer_paths_request: n.onionmsg_offer_paths_request,
    offer_paths: n.onionmsg_offer_paths,
    serve_static_invoice: n.onionmsg_serve_static_invoice,
    static_invoice_persisted: n.onionmsg_static_invoice_persisted,
  };
};

/** A blinded_path view as encodeBlindedPath's arguments. */
const blindedPathArgs = view => {
  const first = bytes(view.first_node_id, 'first_node_id');

  // A 9-byte sciddir_or_pubkey is the library's edge (decode_edge.js)
  const firstNode = first.length === 9 ?
    {first_edge: call('decodeEdge', decodeEdge, {encoded: first}).edge} :
    {first_node_id: first};

  return {
    ...firstNode,
    first_path_key: bytes(view.first_path_key, 'first_path_key'),
    hops: view.hops.map(hop => ({
      blinded_public_key: bytes(hop.blinded_node_id, 'blinded_node_id'),
      encrypted_data: bytes(hop.encrypted_recipient_data, 'encrypted_recipient_data'),
    })),
  };
};

/** What decodeBlindedPath returned, as a blinded_path view. */
const blindedPathView = decoded => {
  const firstNode = decoded.first_node_id ||
    call('encodeEdge', encodeEdge, {edge: decoded.first_edge}).encoded;

  return {
    first_node_id: firstNode.toString('hex'),
    first_path_key: decoded.first_path_key.toString('hex'),
    hops: decoded.hops.map(hop => ({
      blinded_node_id: hop.blinded_public_key.toString('hex'),
      encrypted_recipient_data: hop.encrypted_data.toString('hex'),
    })),
  };
};

/** onion_message.build, through bolt04's onionForPath.

  onionForPath({inbound, key, outbound, records}) onion-encrypts to each
  inbound hop's relay_key (its blinded node id), puts each hop's
  encrypted_data in its payload, and adds `records` to the final payload;
  `outbound` ends with the introduction node, and with only that node the
  returned key is the inbound path key (onion_for_path.js:172-210).

  The vector's reply_path is already blinded: it goes in as the final hop's
  reply_path record (type 2, written by the library's encodeBlindedPath),
  which onionForPath allows when it is not asked to blind a reply itself
  (onion_for_path.js:160). The Sphinx session key comes from the library's
  random key source, replaced for the call (library.js).

  The view's first_node_id is not returned by onionForPath (the caller
  sends to its first outbound node): declared unobservable.
*/
const build = (input, profile) => {
  const path = input.path;

  if (!!input.intermediate_tlvs && !!input.intermediate_tlvs.length) {
    throw new Unsupported('onionForPath writes only encrypted_recipient_data in non-final hop payloads (bolt04 1.2.0 onion_for_path.js:236-242): it cannot add intermediate_tlvs');
  }

  if (input.payloads_len !== undefined && !payloadSizes.includes(input.payloads_len)) {
    throw new Unsupported(`the library sizes onion payloads itself, 1300 or 32768 bytes (encode_onion_packet.js:128); it cannot write ${input.payloads_len}`);
  }

  if (bytes(path.first_node_id, 'first_node_id').length !== 33) {
    throw new Unsupported('onionForPath takes the introduction node as a public key (outbound); it cannot address a short channel id (sciddir_or_pubkey)');
  }

  const types = contentTypes(profile);
  const records = [];

  if (!!input.reply_path) {
    const {encoded} = call('encodeBlindedPath', encodeBlindedPath, blindedPathArgs(input.reply_path));

    records.push({type: String(typeReplyPath), value: encoded.toString('hex')});
  }

  if (!!input.content) {
    const type = types[input.content.kind];

    if (type === undefined) {
      throw new Unsupported(`content kind ${input.content.kind} has no type number in profile ${profile.name}`);
    }

    records.push({type: String(type), value: input.content.value});
  }

  (input.extra_tlvs || []).forEach(n => records.push({type: String(n.type), value: n.value}));

  if (!Array.isArray(path.hops)) {
    throw new AdapterError('path.hops is not an array');
  }

  const sessionKey = bytes(input.session_key, 'session_key');

  const built = withEntropy([sessionKey], () => {
    return call('onionForPath', bolt04.onionForPath, {
      inbound: path.hops.map(hop => ({
        encrypted_data: hop.encrypted_recipient_data,
        relay_key: hop.blinded_node_id,
      })),
      key: path.first_path_key,
      outbound: [path.first_node_id],
      records,
    });
  });

  const onion = bytes(built.onion, 'onion');

  if (input.payloads_len !== undefined && onion.length - lengthPacketHeaders !== input.payloads_len) {
    throw new Unsupported(`the library chose ${onion.length - lengthPacketHeaders} payload bytes and cannot be told to use ${input.payloads_len}`);
  }

  return {onion_message: frame(built.key, onion)};
};

/** The view of a final hop's onionmsg_tlv records and decrypted data. */
const receiveView = (records, decrypted, profile) => {
  const types = contentTypes(profile);
  const kindOf = type => Object.keys(types).find(k => String(types[k]) === type);

  const view = {};

  if (decrypted.id !== undefined) {
    view.path_id = decrypted.id;
  }

  const contents = records.filter(n => kindOf(n.type) !== undefined);

  // The library keeps every record; the view has one content field. A second
  // content record is reported among the other records.
  if (!!contents.length) {
    const [content] = contents;

    view.content = {kind: kindOf(content.type), type: Number(content.type), value: content.value};
  }

  const replyPath = records.find(n => n.type === String(typeReplyPath));

  if (!!replyPath) {
    const decoded = call('decodeBlindedPath', decodeBlindedPath, {
      encoded: bytes(replyPath.value, 'reply_path'),
    });

    view.reply_path = blindedPathView(decoded);
  }

  const other = records.filter(n => {
    if ([typeReplyPath, typeEncryptedRecipientData].map(String).includes(n.type)) {
      return false;
    }

    return !contents.length || n !== contents[0];
  });

  if (!!other.length) {
    view.other_tlvs = other.map(n => ({type: Number(n.type), value: n.value}));
  }

  return view;
};

/** onion_message.peel: one node peels one layer.

  The library peels in three steps, as its own tests do
  (test/packets/test_decode_onion_packet.js:72-85): the shared secret with
  the path key (keys/shared_secret.js), the ephemeral key tweaked by it
  (packets/derive_ephemeral_key.js), and the layer
  (packets/decode_onion_packet.js), whose zero next HMAC marks the final hop.
  The layer's payload is read with bolt01's decodeTlvStream, and its
  encrypted_recipient_data with decryptBlindedPath.

  Not observable: receive.release_context (bolt04 has no notion of a release
  context or of release_auth_key) and forward.counterparty_reply_path (no
  counterparty-served invoice scheme); held_release_secrets likewise have no
  use in the library.
*/
const peel = (input, profile) => {
  const {onion, path_key} = unframe(input.onion_message);

  const secret = pathSecret(input.node_secret, path_key);

  const {public_key} = call('deriveEphemeralKey', deriveEphemeralKey, {onion, secret});

  const onionSecret = call('sharedSecret', sharedSecret, {
    private_key: bytes(input.node_secret, 'node_secret'),
    public_key,
  });

  const layer = call('decodeOnionPacket', decodeOnionPacket, {
    onion,
    secret: onionSecret.secret,
  });

  const {records} = call('decodeTlvStream', bolt01.decodeTlvStream, {
    encoded: layer.payload.toString('hex'),
  });

  const encrypted = records.find(n => n.type === String(typeEncryptedRecipientData));

  const decrypted = call('decryptBlindedPath', bolt04.decryptBlindedPath, {
    encrypted: !encrypted ? undefined : encrypted.value,
    key: path_key,
    secret: secret.toString('hex'),
  });

  const view = {encrypted_data_tlvs: decrypted.data};

  if (!layer.onion) {
    view.receive = receiveView(records, decrypted, profile);

    return view;
  }

  const forward = {};

  if (decrypted.next_node_id !== undefined) {
    forward.next_node_id = decrypted.next_node_id;
  }

  if (decrypted.next_channel_id !== undefined) {
    forward.short_channel_id = decrypted.next_channel_id;
  }

  forward.onion_message = frame(decrypted.next_path_key, layer.onion);

  view.forward = forward;

  return view;
};

module.exports = {build, peel};
