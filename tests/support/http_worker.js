#!/usr/bin/env node
'use strict';
// A remote HTTP worker in Node.js for the cross-process tests
// (workers/node/drover_http_worker.js), the counterpart of http_worker.py's
// ok mode: each task appends "ID LEASE" to --record, waits --sleep-ms and
// answers the worker's name. Prints "completed N stale M" on stdout when it
// stops (SIGTERM finishes what it holds).
const fs = require('fs');
const path = require('path');
const dw = require(path.join(__dirname, '..', '..', 'workers', 'node', 'drover_http_worker'));

const a = {types: 't', concurrency: '4', 'max-batch': '64', 'wait-ms': '2000', 'sleep-ms': '0'};
for (const arg of process.argv.slice(2)) {
  const m = /^--([a-z-]+)=(.*)$/.exec(arg);
  if (!m) {
    console.error(`unknown argument ${arg}`);
    process.exit(2);
  }
  a[m[1]] = m[2];
}
const fd = fs.openSync(a.record, 'a');
const handler = async (payload, task) => {
  fs.writeSync(fd, `${task.id} ${task.lease}\n`);
  await new Promise((r) => setTimeout(r, Number(a['sleep-ms'])));
  return a.worker;
};
const handlers = {};
for (const t of a.types.split(',')) handlers[t] = handler;
dw.run(handlers, {server: a.server, worker: a.worker, concurrency: Number(a.concurrency),
                  maxBatch: Number(a['max-batch']), waitMs: Number(a['wait-ms'])})
  .then((w) => console.log(`completed ${w.completed} stale ${w.stale}`),
        (e) => { console.error(e.message); process.exit(1); });
