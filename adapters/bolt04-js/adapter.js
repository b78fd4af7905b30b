#!/usr/bin/env node
// asyncpay process-protocol adapter (adapters/exec/PROTOCOL.md) for the npm
// packages bolt04, bolt01 and bolt09.
//
// One JSON line out (the handshake), then for every request line one
// response line. Logs go to standard error only.

'use strict';

const readline = require('node:readline');

const blindedPath = require('./blinded_path');
const features = require('./features');
const {AdapterError} = require('./library');
const {LibraryError} = require('./library');
const {Unsupported} = require('./library');
const onionMessage = require('./onion_message');
const reasonOf = require('./reasons');
const {versions} = require('./library');

const ops = {
  'blinded_path.build': input => blindedPath.build(input),
  'blinded_path.unblind': input => blindedPath.unblind(input),
  'features.check': (input, profile) => features.check(input, profile),
  'onion_message.build': (input, profile) => onionMessage.build(input, profile),
  'onion_message.peel': (input, profile) => onionMessage.peel(input, profile),
};

// View fields the libraries return nothing for (see each op's module)
const unobservable = {
  'blinded_path.build': ['first_node_id'],
  'blinded_path.unblind': ['blinded_node_id'],
  'onion_message.build': ['first_node_id'],
  'onion_message.peel': ['receive.release_context', 'forward.counterparty_reply_path'],
};

const handshake = {
  asyncpay_protocol: 1,
  implementation: {
    name: 'bolt04-js',
    version: `bolt04 ${versions.bolt04}, bolt01 ${versions.bolt01}, bolt09 ${versions.bolt09}`,
  },
  ops: Object.keys(ops),
  native_profiles: [],
  unobservable,
};

const write = message => process.stdout.write(`${JSON.stringify(message)}\n`);

/** The response to one parsed request. */
const answer = request => {
  const {id} = request;

  try {
    const op = ops[request.op];

    if (!op) {
      return {id, outcome: 'unsupported', reason: `op ${request.op} is not driven by this adapter`};
    }

    if (!request.input || typeof request.input !== 'object') {
      throw new AdapterError('request without an input object');
    }

    if (!request.profile || !request.profile.numbers) {
      throw new AdapterError('request without a profile with numbers');
    }

    return {id, outcome: 'accepted', view: op(request.input, request.profile)};
  } catch (err) {
    if (err instanceof Unsupported) {
      return {id, outcome: 'unsupported', reason: err.message};
    }

    if (err instanceof LibraryError) {
      return {id, outcome: 'rejected', reason: reasonOf(err.libraryMessage), detail: err.message};
    }

    return {
      id,
      outcome: 'rejected',
      reason: 'internal',
      detail: `adapter error: ${err && err.stack ? err.stack : String(err)}`,
    };
  }
};

const main = () => {
  write(handshake);

  const lines = readline.createInterface({input: process.stdin, crlfDelay: Infinity});

  lines.on('line', line => {
    if (!line.trim()) {
      return;
    }

    let request;

    try {
      request = JSON.parse(line);
    } catch (err) {
      // No id to answer: say so on standard error and go on
      process.stderr.write(`bolt04-js adapter: request is not JSON: ${err.message}\n`);
      return;
    }

    if (!request || !Number.isInteger(request.id)) {
      process.stderr.write('bolt04-js adapter: request without an integer id\n');
      return;
    }

    write(answer(request));
  });

  lines.on('close', () => process.exitCode = 0);
};

main();
