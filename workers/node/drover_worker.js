'use strict';
// drover worker library for Node.js (no dependencies).
//
// Serve task types to a drover consumer over its worker protocol: one JSON
// object per line on stdin/stdout (docs/worker-protocol.md). Example:
//
//   const worker = require('./drover_worker');
//   worker.handler('resize', async (payload, task) => {
//     task.log('resizing ' + payload);
//     return 'done';            // a string (anything else is sent as its JSON text)
//   });
//   worker.run();
//
// A handler that throws (or rejects) fails the attempt ("TypeError: ...");
// drover retries it by the task's policy unless the error has
// `retryable = false` (see PermanentError). console.log goes to stderr, the
// worker's log: stdout belongs to the protocol. Tasks run one at a time;
// drover sends the next only after the result, and stops a cancelled or
// timed-out task by killing the process after the handler's kill_grace.

const readline = require('readline');

const handlers = new Map();
const out = process.stdout;

class PermanentError extends Error {
  constructor(message) {
    super(message);
    this.name = 'PermanentError';
    this.retryable = false;
  }
}

function send(msg) {
  out.write(JSON.stringify(msg) + '\n');
}

class Task {
  constructor(msg) {
    this.id = msg.id;
    this.attempt = msg.attempt || 1;
    this.lease = msg.lease || 0; // this execution's lease: never run twice
    this.type = msg.type;
    this.deadlineMs = msg.deadline_ms || 0; // unix ms; 0: none
  }
  log(msg, level = 'info') {
    send({ t: 'log', id: this.id, level, msg: String(msg) });
  }
  progress(done, total) {
    send({ t: 'progress', id: this.id, done, total });
  }
}

/** `fn(payload, task)` serves tasks of `type`; it may return a promise. */
function handler(type, fn) {
  handlers.set(type, fn);
}

async function runTask(msg) {
  const task = new Task(msg);
  const fn = handlers.get(task.type);
  if (!fn) {
    return { t: 'result', id: task.id, ok: false,
             error: { type: 'UnknownType', message: 'this worker has no handler for ' + task.type,
                      retryable: false } };
  }
  try {
    let value = await fn(msg.payload === undefined ? '' : msg.payload, task);
    if (value === undefined || value === null) value = '';
    if (typeof value !== 'string') value = JSON.stringify(value);
    return { t: 'result', id: task.id, ok: true, result: value };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    console.error(err.stack || String(err));
    return { t: 'result', id: task.id, ok: false,
             error: { type: err.name || 'Error', message: err.message,
                      retryable: err.retryable !== false } };
  }
}

/** Says ready with the registered types, then serves tasks until stdin
 *  closes or drover sends shutdown. */
function run() {
  if (handlers.size === 0) throw new Error('drover_worker.run(): no handlers registered');
  console.log = console.error; // a handler's output must not break the protocol
  console.info = console.error;
  send({ t: 'ready', types: [...handlers.keys()].sort() });
  const lines = readline.createInterface({ input: process.stdin, terminal: false });
  let chain = Promise.resolve(); // one task at a time, in order
  lines.on('line', (line) => {
    const msg = JSON.parse(line);
    if (msg.t === 'task') {
      chain = chain.then(() => runTask(msg)).then(send);
    } else if (msg.t === 'shutdown') {
      chain.then(() => process.exit(0));
    } // "cancel" names a task that already ended here (tasks run one at a time)
  });
  lines.on('close', () => chain.then(() => process.exit(0)));
}

module.exports = { handler, run, PermanentError, Task };
