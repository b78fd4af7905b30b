// Plumbing between the vectors' hex and the library's Buffers, and the
// onion_message (type 513) framing, which bolt04 does not implement: it
// works on the onion packet and the path key separately (onionForPath
// returns {key, onion}; decode_onion_packet.js takes the packet alone).

'use strict';

const {AdapterError} = require('./library');

const typeOnionMessage = 513;
const lengthPathKey = 33;

const isHex = n => typeof n === 'string' && !(n.length % 2) && /^[0-9a-f]*$/i.test(n);

/** Bytes of a hex field of the vector; not hex is the adapter's problem. */
const bytes = (hex, name) => {
  if (!isHex(hex)) {
    throw new AdapterError(`${name} is not a hex string`);
  }

  return Buffer.from(hex, 'hex');
};

/** onion_message: type, path_key, u16 len, onion_message_packet. */
const frame = (pathKeyHex, onion) => {
  const header = Buffer.alloc(2 + lengthPathKey + 2);

  if (onion.length > 0xffff) {
    throw new AdapterError('onion packet does not fit a u16 length');
  }

  header.writeUInt16BE(typeOnionMessage, 0);
  bytes(pathKeyHex, 'path key').copy(header, 2);
  header.writeUInt16BE(onion.length, 2 + lengthPathKey);

  return Buffer.concat([header, onion]).toString('hex');
};

/** The path key (hex) and packet of an onion_message.

  The library has no reader for this framing; a message the adapter cannot
  unframe is one it cannot hand to the library (reason.rs: internal).
  Bytes after the packet are ignored, as BOLT 1 lets a reader ignore a
  message extension.
*/
const unframe = hex => {
  const message = bytes(hex, 'onion_message');

  if (message.length < 2 + lengthPathKey + 2) {
    throw new AdapterError('onion_message shorter than its fixed fields');
  }

  if (message.readUInt16BE(0) !== typeOnionMessage) {
    throw new AdapterError(`message type ${message.readUInt16BE(0)}, not onion_message`);
  }

  const len = message.readUInt16BE(2 + lengthPathKey);
  const start = 2 + lengthPathKey + 2;

  if (message.length < start + len) {
    throw new AdapterError('onion_message shorter than its len');
  }

  return {
    onion: message.subarray(start, start + len),
    path_key: message.subarray(2, 2 + lengthPathKey).toString('hex'),
  };
};

module.exports = {bytes, frame, unframe};
