// The dashboard page: renders each snapshot the server pushes on /events. Plain DOM and SVG, no
// build step; every text from the cluster goes through textContent, never innerHTML.
const $ = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';
const HISTORY_MS = 5 * 60_000;
const MIN_WINDOW_MS = 60_000;

let lastAt = 0;

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  // Styles through the CSSOM: the page's Content-Security-Policy refuses style attributes.
  for (const [k, v] of Object.entries(attrs)) if (k === 'style') node.style.cssText = v;
  else node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

const int = (n) => Math.round(n).toLocaleString('en-US');
const rate = (n) => (n >= 100 ? int(n) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

function bytes(n) {
  const gib = n / 2 ** 30;
  return gib >= 1 ? `${gib.toFixed(1)} GiB` : `${(n / 2 ** 20).toFixed(0)} MiB`;
}

function age(ms) {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}

function cells(tr, values) {
  for (const [text, cls] of values) tr.append(el('td', cls ? { class: cls } : {}, text));
}

function renderTotals(s) {
  $('title').textContent = s.title;
  $('total-alive').textContent = int(s.totals.alive);
  $('total-agents').textContent = int(s.totals.agents);
  $('total-rate').textContent = rate(s.totals.perSecond);
  $('total-running').textContent = int(s.totals.running);
  $('total-queued').textContent = int(s.totals.queued);
  $('total-done').textContent = int(s.totals.done);
  $('total-failed').textContent = int(s.totals.failed);
  $('dead-after').textContent = age(s.deadAfterMs);
  const error = $('error');
  error.hidden = s.error === undefined || s.error === null;
  error.textContent = s.error ?? '';
}

function renderMachines(s) {
  const body = $('machines').tBodies[0];
  const rows = [];
  if (s.machines.length === 0) {
    const tr = el('tr');
    tr.append(el('td', { colspan: '14', class: 'empty' }, 'no machines yet: start one with  armada machine --nats <url>'));
    rows.push(tr);
  }
  const maxQueued = Math.max(1, ...s.machines.flatMap((m) => m.agents.map((a) => a.queued)));
  for (const m of s.machines) {
    const tr = el('tr', { class: `machine ${m.state}`, 'data-machine': m.name, 'data-state': m.state });
    const name = el('td', {}, m.name);
    const state = el('td');
    state.append(el('span', { class: `state ${m.state}` }, m.state));
    if (m.detail) state.append(el('span', { class: 'detail' }, m.detail));
    const sum = (f) => m.agents.reduce((n, a) => n + a[f], 0);
    // Counts the agents report themselves; '–' while a machine has not reported them.
    const fleetSum = (f) => (m.agents.every((a) => a.fleet) ? int(m.agents.reduce((n, a) => n + a.fleet[f], 0)) : '–');
    tr.append(name, state);
    cells(tr, [
      [int(sum('queued')), 'num'],
      [int(sum('running')), 'num'],
      [int(sum('done')), 'num'],
      [int(sum('failed')), 'num'],
      [rate(sum('perSecond')), 'num'],
      [fleetSum('running'), 'num'],
      [fleetSum('done'), 'num'],
      [fleetSum('stolenIn'), 'num'],
      [fleetSum('stolenOut'), 'num'],
      [`${bytes(m.freeMemory)} / ${bytes(m.totalMemory)}`, 'num'],
      [`${m.load.toFixed(2)} · ${m.cores} cores`, 'num'],
      [age(m.lastHeardMs), 'num'],
    ]);
    rows.push(tr);
    for (const a of m.agents) {
      const row = el('tr', { class: `agent ${m.state}`, 'data-agent': a.label });
      row.append(el('td', {}, a.label.slice(m.name.length + 1)), el('td'));
      const queued = el('td', { class: 'num' });
      queued.append(el('span', { class: 'bar', style: `width:${Math.round((40 * a.queued) / maxQueued)}px` }), document.createTextNode(int(a.queued)));
      row.append(queued);
      cells(row, [
        [int(a.running), 'num'],
        [int(a.done), 'num'],
        [int(a.failed), 'num'],
        [rate(a.perSecond), 'num'],
        [a.fleet ? int(a.fleet.running) : '–', 'num fleet-running'],
        [a.fleet ? int(a.fleet.done) : '–', 'num fleet-done'],
        [a.fleet ? int(a.fleet.stolenIn) : '–', 'num fleet-stolen-in'],
        [a.fleet ? int(a.fleet.stolenOut) : '–', 'num fleet-stolen-out'],
        ['', ''],
        ['', ''],
        ['', ''],
      ]);
      rows.push(row);
    }
  }
  body.replaceChildren(...rows);
}

function renderSteals(s) {
  const body = $('steals').tBodies[0];
  const rows = s.steals.slice(0, 12).map((st) => {
    const tr = el('tr', { 'data-steal': `${st.from}>${st.to}` });
    cells(tr, [[st.from], [st.to], [rate(st.perSecond), 'num'], [int(st.packets), 'num']]);
    return tr;
  });
  if (rows.length === 0) {
    const tr = el('tr');
    tr.append(el('td', { colspan: '4', class: 'empty' }, 'no steals yet'));
    rows.push(tr);
  }
  body.replaceChildren(...rows);
}

function renderJobs(s) {
  const box = $('jobs');
  const items = s.jobs.map((j) => {
    const div = el('div', { class: 'job', 'data-job': j.id });
    const total = j.total ?? Math.max(j.done + j.running, 1);
    div.append(el('div', {}, `${j.id}: ${int(j.done)} / ${j.total === null ? '?' : int(j.total)} done, ${int(j.running)} in flight`));
    const meter = el('div', { class: 'meter' });
    meter.append(el('div', { style: `width:${((100 * j.done) / total).toFixed(1)}%` }));
    div.append(meter);
    return div;
  });
  box.replaceChildren(...(items.length > 0 ? items : [el('p', { class: 'empty' }, 'no job running')]));
}

function niceMax(v) {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function renderChart(s) {
  const chart = $('chart');
  const width = Math.max(300, chart.clientWidth || 900);
  const height = 180;
  const pad = { left: 56, right: 12, top: 10, bottom: 24 };
  chart.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const w = width - pad.left - pad.right;
  const h = height - pad.top - pad.bottom;
  const end = s.at;
  // The window grows with the history, from one minute to five, so a short run is not a spike.
  const span = s.throughput.length > 0 ? end - s.throughput[0][0] : 0;
  const windowMs = Math.min(HISTORY_MS, Math.max(MIN_WINDOW_MS, Math.ceil(span / MIN_WINDOW_MS) * MIN_WINDOW_MS));
  const start = end - windowMs;
  const max = niceMax(Math.max(0, ...s.throughput.map((p) => p[1])));
  const x = (t) => pad.left + (w * (t - start)) / windowMs;
  const y = (v) => pad.top + h - (h * v) / max;
  const nodes = [];
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    nodes.push(svg('line', { class: 'grid', x1: pad.left, x2: pad.left + w, y1: y(v), y2: y(v) }));
    nodes.push(svg('text', { class: 'axis', x: pad.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, max >= 4 ? int(v) : v.toFixed(2)));
  }
  const step = windowMs <= MIN_WINDOW_MS ? 10_000 : 60_000;
  for (let t = 0; t <= windowMs; t += step) {
    const label = t === 0 ? 'now' : step < 60_000 ? `−${t / 1000} s` : `−${t / 60_000} min`;
    nodes.push(svg('text', { class: 'axis', x: x(end - t), y: height - 6, 'text-anchor': t === 0 ? 'end' : 'middle' }, label));
  }
  const points = s.throughput.filter((p) => p[0] >= start);
  if (points.length > 1) {
    const line = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join('');
    const first = points[0];
    const last = points[points.length - 1];
    nodes.push(svg('path', { class: 'area', d: `${line}L${x(last[0]).toFixed(1)},${y(0)}L${x(first[0]).toFixed(1)},${y(0)}Z` }));
    nodes.push(svg('path', { class: 'line', d: line }));
  }
  chart.replaceChildren(...nodes);
}

function render(s) {
  lastAt = Date.now();
  const link = $('link');
  link.dataset.link = s.error ? 'stale' : 'live';
  link.textContent = s.error ? 'master not answering' : 'live';
  renderTotals(s);
  renderChart(s);
  renderMachines(s);
  renderSteals(s);
  renderJobs(s);
  document.body.dataset.snapshotAt = String(s.at);
}

const source = new EventSource('/events');
source.onmessage = (e) => render(JSON.parse(e.data));
source.onerror = () => {
  const link = $('link');
  link.dataset.link = 'stale';
  link.textContent = 'dashboard server unreachable, retrying';
};
// The server pushes every sample; silence means the server itself is gone.
setInterval(() => {
  if (lastAt !== 0 && Date.now() - lastAt > 5_000) {
    const link = $('link');
    link.dataset.link = 'stale';
    link.textContent = `no update for ${age(Date.now() - lastAt)}`;
  }
}, 1_000);
