// Library error messages to the suite's reason classes
// (adapters/api/src/reason.rs, snake_case).
//
// bolt04, bolt01 and bolt07 throw `new Error('CamelCaseName')`. Each name
// below is mapped by what the library checked at the line that throws it; a
// name not listed is `unspecified` (the library said no, and the name does
// not say which rule). Where bolt04 catches a lower-level error and rethrows
// its own generic name, the cause is lost, and the name is `unspecified`
// (decode_hop_data.js:35 wraps every bolt01 TLV error as
// ExpectedValidTlvStreamToDecodeHopData; decode_payload_length.js:35 wraps
// BigSize errors).

'use strict';

const exact = {
  // ChaCha20-Poly1305 tag check of encrypted_recipient_data
  // (bolt04 blinding/decrypt_hop_data.js:71)
  FailedToAuthenticateEncryptedDataToDecryptHopData: 'decryption_failed',

  // Sphinx HMAC check (bolt04 packets/decode_onion_packet.js:122)
  FailedToAuthenticateOnionPacketToDecode: 'invalid_hmac',

  // Strictly increasing types in encrypted_data_tlvs (decode_hop_data.js:40);
  // a repeated type also fails this one check, which names order
  ExpectedOrderedTlvStreamToDecodeHopData: 'tlv_out_of_order',

  // Onion packet size is not one of 1300 or 32768 payload bytes
  ExpectedStandardPayloadsSizeInOnionPacketToDecode: 'invalid_value',
  ExpectedStandardPayloadsSizeToDeriveEphemeralKey: 'invalid_value',
  UnsupportedOnionPacketVersionToDecode: 'invalid_value',
  UnsupportedOnionPacketVersionToDeriveEphemeralKey: 'invalid_value',

  // A hop payload longer than the packet (decode_onion_packet.js:151)
  UnexpectedHopPayloadLengthInOnionPacketToDecode: 'truncated',

  // Field lengths inside encrypted_data_tlvs (decrypt_blinded_path.js:100-120)
  ExpectedShortChannelIdInBlindedPathData: 'invalid_value',
  ExpectedCompressedNextNodeIdInBlindedPathData: 'invalid_value',
  ExpectedCompressedNextPathKeyOverrideInBlindedPathData: 'invalid_value',

  // Encrypted data shorter than its 16-byte tag
  ExpectedAuthenticatedEncryptedDataToDecryptBlindedPath: 'truncated',
  ExpectedAuthenticatedEncryptedDataToDecryptHopData: 'truncated',

  // Blinded path reader (blinding/decode_blinded_path.js)
  ExpectedLongerEncodedBlindedPathToDecode: 'truncated',
  ExpectedHopsInBlindedPathToDecode: 'invalid_blinded_path',
  ExpectedBlindedKeyAndDataLengthForHopInBlindedPath: 'truncated',
  ExpectedEncryptedDataForHopInBlindedPathToDecode: 'truncated',
  UnexpectedTrailingBytesInBlindedPathToDecode: 'trailing_bytes',

  // Paths with no hops, at every writer
  ExpectedArrayOfHopsToCreateBlindedPath: 'invalid_blinded_path',
  ExpectedArrayOfHopsToEncodeBlindedPath: 'invalid_blinded_path',
  ExpectedArrayOfInboundHopsToCreatePathOnion: 'invalid_blinded_path',

  // Writers
  ExpectedHopPayloadsToFitWithinMaximumOnionPacketSize: 'invalid_value',
  ExpectedNoDuplicateTypeRecordsToEncodeInTlvStream: 'tlv_duplicate',
  ExpectedShorterEncryptedDataForHopToEncodeBlindedPath: 'invalid_value',
  ExpectedFewerHopsToEncodeBlindedPath: 'invalid_blinded_path',

  // bolt01 BigSize and TLV record readers (big_size/decode_big_size.js,
  // tlv_record/decode_tlv_record.js)
  ExpectedMoreBytesToDecodeUint16BigSize: 'truncated',
  ExpectedMoreBytesToDecodeUint32BigSize: 'truncated',
  ExpectedMoreBytesToDecodeUint64BigSize: 'truncated',
  ExpectedLargerNumberToDecodeUint16BigSize: 'non_minimal_bigsize',
  ExpectedLargerNumberToDecodeUint32BigSize: 'non_minimal_bigsize',
  ExpectedLargerNumberToDecodeUint64BigSize: 'non_minimal_bigsize',
  ExpectedAdditionalValueBytesInTlvRecord: 'truncated',
  // decode_big_size.js:33 (bolt01) is also reached when a stream ends after a type
  ExpectedHexEncodedBigSizeValueToDecode: 'truncated',
};

// Names of the form Expected(Valid|Compressed)...Key/NodeId/Point...: a
// field that must be a secp256k1 point is not one (or not 33 bytes).
const pointPatterns = [
  /^ExpectedValid.*(Key|NodeId|Point)/,
  /^ExpectedValidEphemeralPublicKey/,
  /^ExpectedCompressed.*(Key|NodeId)/,
];

/** The reason class of a library error message. */
module.exports = message => {
  if (Object.prototype.hasOwnProperty.call(exact, message)) {
    return exact[message];
  }

  if (pointPatterns.some(re => re.test(message))) {
    // A private key (session key, node secret, path key secret) out of range
    // is not a point: the subject is the part of the name before "To"
    const [subject] = message.split(/To[A-Z]/);

    if (/Secret|PrivateKey|SessionKey/.test(subject)) {
      return 'invalid_value';
    }

    return 'invalid_point';
  }

  return 'unspecified';
};
