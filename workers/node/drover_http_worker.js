'use strict';
// drover remote worker over HTTP, for Node.js (standard library only).
//
// A worker anywhere takes tasks from the manager's REST server and reports
// results back (http/API.md, "Remote workers"). Example:
//
//   const dw = require('./drover_http_worker');
//   dw.run({resize: async (payload, task) => 'resized ' + payload},
//          {server: 'http://127.0.0.1:8080', worker: 'w1'});
//
// `server` may name several managers that share a PostgreSQL store, as an
// array or comma-separated ('http://a:8080,http://b:8080'): the worker talks
// to the leader. A standby answers 503 not_leader with the leader in the
// X-Drover-Leader header, which the worker follows; a manager that does not
// answer sends it on to the next URL, with a bounded backoff (100 ms
// doubling to 1 s). When the leader changes, the worker polls the new one
// only after every task it holds has finished and its result was sent
// there: the new leader still holds those leases for this worker (until its
// --grace) and applies the results, so nothing is lost or run twice.
//
// run() polls in batches (up to maxBatch tasks per poll, waiting up to
// waitMs for work), runs up to `concurrency` handlers at once (a handler
// may return a value or a promise), heartbeats tasks that run longer than
// the server's heartbeat_ms (task.cancelled turns true if the task was
// cancelled meanwhile), and completes in batches. SIGTERM or SIGINT (or
// worker.stop()) ends it cleanly: no new polls, the held tasks finish and
// their results are sent, then run()'s promise resolves.
//
// A handler that throws fails the attempt; drover retries it by the task's
// policy unless the error has `retryable = false` (PermanentError). A
// result the manager answers 409 for (old lease) is dropped and counted in
// `stale`.

const http = require('http');
const https = require('https');
const os = require('os');

class PermanentError extends Error {
  constructor(message) {
    super(message);
    this.name = 'PermanentError';
    this.retryable = false;
  }
}

class HttpError extends Error {
  constructor(status, body, leader = '') {
    super(`HTTP ${status}: ${JSON.stringify(body)}`);
    this.status = status;
    this.body = body;
    this.leader = leader; // X-Drover-Leader of a standby's 503
  }

  get notLeader() {
    return this.status === 503 && this.body && this.body.error === 'not_leader';
  }
}

/// Whether a failed request may succeed later or at another manager.
function retryLater(e) {
  if (e instanceof HttpError) return e.status >= 500 || e.status === 429;
  return true; // no answer, or not one we could read
}

function serverList(server) {
  const urls = (Array.isArray(server) ? server : String(server).split(','))
    .map((u) => String(u).trim().replace(/\/+$/, '')).filter((u) => u.length > 0);
  if (urls.length === 0) throw new Error('server: give at least one URL');
  for (const u of urls) {
    const parsed = new URL(u);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new Error(`server must be http://HOST:PORT or https://..., got ${u}`);
  }
  return urls;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

class Worker {
  constructor(handlers, options = {}) {
    if (!handlers || Object.keys(handlers).length === 0)
      throw new Error('handlers: give at least one {type: function}');
    this.handlers = handlers;
    this.servers = serverList(options.server || process.env.DROVER_URL || 'http://127.0.0.1:8080');
    this.at = 0;
    this.leader = this.servers[0]; // the URL taken for the leader now
    this.server = new URL(this.leader);
    this.worker = options.worker || `${os.hostname()}-${process.pid}`;
    this.token = options.token ?? process.env.DROVER_TOKEN ?? '';
    this.maxBatch = options.maxBatch || 64;
    this.waitMs = options.waitMs ?? 5000;
    this.concurrency = options.concurrency || 8;
    this.tags = options.tags || [];
    this.leaseMs = options.leaseMs || 30000;
    this.limit = Math.max(this.concurrency, this.maxBatch);
    this.capacity = options.capacity || 2 * this.limit;
    this.completeBatch = options.completeBatch || 256;
    this.completeDelayMs = options.completeDelayMs ?? 5;
    this.log = options.log || ((m) => process.stderr.write(`drover worker ${this.worker}: ${m}\n`));
    this.completed = 0; // results the manager applied
    this.stale = 0;     // results it refused (409: old lease)
    this.stopping = false;
    this.held = new Map();  // id -> task, from poll until its result is judged
    this.waiting = [];      // tasks not started yet (all threads busy)
    this.running = 0;
    this.results = [];
    this.flushing = null;
    this.agents = {'http:': new http.Agent({keepAlive: true}),
                   'https:': new https.Agent({keepAlive: true})};
    this.wake = null;       // resolves the poll loop's wait for room
  }

  /// A request to `url` failed with `e`: follow the leader a standby named,
  /// else go on to the next URL (unless another request moved on already).
  moved(url, e) {
    if (url !== this.leader) return;
    const hint = e instanceof HttpError ? (e.leader || '').replace(/\/+$/, '') : '';
    if (hint && hint !== url) {
      this.leader = hint;
    } else {
      if (this.servers.length === 1) return;
      this.at = (this.at + 1) % this.servers.length;
      this.leader = this.servers[this.at];
    }
    this.server = new URL(this.leader);
    this.log(`${url} is not the leader (${e.message}); trying ${this.leader}`);
  }

  /// Whether a held task was leased by another manager than the one taken
  /// for the leader now: polling the new leader would make it move those
  /// tasks (this worker, joining, reports no leases), so their results go
  /// there first while the leases still stand.
  fromOldLeader() {
    for (const t of this.held.values()) if (t.source !== this.leader) return true;
    return false;
  }

  /// POSTs to the leader; a failure that another manager may not have (no
  /// answer, 503 not_leader) moves on before it is thrown.
  async post(path, body, timeoutMs = 60000) {
    const url = this.leader;
    try {
      return await this.postTo(new URL(url), path, body, timeoutMs);
    } catch (e) {
      if (!(e instanceof HttpError) || e.notLeader) this.moved(url, e);
      throw e;
    }
  }

  postTo(server, path, body, timeoutMs) {
    const data = Buffer.from(JSON.stringify(body));
    const lib = server.protocol === 'https:' ? https : http;
    const headers = {'Content-Type': 'application/json', 'Content-Length': data.length};
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    return new Promise((resolve, reject) => {
      const req = lib.request({
        host: server.hostname, port: server.port, path, method: 'POST',
        headers, agent: this.agents[server.protocol], timeout: timeoutMs,
      }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          let parsed = {};
          try {
            const text = Buffer.concat(chunks).toString();
            parsed = text ? JSON.parse(text) : {};
          } catch (e) {
            return reject(e);
          }
          if (res.statusCode >= 400)
            reject(new HttpError(res.statusCode, parsed, res.headers['x-drover-leader'] || ''));
          else resolve(parsed);
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('request timed out')));
      req.on('error', reject);
      req.end(data);
    });
  }

  stop() {
    this.stopping = true;
    this.poke();
  }

  poke() {
    if (this.wake) {
      const w = this.wake;
      this.wake = null;
      w();
    }
  }

  async run() {
    const beat = setInterval(() => this.heartbeat(), 200);
    let backoff = 100;
    try {
      while (!this.stopping) {
        if (this.held.size >= this.limit || this.fromOldLeader()) {
          await new Promise((r) => { this.wake = r; });
          continue;
        }
        let got;
        const source = this.leader;
        try {
          got = await this.post('/v1/workers/poll', {
            worker: this.worker, types: Object.keys(this.handlers).sort(), tags: this.tags,
            max: Math.min(this.maxBatch, this.limit - this.held.size), wait_ms: this.waitMs,
            capacity: this.capacity, lease_ms: this.leaseMs,
          }, this.waitMs + 30000);
          backoff = 100;
        } catch (e) {
          if (!retryLater(e))
            throw e; // our request is wrong: retrying will not fix it
          this.log(`poll failed (${e.message}); again in ${backoff} ms`);
          await sleep(backoff);
          backoff = Math.min(backoff * 2, 1000);
          continue;
        }
        for (const t of got.tasks || []) {
          const task = {...t, cancelled: false, lastBeat: Date.now(), source};
          this.held.set(task.id, task);
          this.waiting.push(task);
        }
        this.startWaiting();
      }
      while (this.held.size > 0) // finish what we hold
        await new Promise((r) => { this.wake = r; });
    } finally {
      clearInterval(beat);
      for (const a of Object.values(this.agents)) a.destroy();
    }
    return this;
  }

  startWaiting() {
    while (this.running < this.concurrency && this.waiting.length > 0) {
      const t = this.waiting.shift();
      this.running++;
      this.runTask(t).finally(() => {
        this.running--;
        this.startWaiting();
      });
    }
  }

  async runTask(t) {
    let item;
    try {
      const fn = this.handlers[t.type];
      if (!fn) throw new PermanentError(`this worker has no handler for ${JSON.stringify(t.type)}`);
      let out = await fn(t.payload, t);
      if (typeof out !== 'string') out = JSON.stringify(out ?? null);
      item = {id: t.id, lease: t.lease, result: out};
    } catch (e) {
      item = {id: t.id, lease: t.lease,
              error: {type: (e && e.name) || 'Error', message: String((e && e.message) || e),
                      retryable: !(e && e.retryable === false)}};
    }
    this.results.push(item);
    if (!this.flushing) this.flushing = this.flush();
  }

  async flush() {
    if (this.completeDelayMs > 0) await sleep(this.completeDelayMs);
    while (this.results.length > 0) {
      const batch = this.results.splice(0, this.completeBatch);
      let answer;
      let backoff = 100;
      for (;;) {
        try {
          answer = await this.post('/v1/tasks/complete', {results: batch});
          break;
        } catch (e) {
          if (!retryLater(e)) {
            this.log(`results refused (${e.message}); dropped ${batch.length}`);
            answer = {results: batch.map((b) => ({id: b.id, status: e.status}))};
            break;
          }
          // Not judged: send again, to the leader as it is known now (the
          // lease check makes a copy harmless).
          this.log(`completing failed (${e.message}); again in ${backoff} ms`);
          await sleep(backoff);
          backoff = Math.min(backoff * 2, 1000);
        }
      }
      for (const r of answer.results || []) {
        if (r.status === 200) this.completed++;
        else this.stale++;
      }
      for (const b of batch) this.held.delete(b.id);
      this.poke();
    }
    this.flushing = null;
  }

  heartbeat() {
    const now = Date.now();
    for (const t of this.held.values()) {
      if (now - t.lastBeat < (t.heartbeat_ms || 10000)) continue;
      t.lastBeat = now;
      const to = this.leader;
      this.post(`/v1/tasks/${t.id}/heartbeat`, {lease: t.lease}, 30000).then(
        (b) => {
          t.lease_expires_ms = b.lease_expires_ms;
          if (b.cancel_requested) t.cancelled = true;
        },
        (e) => {
          // Not ours any more; but a new leader knows no lease of its
          // predecessor's: that is not a cancel.
          if (e instanceof HttpError && e.status === 409 && t.source === to) t.cancelled = true;
        });
    }
  }
}

/// Runs a Worker until SIGTERM/SIGINT; resolves to it (its counts).
function run(handlers, options = {}) {
  const w = new Worker(handlers, options);
  const stop = () => w.stop();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return w.run().finally(() => {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
  });
}

module.exports = {run, Worker, PermanentError, HttpError};
