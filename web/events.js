// The events feed (GET /v1/events): kept here as it arrives, polled with
// the last seq seen so no event is missed between polls; a gap (events the
// manager dropped before they were read) is said, not hidden.
import {api, h, fmtTime} from '/web/api.js';

const KEEP = 500;
const feed = {last: 0, events: [], gap: false};

/// Reads every event after the last one seen (several pages if needed).
export async function pollEvents() {
  for (let i = 0; i < 5; i += 1) {
    const p = await api('GET', `/v1/events?since=${feed.last}&limit=1000`);
    if (p.reset) feed.events = []; // the manager restarted: its numbers start again
    if (p.dropped && feed.last > 0) feed.gap = true;
    feed.events.push(...p.events);
    if (feed.events.length > KEEP) feed.events.splice(0, feed.events.length - KEEP);
    feed.last = p.last_seq;
    if (!p.more) break;
  }
  return feed;
}

const KIND = {member_lost: 'bad', alert: 'bad', store_error: 'bad', admin_refused: 'warn', reassigned: 'warn',
  member_left: 'warn', member_back: 'ok', member_joined: 'ok'};

/// The newest `n` events, newest first.
export function eventList(f, n = 40) {
  if (!f.events.length) return h('p', {class: 'muted'}, 'no events yet');
  const shown = f.events.slice(-n).reverse();
  return [f.gap ? h('p', {class: 'muted'}, 'some events were dropped before this page read them') : null,
    h('ul', {class: 'events'}, shown.map((e) => h('li', {'data-type': e.type, 'data-seq': e.seq, class: KIND[e.type] || ''},
      h('time', {}, fmtTime(e.at_ms)), h('span', {class: 'etype'}, e.type.replace(/_/g, ' ')),
      e.node ? h('a', {href: `#/nodes/${encodeURIComponent(e.node)}`}, e.text) : e.text)))];
}
