#!/usr/bin/env node
'use strict';
// An example remote worker over HTTP, in Node.js (standard library only).
//   drover run --http=127.0.0.1:8080 &
//   node examples/http_worker/worker.js --server=http://127.0.0.1:8080 --worker=js1
// Options: --server (or DROVER_URL), --token (or DROVER_TOKEN), --worker,
// --concurrency, --max-batch, --wait-ms, --lease-ms. SIGTERM finishes what
// it holds, then exits.
const path = require('path');
const dw = require(path.join(__dirname, '..', '..', 'workers', 'node', 'drover_http_worker'));

const opts = {};
for (const arg of process.argv.slice(2)) {
  const m = /^--([a-z-]+)=(.*)$/.exec(arg);
  if (!m) {
    console.error(`unknown argument ${arg}; use --name=value`);
    process.exit(2);
  }
  const key = m[1].replace(/-([a-z])/g, (_, c) => c.toUpperCase());
  opts[key] = /^\d+$/.test(m[2]) ? Number(m[2]) : m[2];
}

const handlers = {
  wc: (payload) => {
    if (!payload.trim()) throw new dw.PermanentError('empty text: nothing to count');
    return String(payload.split(/\s+/).filter(Boolean).length);
  },
  slow: async (payload, task) => { // heartbeats keep the lease; stops if cancelled
    const end = Date.now() + 1000 * Number(payload || 1);
    while (Date.now() < end) {
      if (task.cancelled) return 'cancelled';
      await new Promise((r) => setTimeout(r, 50));
    }
    return 'slept';
  },
  noop: () => '',
};

dw.run(handlers, opts).then((w) => {
  console.error(`completed ${w.completed}, stale ${w.stale}`);
}, (e) => {
  console.error(e.message);
  process.exit(1);
});
