// Line charts as inline SVG (no library, nothing loaded from elsewhere): the
// overview's graphs of the manager's 1 s series and a node's status history.
// Colours come from style.css classes (.line.c0 ...), never inline styles.
import {h} from '/web/api.js';

const NS = 'http://www.w3.org/2000/svg';

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  for (const c of children.flat()) if (c !== null && c !== undefined)
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/// The smallest of 1, 2, 2.5, 5 x 10^k at or above `v` (an axis' top).
export function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

const fmtTick = (v) => (v >= 1000 ? `${+(v / 1000).toFixed(1)}k` : `${+v.toFixed(v < 10 ? 1 : 0)}`);

/// A chart of `lines` ([{name, values: [number|null], cls}]) over `times`
/// (unix ms, ascending). `unit` labels the axis; `fmt` formats the legend's
/// latest values. A null value leaves a gap. Returns a <figure>.
export function lineChart({title, unit = '', times, lines, width = 520, height = 150, fmt = fmtTick,
  spanMs = 0}) {
  const pad = {l: 40, r: 8, t: 8, b: 20};
  const w = width - pad.l - pad.r;
  const ht = height - pad.t - pad.b;
  const end = times.length ? times[times.length - 1] : Date.now();
  const start = spanMs ? end - spanMs : (times.length ? times[0] : end - 60_000);
  let max = 0;
  for (const l of lines) for (const v of l.values) if (v !== null && v > max) max = v;
  const top = niceMax(max);
  const x = (t) => pad.l + (end === start ? w : ((t - start) / (end - start)) * w);
  const y = (v) => pad.t + ht - (v / top) * ht;
  const grid = [0, 0.5, 1].map((f) => [
    svg('line', {class: 'grid', x1: pad.l, x2: pad.l + w, y1: y(top * f), y2: y(top * f)}),
    svg('text', {class: 'tick', x: pad.l - 4, y: y(top * f) + 4, 'text-anchor': 'end'}, fmtTick(top * f))]);
  const ago = (end - start) / 60_000;
  const xticks = [
    svg('text', {class: 'tick', x: pad.l, y: height - 4}, ago >= 1 ? `-${Math.round(ago)} min` : `-${Math.round(ago * 60)} s`),
    svg('text', {class: 'tick', x: pad.l + w, y: height - 4, 'text-anchor': 'end'}, 'now')];
  const paths = lines.map((l, i) => {
    let d = '';
    let open = false;
    l.values.forEach((v, k) => {
      if (v === null || v === undefined || times[k] < start) { open = false; return; }
      d += `${open ? 'L' : 'M'}${x(times[k]).toFixed(1)},${y(v).toFixed(1)}`;
      open = true;
    });
    return svg('path', {class: `line ${l.cls || `c${i}`}`, d: d || 'M0,0'});
  });
  const chart = svg('svg', {class: 'chart', viewBox: `0 0 ${width} ${height}`, width, height,
    role: 'img', 'aria-label': title}, grid, xticks, paths,
    svg('text', {class: 'unit', x: pad.l + 4, y: pad.t + 10}, unit));
  const legend = h('div', {class: 'legend'}, lines.map((l, i) => {
    const last = [...l.values].reverse().find((v) => v !== null && v !== undefined);
    return h('span', {class: `key ${l.cls || `c${i}`}`}, `${l.name} `,
             h('b', {}, last === undefined ? '—' : fmt(last)));
  }));
  return h('figure', {class: 'graph', 'data-graph': title}, h('figcaption', {}, title), legend, chart);
}
