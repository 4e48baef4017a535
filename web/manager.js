// The manager's card on the overview (GET /v1/manager): who answers, on
// which store and version, for how long, with which rules.
import {h, fmtTime, fmtDuration, fmtNum} from '/web/api.js';

const row = (k, v, attrs = {}) => h('tr', attrs, h('th', {}, k), h('td', {}, v));

export function managerCard(c) {
  const up = Math.max(0, c.uptime_ms) / 1000;
  return h('table', {class: 'kv', id: 'manager-card'}, h('tbody', {},
    row('node', h('b', {}, c.node)),
    row('version', `drover ${c.version}`, {'data-field': 'version'}),
    row('uptime', `${fmtDuration(up)} (since ${fmtTime(c.started_ms)})`, {'data-field': 'uptime'}),
    row('members at', c.listen || '—'),
    row('API at', location.host),
    row('store', c.store || '—', {'data-field': 'store'}),
    row('rules', `version ${c.rules.version} · ${c.rules.hash.slice(0, 12)} · ${c.rules.source}`,
        {'data-field': 'rules'}),
    row('rules since', fmtTime(c.rules.since_ms)),
    row('members', `${fmtNum(c.members.up)} up · ${fmtNum(c.members.lost)} lost · ${fmtNum(c.members.left)} left`),
    row('events', `${fmtNum(c.last_event)} since start`)));
}
