// Ops blinded_path.build and blinded_path.unblind
// (shapes: adapters/api/src/blinding.rs).

'use strict';

const {AdapterError} = require('./library');
const {call} = require('./library');
const {createBlindedPath} = require('./library');
const {bolt04} = require('./library');
const {sharedSecret} = require('./library');
const {bytes} = require('./wire');

const typeNextPathKeyOverride = '8';

/** blinded_path.build: the creator blinds hops with one session key.

  bolt04's public blindedPathFromHops writes each hop's TLVs itself
  (next_node_id or a random path_id, plus padding, blinded_path_from_hops.js
  67-78) and draws its own session key; the op gives each hop's
  encrypted_data_tlvs in clear and the session key, so it drives
  create_blinded_path.js, the function blindedPathFromHops hands its padded
  TLVs to (blinded_path_from_hops.js:80), which takes both.

  The view's first_node_id is not returned by the library (it is the first
  hop's input node id): it is declared unobservable.
*/
const build = input => {
  if (!Array.isArray(input.hops)) {
    throw new AdapterError('hops is not an array');
  }

  const path = call('createBlindedPath', createBlindedPath, {
    hops: input.hops.map(hop => ({
      data: bytes(hop.encrypted_data_tlvs, 'encrypted_data_tlvs'),
      public_key: bytes(hop.node_id, 'node_id'),
    })),
    secret: bytes(input.session_key, 'session_key'),
  });

  return {
    first_path_key: path.key.toString('hex'),
    hops: path.hops.map(hop => ({
      blinded_node_id: hop.blinded_public_key.toString('hex'),
      encrypted_recipient_data: hop.encrypted_data.toString('hex'),
    })),
  };
};

/** The view of what decryptBlindedPath returned. */
const unblindedView = decrypted => {
  const override = decrypted.records.find(n => n.type === typeNextPathKeyOverride);

  const view = {encrypted_data_tlvs: decrypted.data};

  if (decrypted.next_node_id !== undefined) {
    view.next_node_id = decrypted.next_node_id;
  }

  if (decrypted.next_channel_id !== undefined) {
    view.short_channel_id = decrypted.next_channel_id;
  }

  if (decrypted.id !== undefined) {
    view.path_id = decrypted.id;
  }

  if (override !== undefined) {
    view.next_path_key_override = override.value;
  }

  view.next_path_key = decrypted.next_path_key;

  return view;
};

/** The ECDH shared secret of a node secret and a path key, by the library.

  decryptBlindedPath takes the shared secret, not the node's secret key
  (decrypt_blinded_path.js:30-40): the library's own keys/shared_secret.js
  derives it.
*/
const pathSecret = (nodeSecret, pathKey) => {
  return call('sharedSecret', sharedSecret, {
    private_key: bytes(nodeSecret, 'node_secret'),
    public_key: bytes(pathKey, 'path_key'),
  }).secret;
};

/** blinded_path.unblind: one hop decrypts its encrypted_recipient_data.

  The view's blinded_node_id (the hop's own B_i) is not returned by
  decryptBlindedPath: declared unobservable.
*/
const unblind = input => {
  const secret = pathSecret(input.node_secret, input.path_key);

  const decrypted = call('decryptBlindedPath', bolt04.decryptBlindedPath, {
    encrypted: input.encrypted_recipient_data,
    key: input.path_key,
    secret: secret.toString('hex'),
  });

  return unblindedView(decrypted);
};

module.exports = {build, pathSecret, unblind, unblindedView};
