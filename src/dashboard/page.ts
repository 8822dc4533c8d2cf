/**
 * The dashboard page: one self-contained document (its style, its script and its SVG charts are all
 * here; nothing is fetched from anywhere else, so it works offline). Its script and style carry the
 * nonce the Content-Security-Policy allows.
 */
export function dashboardPage(nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>zkdeploy dashboard</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body data-state="connecting">
<header>
  <h1>zkdeploy <span id="ensemble"></span></h1>
  <div id="health" class="pill">connecting…</div>
  <div id="operation" hidden></div>
  <div id="updated"></div>
</header>
<main>
  <section class="top">
    <figure id="picture-box"><svg id="picture" viewBox="0 0 360 300" role="img" aria-label="the ensemble"></svg>
      <figcaption id="quorum"></figcaption></figure>
    <section id="history-box"><h2>Operations</h2><ol id="history"></ol></section>
  </section>
  <section id="cards"></section>
  <section id="charts"></section>
</main>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>
`;
}

const STYLE = `
:root { --bg:#0f1419; --panel:#182028; --text:#e6e6e6; --dim:#8a96a3; --leader:#2bc4d9; --follower:#3fb950;
  --observer:#7a8cff; --down:#f85149; --warn:#d29922; font-family: system-ui, sans-serif; }
body { margin:0; background:var(--bg); color:var(--text); }
header { display:flex; gap:1rem; align-items:center; padding:.8rem 1.2rem; background:var(--panel); flex-wrap:wrap; }
h1 { font-size:1.2rem; margin:0; } h1 span { color:var(--dim); font-weight:normal; }
h2 { font-size:.95rem; margin:.2rem 0 .6rem; color:var(--dim); font-weight:600; }
.pill { padding:.25rem .7rem; border-radius:1rem; background:#30363d; font-size:.9rem; }
.pill.ok { background:#1f3d2a; color:var(--follower); } .pill.bad { background:#4a1f1f; color:var(--down); }
#operation { padding:.25rem .7rem; border-radius:.3rem; background:#3d3218; color:var(--warn); font-size:.9rem; }
#updated { margin-left:auto; color:var(--dim); font-size:.8rem; }
main { padding:1rem 1.2rem; display:grid; gap:1rem; }
.top { display:grid; grid-template-columns: minmax(300px, 420px) 1fr; gap:1rem; }
figure, #history-box, .card, .chart { background:var(--panel); border-radius:.5rem; margin:0; padding:.8rem; }
figcaption { text-align:center; color:var(--dim); font-size:.9rem; }
#history { margin:0; padding-left:1.2rem; font-size:.85rem; line-height:1.6; }
#history .failed { color:var(--down); }
#cards { display:grid; grid-template-columns:repeat(auto-fill, minmax(220px, 1fr)); gap:1rem; }
.card h3 { margin:0 0 .4rem; display:flex; justify-content:space-between; font-size:1rem; }
.mode { font-size:.8rem; padding:.1rem .5rem; border-radius:.8rem; background:#30363d; }
.mode.leader { color:var(--leader); } .mode.follower { color:var(--follower); } .mode.observer { color:var(--observer); }
.mode.down, .mode.unreachable, .mode.not-serving { color:var(--down); }
.card.down, .card.unreachable, .card.not-serving { outline:2px solid var(--down); }
dl { display:grid; grid-template-columns:auto 1fr; gap:.15rem .6rem; margin:0; font-size:.82rem; }
dt { color:var(--dim); } dd { margin:0; text-align:right; font-variant-numeric:tabular-nums; }
.absent { color:#59636e; } .low { color:var(--warn); }
.error { color:var(--down); font-size:.8rem; margin-top:.4rem; } .fix { color:var(--dim); font-size:.8rem; }
#charts { display:grid; grid-template-columns:repeat(auto-fill, minmax(340px, 1fr)); gap:1rem; }
.chart svg { width:100%; height:140px; } .legend { font-size:.75rem; color:var(--dim); }
.legend span { margin-right:.7rem; white-space:nowrap; }
`;

const SCRIPT = `
'use strict';
var token = new URLSearchParams(location.search).get('token');
var series = {};
var COLORS = ['#2bc4d9', '#3fb950', '#d29922', '#db61a2', '#7a8cff', '#f0883e', '#a5d6ff', '#56d364', '#ff7b72'];
var WINDOW = 15 * 60 * 1000;
var NS = 'http://www.w3.org/2000/svg';

function el(tag, attrs, text) {
  var node = tag.indexOf('svg:') === 0 ? document.createElementNS(NS, tag.slice(4)) : document.createElement(tag);
  for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
  if (text !== undefined) node.textContent = text;
  return node;
}
function absent(value) { return value === null || value === undefined; }
function num(value, unit) { return absent(value) ? null : String(value) + (unit || ''); }
function bytes(n) {
  if (absent(n)) return null;
  var units = ['B', 'KB', 'MB', 'GB']; var i = 0;
  while (n >= 1024 && i < units.length - 1) { n = n / 1024; i++; }
  return (i ? n.toFixed(1) : String(n)) + ' ' + units[i];
}
function uptime(s) {
  if (absent(s)) return null;
  var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
  return h ? h + 'h ' + m + 'm' : m + 'm ' + (s % 60) + 's';
}

function drawPicture(state) {
  var svg = document.getElementById('picture');
  svg.textContent = '';
  var servers = state.servers, n = servers.length, cx = 180, cy = 150, r = 100;
  var pos = servers.map(function (s, i) {
    var a = -Math.PI / 2 + (2 * Math.PI * i) / n;
    return { x: cx + r * Math.cos(a), y: cy + r * Math.sin(a), s: s };
  });
  var leader = pos.filter(function (p) { return p.s.mode === 'leader'; })[0];
  pos.forEach(function (p) {
    if (leader && p !== leader && (p.s.mode === 'follower' || p.s.mode === 'observer'))
      svg.appendChild(el('svg:line', { x1: leader.x, y1: leader.y, x2: p.x, y2: p.y, stroke: '#30363d', 'stroke-width': 2,
        'stroke-dasharray': p.s.mode === 'observer' ? '4 4' : '' }));
  });
  pos.forEach(function (p) {
    var mode = p.s.mode;
    var color = mode === 'leader' ? '#2bc4d9' : mode === 'follower' ? '#3fb950' : mode === 'observer' ? '#7a8cff' : '#f85149';
    var g = el('svg:g', { 'data-server': p.s.name, 'data-mode': mode });
    g.appendChild(el('svg:circle', { cx: p.x, cy: p.y, r: mode === 'leader' ? 26 : 20, fill: '#182028', stroke: color,
      'stroke-width': mode === 'leader' ? 4 : 3, 'stroke-dasharray': (mode === 'down' || mode === 'unreachable') ? '5 4' : '' }));
    g.appendChild(el('svg:text', { x: p.x, y: p.y + 4, 'text-anchor': 'middle', fill: color, 'font-size': 12, 'font-weight': 600 }, String(p.s.myid)));
    g.appendChild(el('svg:text', { x: p.x, y: p.y + (p.y < cy ? -32 : 42), 'text-anchor': 'middle', fill: '#e6e6e6', 'font-size': 11 },
      p.s.name + (mode === 'leader' ? ' ★' : mode === 'follower' ? '' : ' · ' + mode)));
    svg.appendChild(g);
  });
  var h = state.health;
  document.getElementById('quorum').textContent = h.margin >= 0
    ? 'quorum ' + h.quorumSize + ' of ' + h.voting + ': ' + (h.margin === 0 ? 'no server may fail now' : h.margin + ' more may fail')
    : 'quorum ' + h.quorumSize + ' of ' + h.voting + ': lost';
}

function metricRow(dl, name, value, title) {
  dl.appendChild(el('dt', {}, name));
  var dd = el('dd', title ? { title: title } : {}, value === null ? '—' : value);
  if (value === null) dd.className = 'absent';
  dl.appendChild(dd);
  return dd;
}

function drawCards(state) {
  var box = document.getElementById('cards');
  box.textContent = '';
  state.servers.forEach(function (s) {
    var card = el('article', { class: 'card ' + s.mode, 'data-server': s.name, 'data-mode': s.mode });
    var head = el('h3', {}, s.name + ' ');
    head.appendChild(el('span', { class: 'mode ' + s.mode }, s.mode));
    card.appendChild(head);
    var x = s.sample, dl = el('dl');
    var why = x ? 'not reported by ZooKeeper ' + (x.version || '') + (x.mntr ? '' : ' (no mntr)') : 'server not answering';
    metricRow(dl, 'myid', String(s.myid));
    metricRow(dl, 'zxid', x ? x.zxid : null, why);
    metricRow(dl, 'version', x ? x.version : null, why);
    metricRow(dl, 'latency min/avg/max', x && !absent(x.latency.avg) ? x.latency.min + '/' + x.latency.avg + '/' + x.latency.max + ' ms' : null, why);
    metricRow(dl, 'outstanding', x ? num(x.outstanding) : null, why);
    metricRow(dl, 'connections', x ? num(x.connections) : null, why);
    metricRow(dl, 'znodes', x ? num(x.znodes) : null, why);
    metricRow(dl, 'watches', x ? num(x.watches) : null, why);
    metricRow(dl, 'data size', x ? bytes(x.dataBytes) : null, why);
    metricRow(dl, 'requests/s', num(s.rps), x ? 'packets received a second, measured between two samples' : why);
    metricRow(dl, 'uptime', x ? uptime(x.uptimeSeconds) : null, why);
    var disk = metricRow(dl, 'free disk', s.disk ? s.disk.text : null, s.disk ? 'df of the data directories (' + s.disk.mount + ')' : 'df of the data directories');
    if (s.disk && s.disk.low) disk.className = 'low';
    card.appendChild(dl);
    if (s.error) card.appendChild(el('div', { class: 'error' }, s.error));
    if (s.fix) card.appendChild(el('div', { class: 'fix' }, 'fix: ' + s.fix));
    box.appendChild(card);
  });
}

var CHARTS = [['latency', 'latency avg (ms)'], ['outstanding', 'outstanding requests'], ['rps', 'requests per second'], ['znodes', 'znodes']];
function drawCharts(state) {
  var box = document.getElementById('charts');
  box.textContent = '';
  var now = state.at, names = state.servers.map(function (s) { return s.name; });
  CHARTS.forEach(function (chart) {
    var key = chart[0], w = 340, h = 140, pad = 28;
    var wrap = el('div', { class: 'chart', 'data-chart': key });
    wrap.appendChild(el('h2', {}, chart[1]));
    var svg = el('svg:svg', { viewBox: '0 0 ' + w + ' ' + h, preserveAspectRatio: 'none' });
    var max = 0, first = now;
    names.forEach(function (n) { (series[n] || []).forEach(function (p) {
      if (!absent(p[key]) && p[key] > max) max = p[key];
      if (p.t < first) first = p.t;
    }); });
    // The charts span what has been sampled, up to 15 minutes: a dashboard just started is not a
    // dot at the right edge.
    var span = Math.max(60 * 1000, Math.min(WINDOW, now - first));
    max = max || 1;
    svg.appendChild(el('svg:line', { x1: pad, y1: h - 16, x2: w, y2: h - 16, stroke: '#30363d' }));
    svg.appendChild(el('svg:text', { x: 2, y: 12, fill: '#8a96a3', 'font-size': 10 }, String(Math.round(max * 10) / 10)));
    svg.appendChild(el('svg:text', { x: 2, y: h - 18, fill: '#8a96a3', 'font-size': 10 }, '0'));
    svg.appendChild(el('svg:text', { x: pad, y: h - 3, fill: '#8a96a3', 'font-size': 10 },
      span >= 120000 ? '−' + Math.round(span / 60000) + ' min' : '−' + Math.round(span / 1000) + ' s'));
    svg.appendChild(el('svg:text', { x: w - 24, y: h - 3, fill: '#8a96a3', 'font-size': 10 }, 'now'));
    names.forEach(function (n, i) {
      var pts = (series[n] || []).filter(function (p) { return !absent(p[key]); }).map(function (p) {
        if (p.t < now - span) return null;
        var x = pad + ((p.t - (now - span)) / span) * (w - pad);
        var y = (h - 16) - (p[key] / max) * (h - 30);
        return x.toFixed(1) + ',' + y.toFixed(1);
      }).filter(function (p) { return p !== null; });
      if (pts.length) svg.appendChild(el('svg:polyline', { points: pts.join(' '), fill: 'none', stroke: COLORS[i % COLORS.length], 'stroke-width': 1.5 }));
    });
    wrap.appendChild(svg);
    var legend = el('div', { class: 'legend' });
    names.forEach(function (n, i) { var sp = el('span', {}, '● ' + n); sp.style.color = COLORS[i % COLORS.length]; legend.appendChild(sp); });
    wrap.appendChild(legend);
    box.appendChild(wrap);
  });
}

function drawHeader(state) {
  document.getElementById('ensemble').textContent = state.ensemble;
  var health = document.getElementById('health');
  health.textContent = state.health.summary;
  health.className = 'pill ' + (state.health.healthy ? 'ok' : 'bad');
  var op = document.getElementById('operation');
  op.hidden = !state.operation;
  if (state.operation) op.textContent = state.operation.command + ' running (pid ' + state.operation.pid + ')' +
    (state.operation.since ? ' since ' + new Date(state.operation.since).toLocaleTimeString() : '');
  document.getElementById('updated').textContent = 'updated ' + new Date(state.at).toLocaleTimeString();
  var list = document.getElementById('history');
  list.textContent = '';
  if (!state.history.length) list.appendChild(el('li', {}, 'nothing yet in the audit log'));
  state.history.forEach(function (r) {
    list.appendChild(el('li', { class: r.exitCode === 0 ? '' : 'failed' },
      new Date(r.at).toLocaleString() + ' · ' + r.command + ' by ' + r.user + ' · exit ' + r.exitCode));
  });
}

function render(state) {
  drawHeader(state); drawPicture(state); drawCards(state); drawCharts(state);
  document.body.dataset.state = 'live';
  document.body.dataset.updated = String(state.at);
}

var source = new EventSource('/events?token=' + encodeURIComponent(token));
source.addEventListener('series', function (e) { series = JSON.parse(e.data); });
source.addEventListener('state', function (e) {
  var update = JSON.parse(e.data);
  for (var name in update.points) {
    var kept = (series[name] || []).filter(function (p) { return p.t >= update.state.at - WINDOW; });
    kept.push(update.points[name]);
    series[name] = kept;
  }
  render(update.state);
});
source.onerror = function () {
  document.body.dataset.state = 'disconnected';
  var health = document.getElementById('health');
  health.textContent = 'disconnected from zkdeploy dashboard (is it still running?)';
  health.className = 'pill bad';
};
`;
