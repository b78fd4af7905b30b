// Op features.check (shapes: adapters/api/src/features.rs), through bolt09.
//
// bolt09 3.0.0 reads a feature vector into its set bits, each with
// is_required (even) and, for the bits of its table (feature_flags.json), a
// type name. It has no rule beyond that: no dependency checks (BOLT 9's
// "Dependencies" column), no rejection of unknown even (required) bits, and
// no notion of the context (init or node_announcement). Its only error is an
// absent argument (feature_flags_from_hex.js:15). So every vector is
// accepted, as the library accepts it.

'use strict';

const {bolt09} = require('./library');
const {call} = require('./library');
const {bytes} = require('./wire');

// bolt09's table name for option_onion_messages (feature_flags.json, 38/39)
const typeOnionMessages = 'onion_messaging';

const stateOf = features => {
  if (!features.length) {
    return 'absent';
  }

  return features.some(n => n.is_required) ? 'compulsory' : 'optional';
};

/** features.check.

  featureFlagsFromHex takes the feature vector with its u16 length prefix,
  as in init and node_announcement (feature_flags_from_hex.js:16 drops the
  first two bytes unread); the vector gives the bytes alone, so the adapter
  writes the prefix.
*/
const check = (input, profile) => {
  const vector = bytes(input.hex, 'hex');
  const prefix = Buffer.alloc(2);

  prefix.writeUInt16BE(vector.length);

  const {features} = call('featureFlagsFromHex', bolt09.featureFlagsFromHex, {
    hex: Buffer.concat([prefix, vector]).toString('hex'),
  });

  // The draft's bit has no name in bolt09's table: found by the profile's number
  const hold = profile.numbers.feature_htlc_hold;
  const isHold = n => n.bit === hold || n.bit === hold + 1;

  return {
    onion_messages: stateOf(features.filter(n => n.type === typeOnionMessages)),
    htlc_hold: stateOf(features.filter(isHold)),
    bits: features.map(n => n.bit),
  };
};

module.exports = {check};
