// The libraries under test, loaded once, and the seams the adapter needs to
// drive them with the vectors' fixed values.
//
// bolt04's public entry points (index.js) are blindedPathFromHops,
// decryptBlindedPath, onionForPath and paymentPathFromChannels. Two ops need
// functions those entry points are built on, which the package ships as
// plain CommonJS modules (it has no "exports" map, so they can be required):
//
//   blinding/create_blinded_path.js  what blindedPathFromHops calls
//                                    (blinded_path_from_hops.js:80); takes
//                                    each hop's TLV stream and the path secret
//   blinding/decode_blinded_path.js  the reader of an encoded blinded_path
//   blinding/encode_blinded_path.js  its writer (onion_for_path.js:224 uses it)
//   blinding/decode_edge.js, encode_edge.js  a sciddir first node as an edge
//   keys/shared_secret.js            the ECDH shared secret (SHA256 of the
//                                    compressed point) the library uses
//                                    everywhere; decryptBlindedPath takes it
//                                    as input rather than a node secret
//   packets/derive_ephemeral_key.js  the blinded ephemeral key of an onion
//   packets/decode_onion_packet.js   peels one Sphinx layer
//
// The library's own tests peel onion messages with exactly these three
// packet/key functions (test/packets/test_decode_onion_packet.js:72-85).
//
// Entropy: onionForPath draws the Sphinx session key from
// keys/random_private_key.js (encode_onion_packet.js:107) and takes no key
// argument for it. The vectors fix that key (adapters/api/src/onion.rs: "so
// that an implementation whose API takes an entropy source ... can be driven
// by fixed values"), so the adapter replaces the library's random private key
// source, for the duration of one call, with a queue of the vector's keys.
// The replacement must be in place before bolt04's modules load, because they
// destructure it at require time.

'use strict';

const keys = require('bolt04/keys');

const drawRandomPrivateKey = keys.randomPrivateKey;
const entropy = {queue: null, drawn: 0};

keys.randomPrivateKey = args => {
  if (!entropy.queue) {
    return drawRandomPrivateKey(args);
  }

  if (!entropy.queue.length) {
    throw new AdapterError('the library drew more random private keys than the vector supplies');
  }

  entropy.drawn += 1;

  return {key: entropy.queue.shift()};
};

const bolt01 = require('bolt01');
const bolt04 = require('bolt04');
const bolt09 = require('bolt09');

const createBlindedPath = require('bolt04/blinding/create_blinded_path');
const decodeBlindedPath = require('bolt04/blinding/decode_blinded_path');
const decodeEdge = require('bolt04/blinding/decode_edge');
const encodeBlindedPath = require('bolt04/blinding/encode_blinded_path');
const encodeEdge = require('bolt04/blinding/encode_edge');
const sharedSecret = require('bolt04/keys/shared_secret');
const decodeOnionPacket = require('bolt04/packets/decode_onion_packet');
const deriveEphemeralKey = require('bolt04/packets/derive_ephemeral_key');

/** A failure of the adapter itself (answered as reason `internal`). */
class AdapterError extends Error {}

/** The library cannot perform the op on this input (answered `unsupported`). */
class Unsupported extends Error {}

/** An error thrown by a library function: a verdict on the input. */
class LibraryError extends Error {
  constructor(where, err) {
    super(`${where}: ${err && err.message}`);
    this.where = where;
    this.libraryMessage = String(err && err.message);
  }
}

// JavaScript engine errors inside library code mean the adapter handed it
// something of the wrong shape: those are the adapter's fault, not verdicts.
const isEngineError = err => {
  return err instanceof TypeError ||
    err instanceof ReferenceError ||
    err instanceof SyntaxError;
};

/** Call library function `fn` named `where`; tag what it throws. */
const call = (where, fn, args) => {
  try {
    return fn(args);
  } catch (err) {
    if (err instanceof AdapterError || isEngineError(err)) {
      throw err;
    }

    throw new LibraryError(where, err);
  }
};

/** Run `fn` with the library's random private keys taken from `secrets`. */
const withEntropy = (secrets, fn) => {
  if (entropy.queue) {
    throw new AdapterError('nested entropy scope');
  }

  entropy.queue = secrets.slice();
  entropy.drawn = 0;

  try {
    const result = fn();

    if (entropy.queue.length) {
      throw new AdapterError(`the library drew ${entropy.drawn} of ${secrets.length} supplied random private keys`);
    }

    return result;
  } finally {
    entropy.queue = null;
  }
};

const version = name => require(`${name}/package.json`).version;

module.exports = {
  AdapterError,
  LibraryError,
  Unsupported,
  bolt01,
  bolt04,
  bolt09,
  call,
  createBlindedPath,
  decodeBlindedPath,
  decodeEdge,
  decodeOnionPacket,
  deriveEphemeralKey,
  encodeBlindedPath,
  encodeEdge,
  sharedSecret,
  versions: {
    bolt01: version('bolt01'),
    bolt04: version('bolt04'),
    bolt09: version('bolt09'),
  },
  withEntropy,
};
