// The gateway page: plain DOM, no build step. Polls the gateway's API once a second.
'use strict';

const $ = (selector) => document.querySelector(selector);
const fmt = (n) => (n === null || n === undefined) ? '–' : Number(n).toLocaleString('en-US');
const state = { accounts: 100, demo: false, balances: new Map(), busy: new Set() };

async function api(method, path, body, headers) {
  const init = { method, headers: Object.assign({ 'Accept': 'application/json' }, headers || {}) };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  let json = null;
  try { json = await response.json(); } catch (e) { /* no body */ }
  return { status: response.status, ok: response.ok, body: json };
}

// Runs fn unless the previous run of the same poll is still in flight.
async function once(name, fn) {
  if (state.busy.has(name)) return;
  state.busy.add(name);
  try { await fn(); } catch (e) { /* the next round tries again */ } finally { state.busy.delete(name); }
}

// ---- audit

async function refreshAudit() {
  const r = await api('GET', '/api/audit');
  if (!r.ok) {
    $('#audit-consistent').textContent = 'unknown';
    $('#audit-consistent').className = 'big muted';
    $('#audit-note').textContent = 'audit unavailable: ' + (r.body && r.body.detail || r.status);
    return;
  }
  const a = r.body;
  $('#audit-total').textContent = fmt(a.total);
  $('#audit-expected').textContent = fmt(a.expectedTotal);
  $('#audit-accounts').textContent = fmt(a.accounts);
  $('#audit-negative').textContent = fmt(a.negative);
  $('#audit-negative').className = 'big ' + (a.negative === 0 ? 'ok' : 'bad');
  $('#audit-total').className = 'big ' + (a.total === a.expectedTotal ? 'ok' : 'bad');
  $('#audit-consistent').textContent = a.consistent ? 'yes' : 'NO';
  $('#audit-consistent').className = 'big ' + (a.consistent ? 'ok' : 'bad');
  $('#audit-note').textContent = 'read in global transaction ' + a.txId + ' at ' + new Date().toLocaleTimeString()
      + ' — ' + a.shards.map(s => 'shard ' + s.shard + ': ' + fmt(s.total)).join(', ');
  state.accounts = a.accounts || state.accounts;
  $('#shard-count').textContent = a.shards.length;
}

// ---- accounts

async function refreshAccounts() {
  const r = await api('GET', '/api/accounts?offset=0&limit=1000');
  if (!r.ok) return;
  const page = r.body;
  const body = $('#accounts tbody');
  for (const account of page.accounts) {
    let row = body.querySelector('tr[data-account="' + account.id + '"]');
    if (!row) {
      row = document.createElement('tr');
      row.dataset.account = account.id;
      row.innerHTML = '<td class="id"></td><td class="shard"></td><td class="balance"></td>';
      row.querySelector('.id').textContent = account.id;
      row.querySelector('.shard').textContent = 's' + account.shard;
      insertSorted(body, row, account.id);
    }
    const cell = row.querySelector('.balance');
    const before = state.balances.get(account.id);
    cell.textContent = fmt(account.balance);
    cell.dataset.value = account.balance;
    if (before !== undefined && before !== account.balance) {
      cell.classList.add('changed');
      setTimeout(() => cell.classList.remove('changed'), 1500);
    }
    state.balances.set(account.id, account.balance);
  }
  $('#accounts-note').textContent = page.unavailableShards.length
      ? 'shard ' + page.unavailableShards.join(', ') + ' did not answer: its accounts are not shown fresh'
      : page.totalAccounts + ' accounts; balances are each shard\'s latest committed values';
}

function insertSorted(body, row, id) {
  const next = Array.from(body.children).find(r => Number(r.dataset.account) > id);
  body.insertBefore(row, next || null);
}

// ---- cluster and demo processes
// Rows are keyed and updated in place, never rebuilt: a button must not be replaced under the pointer.

let processes = [];

// The row of `body` keyed `key` (created with `cells` empty cells on first use), in the given order.
function keyedRow(body, attribute, key, cells, index) {
  let row = body.querySelector('tr[data-' + attribute + '="' + key + '"]');
  if (!row) {
    row = document.createElement('tr');
    row.dataset[attribute] = key;
    for (let i = 0; i < cells; i++) row.append(document.createElement('td'));
  }
  if (body.children[index] !== row) body.insertBefore(row, body.children[index] || null);
  return row;
}

function setCell(cell, text, className) {
  const value = String(text);
  if (cell.textContent !== value) cell.textContent = value;
  if (className !== undefined && cell.className !== className) cell.className = className;
}

async function refreshProcesses() {
  const r = await api('GET', '/api/demo/processes');
  if (r.status === 404) { state.demo = false; document.body.classList.remove('demo'); return; }
  if (!r.ok) return;
  state.demo = true;
  document.body.classList.add('demo');
  processes = r.body;
  const body = $('#shards tbody');
  processes.filter(p => p.kind === 'agent' || p.kind === 'postgres')
      .sort((a, b) => a.shard - b.shard || a.kind.localeCompare(b.kind))
      .forEach((p, index) => {
        const row = keyedRow(body, 'process', p.name, 5, index);
        setCell(row.children[0], p.name);
        setCell(row.children[1], p.state, p.state === 'UP' ? 'ok' : 'bad');
        setCell(row.children[2], p.pid || '');
        setCell(row.children[3], p.url, 'muted');
        if (!row.children[4].children.length) row.children[4].append(...controlButtons(p.name));
      });
}

async function refreshCluster() {
  const r = await api('GET', '/api/cluster/nodes');
  if (!r.ok) return;
  const nodes = r.body;
  const byNode = new Map(processes.filter(p => p.kind === 'coordinator').map(p => [p.nodeId, p]));
  const views = nodes.filter(n => n.up).map(n => n.status);
  const leaders = new Set(views.map(v => v.leaderId).filter(Boolean));
  const term = Math.max(0, ...views.map(v => v.term));
  setCell($('#cluster-summary'), leaders.size === 1
      ? 'leader ' + [...leaders][0] + ', term ' + term + ', ' + views.length + ' of ' + nodes.length + ' nodes up'
      : views.length ? 'electing a leader …' : 'no node answers');
  const body = $('#nodes tbody');
  nodes.forEach((n, index) => {
    const row = keyedRow(body, 'url', n.url, 8, index);
    const known = n.up ? n.status.nodeId : (processForUrl(n.url) || {}).nodeId;
    if (known) row.dataset.node = known;
    const id = row.dataset.node || '#' + (index + 1);
    const leader = n.up && n.status.leaderId === n.status.nodeId;
    setCell(row.children[0], id);
    setCell(row.children[1], n.up ? 'UP' : 'DOWN', n.up ? 'ok' : 'bad');
    setCell(row.children[2], n.up ? (leader ? '★ leader' : 'follower') : '');
    setCell(row.children[3], n.up ? n.status.term : '');
    setCell(row.children[4], n.up ? fmt(n.status.commitIndex) : '');
    setCell(row.children[5], n.up ? fmt(n.status.appliedIndex) : '');
    if (!row.children[6].children.length) {
      const link = document.createElement('a');
      link.href = n.consoleUrl;
      link.textContent = n.consoleUrl;
      link.target = '_blank';
      row.children[6].append(link);
    }
    row.children[7].className = 'demo-only';
    const process = byNode.get(id);
    if (process && !row.children[7].children.length) row.children[7].append(...controlButtons(process.name));
  });
}

function processForUrl(url) {
  return processes.find(p => p.url === url || p.url + '/' === url || p.url === url + '/');
}

function controlButtons(name) {
  return ['kill', 'restart'].map(action => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = action;
    button.textContent = action === 'kill' ? 'Kill' : 'Restart';
    button.dataset.process = name;
    button.dataset.action = action;
    button.addEventListener('click', () => control(name, action, button));
    return button;
  });
}

async function control(name, action, button) {
  const label = button.textContent;
  button.disabled = true;
  button.textContent = action === 'kill' ? 'killing…' : 'starting…';
  let r;
  try {
    r = await api('POST', '/api/demo/processes/' + encodeURIComponent(name) + '/' + action);
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
  log((r.ok ? '' : 'FAILED: ') + action + ' ' + name + (r.ok ? '' : ' — ' + (r.body && r.body.detail)));
  await once('processes', refreshProcesses);
  await once('cluster', refreshCluster);
}

// ---- transfers

function describe(r) {
  if (r.ok) {
    const t = r.body;
    return t.state + ' (tx ' + t.txId + (t.reason ? ', ' + t.reason : '') + ')';
  }
  const p = r.body || {};
  return (p.code || r.status) + ': ' + (p.detail || '');
}

function log(text) {
  const item = document.createElement('li');
  item.textContent = new Date().toLocaleTimeString() + ' ' + text;
  const list = $('#recent');
  list.prepend(item);
  while (list.children.length > 30) list.lastChild.remove();
}

$('#transfer-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const transfer = {
    from: Number($('#transfer-from').value),
    to: Number($('#transfer-to').value),
    amount: Number($('#transfer-amount').value),
  };
  $('#transfer-result').textContent = 'moving …';
  $('#transfer-result').className = 'result muted';
  const r = await api('POST', '/api/transfers', transfer);
  const text = describe(r);
  $('#transfer-result').textContent = text;
  $('#transfer-result').className = 'result ' + (r.ok && r.body.state === 'COMMITTED' ? 'ok' : 'bad');
  log(transfer.from + ' → ' + transfer.to + ' ' + fmt(transfer.amount) + ': ' + text);
  refreshAccounts();
});

// ---- random transfers from this page

const traffic = { running: false, committed: 0, aborted: 0, insufficient: 0, errors: 0, window: [] };

function randomAccount() {
  return 1 + Math.floor(Math.random() * state.accounts);
}

async function trafficClient() {
  while (traffic.running) {
    const from = randomAccount();
    let to = randomAccount();
    while (to === from) to = randomAccount();
    const overdraw = Math.random() * 100 < Number($('#traffic-overdraw').value);
    const amount = overdraw ? 1000000000 : 1 + Math.floor(Math.random() * 500);
    let r;
    try {
      r = await api('POST', '/api/transfers', { from, to, amount });
    } catch (e) {
      r = { ok: false, status: 0, body: { detail: String(e) } };
    }
    if (r.ok && r.body.state === 'COMMITTED') {
      traffic.committed++;
      traffic.window.push(Date.now());
    } else if (r.ok) {
      traffic.aborted++;
      log(from + ' → ' + to + ' ' + fmt(amount) + ': ' + describe(r));
    } else if (r.status === 409 && r.body && r.body.code === 'INSUFFICIENT_FUNDS') {
      traffic.insufficient++;
    } else {
      traffic.errors++;
      log(from + ' → ' + to + ' ' + fmt(amount) + ': ' + describe(r));
      await new Promise(resolve => setTimeout(resolve, 300));
    }
  }
}

function renderTraffic() {
  const now = Date.now();
  traffic.window = traffic.window.filter(t => now - t < 5000);
  $('#traffic-committed').textContent = fmt(traffic.committed);
  $('#traffic-aborted').textContent = fmt(traffic.aborted);
  $('#traffic-insufficient').textContent = fmt(traffic.insufficient);
  $('#traffic-errors').textContent = fmt(traffic.errors);
  $('#traffic-rate').textContent = (traffic.window.length / 5).toFixed(1);
}

$('#traffic-toggle').addEventListener('click', () => {
  traffic.running = !traffic.running;
  $('#traffic-toggle').textContent = traffic.running ? 'Stop random transfers' : 'Start random transfers';
  if (traffic.running) {
    const clients = Math.max(1, Math.min(32, Number($('#traffic-clients').value)));
    for (let i = 0; i < clients; i++) trafficClient();
  }
});

// ---- polling

function tick() {
  once('audit', refreshAudit);
  once('accounts', refreshAccounts);
  once('processes', refreshProcesses).then(() => once('cluster', refreshCluster));
  renderTraffic();
}

tick();
setInterval(tick, 1000);
