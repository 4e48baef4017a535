// The overview's graphs: the manager's 1 s series (GET /v1/series), kept
// here for 15 minutes and extended each poll with the points after the
// last one seen, drawn as four inline SVG charts.
import {api, h} from '/web/api.js';
import {lineChart} from '/web/charts.js';

const KEEP = 900; // 15 minutes of 1 s points, as the manager keeps
const COLUMNS = ['at_ms', 'completed', 'failed', 'high', 'normal', 'low', 'inflight', 'p50', 'p99'];
const buf = Object.fromEntries(COLUMNS.map((c) => [c, []]));
let last = 0;

/// Fetches the points after the last one seen and returns the buffer.
export async function pollSeries() {
  const s = await api('GET', `/v1/series?since_ms=${last}`);
  const add = {at_ms: s.at_ms, completed: s.completed_per_s, failed: s.failed_per_s,
    high: s.queue_depth.high, normal: s.queue_depth.normal, low: s.queue_depth.low,
    inflight: s.inflight, p50: s.ack_p50_ms, p99: s.ack_p99_ms};
  for (const c of COLUMNS) {
    buf[c].push(...add[c]);
    if (buf[c].length > KEEP) buf[c].splice(0, buf[c].length - KEEP);
  }
  if (s.at_ms.length) last = s.at_ms[s.at_ms.length - 1];
  return buf;
}

const rate = (v) => (v >= 1000 ? `${(v / 1000).toFixed(1)}k/s` : `${+v.toFixed(1)}/s`);
const ms = (v) => `${v < 10 ? v.toFixed(2) : v.toFixed(0)} ms`;

/// Four charts of the buffer, over the last 15 minutes.
export function graphs(b) {
  const t = b.at_ms;
  // The last 15 minutes once there are; until then, what there is (at least a minute).
  const span = Math.min(15 * 60_000, Math.max(60_000, t.length ? t[t.length - 1] - t[0] : 0));
  if (!t.length) return h('p', {class: 'muted'}, 'collecting: the first point arrives within 2 s');
  return h('div', {class: 'graphs'},
    lineChart({title: 'throughput', unit: 'tasks/s', times: t, spanMs: span, fmt: rate,
      lines: [{name: 'completed', values: b.completed, cls: 'ok'}, {name: 'failed', values: b.failed, cls: 'bad'}]}),
    lineChart({title: 'queue depth', unit: 'tasks', times: t, spanMs: span,
      lines: [{name: 'high', values: b.high, cls: 'c2'}, {name: 'normal', values: b.normal, cls: 'c0'},
              {name: 'low', values: b.low, cls: 'c3'}]}),
    lineChart({title: 'in flight', unit: 'tasks', times: t, spanMs: span,
      lines: [{name: 'assigned or running', values: b.inflight, cls: 'c1'}]}),
    lineChart({title: 'ACK latency', unit: 'ms', times: t, spanMs: span, fmt: ms,
      lines: [{name: 'p50', values: b.p50, cls: 'c0'}, {name: 'p99', values: b.p99, cls: 'warn'}]}));
}
