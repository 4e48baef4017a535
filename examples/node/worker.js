#!/usr/bin/env node
'use strict';
// An example drover worker in Node.js: word counts and a no-op.
// Run by a consumer whose handlers file says
//   jsjobs: { worker: { argv: [node, examples/node/worker.js], processes: 2 } }
const path = require('path');
const worker = require(path.join(__dirname, '..', '..', 'workers', 'node', 'drover_worker'));

worker.handler('js.wordcount', async (payload) => {
  if (!payload.trim()) throw new worker.PermanentError('empty text: nothing to count');
  return String(payload.split(/\s+/).filter(Boolean).length);
});

worker.handler('js.noop', () => '');

worker.run();
