// The page of `jixiao serve`: lists departments, uploads workbooks, shows findings and previews.
// Everything comes from the same server; text from workbooks is only ever set as textContent.
'use strict';

const $ = (id) => document.getElementById(id);
let selected = null;
let page = 1;
let pageCount = null;
// The PDF version whose first changed page was opened: a new build opens its own once.
let openedStamp = null;
// The page of a build in progress shown early ({id, page}), until the build ends.
let early = null;
let refreshTimer = null;
let closed = false;
let events = null;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function say(text) { $('message').textContent = text; }

function when(ms) {
  if (!ms) return '';
  return new Date(ms).toLocaleString('zh-CN', { hour12: false });
}

// fetch rejects (a TypeError) only when no server answers: jixiao has ended (退出 here or in
// another tab, or stopped); every button then says so instead of failing in English.
async function reach(path, options) {
  try {
    return await fetch(path, { credentials: 'same-origin', ...options });
  } catch (e) {
    ended();
    throw new Error('jixiao 已结束');
  }
}

function ended() {
  if (closed) return;
  closed = true;
  if (events) events.close();
  document.querySelectorAll('button, input').forEach((b) => { b.disabled = true; });
  $('confirms').replaceChildren();
  say('页面已结束：jixiao 已退出（在这个或另一个页面上点了“退出”，或程序已停止）。需要时重新运行 jixiao serve。');
}

async function getJson(path) {
  const r = await reach(path);
  if (!r.ok) throw new Error((await r.json().catch(() => ({}))).error || r.statusText);
  return r.json();
}

async function post(path, body) {
  const r = await reach(path, { method: 'POST', body });
  const data = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(data.error || ('请求失败（' + r.status + '）'));
  return data;
}

function scheduleRefresh() {
  if (refreshTimer || closed) return;
  // The department looked at while it is rebuilt: no delay, its new pages are awaited.
  const row = list && list.departments.find((d) => d.id === selected);
  const wait = row && BUSY.includes(row.status) ? 0 : 150;
  refreshTimer = setTimeout(() => { refreshTimer = null; refresh(); }, wait);
}

// The server's early page of a build in progress: the first page the correction changed.
function showEarly(n) {
  early = { id: selected, page: n };
  page = n;
  openedStamp = null;
  const img = $('page');
  img.src = '/api/departments/' + selected + '/pages/' + n + '?early=' + Date.now();
  img.alt = '第 ' + n + ' 页（新版本）';
  $('preview').hidden = false;
  $('page-no').textContent = '第 ' + n + (pageCount ? ' / ' + pageCount : '') + ' 页（新版本；其余页正在生成）';
}

let list = null;

async function refresh() {
  let data;
  try { data = await getJson('/api/departments'); } catch (e) { if (!closed) say('无法读取部门列表：' + e.message); return; }
  list = data;
  render();
  showProgress(data.progress);
  showQuestions(data.pending);
  showWithdrawn(data.withdrawn);
  // 全部生成 writes a volume per year and the summary workbook; their links appear once they exist.
  showVolumes(data.volumes);
  $('summary-workbook').hidden = !data.summary_workbook;
  $('folders').textContent = '工作簿：' + data.input + '　PDF：' + data.output + '　被替换或撤下的文件：' + data.backup;
  if (selected) showDetail(data.departments.find((d) => d.id === selected));
}

const BUSY = ['checking', 'queued', 'building'];
// Sorting by status: what needs the clerk first.
const STATUS_ORDER = ['error', 'missing', 'warning', 'checking', 'queued', 'building', 'passed'];
const nameOf = (d) => d.department || d.file;

// The rows the search, the filter and the order leave, from the last list (no request).
function render() {
  if (!list) return;
  const words = $('search').value.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const filter = $('filter').value;
  const shown = list.departments.filter((d) => {
    const text = (nameOf(d) + ' ' + d.file + ' ' + (d.original || '') + ' ' + (d.year || '')).toLowerCase();
    if (!words.every((w) => text.includes(w))) return false;
    if (filter === 'busy') return BUSY.includes(d.status);
    return !filter || d.status === filter;
  });
  // 拼音 order, numbers by value (部门2 before 部门10).
  const byName = (a, b) => nameOf(a).localeCompare(nameOf(b), 'zh-CN', { numeric: true }) || (a.year || 0) - (b.year || 0);
  const sort = $('sort').value;
  shown.sort((a, b) => {
    if (sort === 'status') return STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) || byName(a, b);
    if (sort === 'time') return ((b.pdf && b.pdf.modified) || 0) - ((a.pdf && a.pdf.modified) || 0) || byName(a, b);
    return byName(a, b);
  });
  const fragment = document.createDocumentFragment();
  for (const d of shown) fragment.append(rowOf(d));
  $('departments').tBodies[0].replaceChildren(fragment);
  const all = list.departments.length;
  $('empty').hidden = all > 0;
  $('none-match').hidden = all === 0 || shown.length > 0;
  $('count').textContent = all === 0 ? '' : (shown.length === all ? '共 ' + all + ' 个' : '显示 ' + shown.length + ' / ' + all + ' 个');
}

function rowOf(d) {
  const name = nameOf(d);
  const pdf = d.pdf ? el('a', { class: 'button', href: '/api/departments/' + d.id + '/pdf?download=1', download: '', 'aria-label': '下载 ' + name + ' 的 PDF' }, 'PDF') : null;
  const view = el('button', { type: 'button', 'aria-label': '查看 ' + name, onclick: () => select(d.id, true) }, '查看');
  return el('tr', { 'data-id': d.id, 'data-status': d.status, class: d.id === selected ? 'selected' : null },
    el('td', { title: d.file + (d.original ? '（上传时名为 ' + d.original + '）' : '') }, name),
    el('td', {}, d.year || ''),
    el('td', {}, el('span', { class: 'status status-' + d.status }, d.label)),
    el('td', { class: 'num' }, d.errors),
    el('td', { class: 'num' }, d.warnings),
    el('td', {}, d.pdf ? when(d.pdf.modified) + (d.pdf.current ? '' : '（旧版）') : ''),
    el('td', {}, view, ' ', pdf));
}

function showVolumes(volumes) {
  const fragment = document.createDocumentFragment();
  for (const v of volumes) {
    fragment.append(el('a', {
      class: 'button' + (v.stale ? ' stale' : ''), href: '/api/volumes/' + v.year, download: '',
      title: v.stale ? '生成汇编后，这个年度的部门又有改动（更正、上传或撤下）。请点“全部生成”重新生成汇编。' : v.file,
    }, '下载 ' + v.year + ' 年汇编' + (v.stale ? '（已过时）' : '')));
  }
  $('volumes').replaceChildren(fragment);
}

function showWithdrawn(items) {
  $('withdrawn').hidden = items.length === 0;
  const fragment = document.createDocumentFragment();
  for (const w of items) {
    const undo = el('button', { type: 'button', class: 'quiet', 'aria-label': '撤销撤下 ' + w.label, onclick: async () => {
      try { await post('/api/withdrawn/' + w.id + '/restore'); say(w.label + '：已放回，正在检查'); } catch (e) { if (!closed) say('无法撤销：' + e.message); }
      refresh();
    } }, '撤销');
    fragment.append(el('li', {}, w.label + '（' + w.when + ' 撤下，文件在 backup/' + w.files[0] + (w.files.length > 1 ? ' 等 ' + w.files.length + ' 个' : '') + '）', undo));
  }
  $('withdrawn-list').replaceChildren(fragment);
}

async function withdraw() {
  const d = list && list.departments.find((x) => x.id === selected);
  if (!d) return;
  const name = nameOf(d) + (d.year ? ' ' + d.year + ' 年度' : '');
  if (!confirm('撤下“' + name + '”？它的工作簿' + (d.pdf ? '和 PDF ' : '') + '会移到 backup 文件夹，不再列出，也不收入汇编。可以撤销。')) return;
  try {
    await post('/api/departments/' + d.id + '/withdraw');
    say(name + '：已撤下，文件移到 backup 文件夹');
    selected = null;
    $('detail').hidden = true;
  } catch (e) { if (!closed) say('无法撤下：' + e.message); }
  refresh();
}

function showProgress(p) {
  $('progress').hidden = !p;
  if (!p) return;
  $('bar').max = Math.max(p.total, 1);
  $('bar').value = p.done;
  $('progress-text').textContent = '正在生成 ' + p.done + '/' + p.total + (p.current ? '：' + p.current : '');
}

async function select(id, focus) {
  if (id !== selected) openedStamp = null;
  selected = id;
  page = 1;
  pageCount = null;
  early = null;
  await refresh();
  if (focus) {
    $('detail-title').focus({ preventScroll: true });
    // In one column the details are below the list; beside it they stay in view (sticky).
    $('detail').scrollIntoView({ block: 'nearest' });
  }
}

async function showDetail(row) {
  if (!row) { $('detail').hidden = true; return; }
  let d;
  try { d = await getJson('/api/departments/' + row.id); } catch (e) { return; }
  if (d.id !== selected) return;
  $('detail').hidden = false;
  $('detail-title').textContent = (d.department || d.file) + (d.year ? ' ' + d.year + ' 年度' : '') + '：' + row.label;
  $('detail-meta').textContent = '文件 input/' + d.file + (d.original ? '（上传时名为 ' + d.original + '）' : '') +
    '；错误 ' + d.errors + ' 个，警告 ' + d.warnings + ' 个';
  $('report').href = '/api/departments/' + d.id + '/report';
  $('self-evaluation').href = '/api/departments/' + d.id + '/self-evaluation';
  $('self-evaluation').hidden = !d.self_evaluation_form;
  const findings = $('findings');
  if (!d.checked) {
    findings.replaceChildren(el('p', {}, '正在检查……'));
  } else if (d.groups.length === 0) {
    findings.replaceChildren(el('p', { class: 'status status-passed' }, '未发现问题'));
  } else {
    // Appended one by one (never spread into one call: that is bounded by the call stack).
    const list = document.createDocumentFragment();
    for (const g of d.groups) {
      const sheet = el('section', { class: 'sheet' }, el('h3', {}, g.sheet ? '工作表“' + g.sheet + '”' : '整个文件'));
      for (const f of g.findings) {
        sheet.append(el('div', { class: 'finding', 'data-severity': f.severity },
          el('span', { class: 'cell' }, f.cell || ''),
          el('span', { class: 'sev-' + f.severity }, f.label),
          el('span', {}, f.message, ' ', el('span', { class: 'rule' }, '[' + f.rule + ']'))));
      }
      if (g.more) {
        sheet.append(el('p', { class: 'more' }, '另有 ' + g.more + ' 处，见审核意见表（上面的“下载审核意见表”）'));
      }
      list.append(sheet);
    }
    findings.replaceChildren(list);
  }
  // What the last build here changed since the one before (null: nothing to compare with).
  const changes = $('changes');
  changes.hidden = !d.changes;
  if (d.changes) {
    const lines = document.createDocumentFragment();
    lines.append(el('h3', {}, d.changes.length === 0 ? '与上次生成相比：数据没有变化' : '与上次生成相比的改动'));
    d.changes.forEach((line, i) => {
      const at = d.change_pages[i];
      lines.append(el('div', { class: 'change' }, line, at ? ' ' : null,
        at ? el('button', { type: 'button', class: 'quiet page-link', onclick: () => { page = at; early = null; refresh(); } }, '第 ' + at + ' 页') : null));
    });
    changes.replaceChildren(lines);
  }
  const busy = BUSY.includes(row.status);
  const canPreview = row.pdf && row.pdf.current && d.errors === 0 && ['passed', 'warning'].includes(row.status);
  // While it is rebuilt, the pages shown stay until the new ones come.
  if (busy && !$('preview').hidden) {
    $('page-no').textContent = '第 ' + page + (pageCount ? ' / ' + pageCount : '') + ' 页（正在生成新版本）';
    return;
  }
  if (!canPreview) early = null;
  $('preview').hidden = !canPreview;
  if (canPreview) {
    if (d.pages) pageCount = d.pages;
    const stamp = row.pdf.modified || 0;
    // A new build opens at the first page it changed.
    if (openedStamp !== null && stamp !== openedStamp && d.first_changed) page = d.first_changed;
    openedStamp = stamp;
    early = null;
    const src = '/api/departments/' + d.id + '/pages/' + page + '?v=' + stamp;
    if ($('page').getAttribute('src') !== src) {
      $('page').src = src;
      $('page').alt = (d.department || d.file) + ' 第 ' + page + ' 页';
    }
    $('page-no').textContent = '第 ' + page + (pageCount ? ' / ' + pageCount : '') + ' 页';
    $('prev').disabled = page <= 1;
    $('next').disabled = pageCount !== null && page >= pageCount;
    $('pdf-open').href = '/api/departments/' + d.id + '/pdf';
    $('pdf-download').href = '/api/departments/' + d.id + '/pdf?download=1';
  }
}

function turn(delta) {
  page = Math.max(1, page + delta);
  refresh();
}

async function upload(files) {
  if (!files.length || closed) return;
  const form = new FormData();
  for (const f of files) form.append('files', f, f.name);
  say('正在上传 ' + files.length + ' 个文件……');
  let data;
  try { data = await post('/api/upload', form); } catch (e) { say('上传失败：' + e.message); return; }
  const lines = [];
  let show = null;
  for (const r of data.files) {
    if (r.result === 'saved') {
      lines.push(r.original + '：已保存为 input/' + r.file + (r.errors ? '，有 ' + r.errors + ' 个错误，未生成 PDF' : '，正在生成'));
      if (!show || r.errors) show = r.id;
    } else if (r.result === 'same') {
      lines.push(r.original + '：与现有工作簿 input/' + r.file + ' 相同，未作改动');
    } else if (r.result === 'confirm') {
      lines.push(r.original + '：' + r.department + ' ' + r.year + ' 年度已有工作簿，请确认是否替换');
      ask(r);
    } else {
      lines.push(r.original + '：' + r.message);
    }
  }
  say(lines.join('\n'));
  $('files').value = '';
  if (show) select(show, false); else refresh();
}

// The questions the server holds (they outlive a reload until they expire): one box each.
function showQuestions(questions) {
  const open = new Set(questions.map((q) => q.pending));
  for (const box of [...$('confirms').children]) {
    if (!open.has(box.dataset.pending)) box.remove();
  }
  for (const q of questions) ask(q);
}

function ask(r) {
  if ($('confirms').querySelector('[data-pending="' + CSS.escape(r.pending) + '"]')) return;
  const box = el('div', { class: 'confirm', role: 'group', 'aria-label': '确认替换', 'data-pending': r.pending });
  const done = async (action) => {
    try {
      const result = await post('/api/uploads/' + r.pending + '/' + action);
      box.remove();
      if (action === 'confirm') {
        say(r.original + '：已替换，原文件移到 ' + (result.backups || []).join('、') +
          (result.errors ? '；新工作簿有 ' + result.errors + ' 个错误，未生成 PDF' : '，正在生成'));
        // Already looked at: stay on its page, the new version's changed page comes by itself.
        if (selected === result.id) refresh(); else select(result.id, false);
      } else {
        say(r.original + '：未替换，原工作簿保持不变');
      }
    } catch (e) { if (!closed) say('操作失败：' + e.message); box.remove(); }
  };
  const outcome = r.errors
    ? '新工作簿有 ' + r.errors + ' 个错误，不会生成 PDF。'
    : '新工作簿没有错误' + (r.warnings ? '（有 ' + r.warnings + ' 个警告）' : '') + '，替换后立即生成 PDF。';
  const minutes = Math.max(1, Math.ceil(r.expires_in / 60));
  const yes = el('button', { type: 'button', onclick: () => done('confirm') }, '替换');
  box.append(
    el('p', {}, '“' + r.department + '” ' + r.year + ' 年度已有工作簿 ' + r.existing.map((f) => 'input/' + f).join('、') +
      '。用上传的“' + r.original + '”替换吗？' + outcome + '原文件会移到 backup 文件夹保存。'),
    el('p', { class: 'hint' }, '请在 ' + minutes + ' 分钟内回答，逾期不替换。'),
    yes,
    el('button', { type: 'button', class: 'quiet', onclick: () => done('cancel') }, '不替换'));
  $('confirms').append(box);
  yes.focus();
}

function listen() {
  events = new EventSource('/api/events');
  events.onmessage = (e) => {
    const ev = JSON.parse(e.data);
    if (ev.type === 'progress') showProgress(ev.total ? ev : null);
    if (ev.type === 'first-page' && ev.id === selected) { showEarly(ev.page); return; }
    // The batch's summary has its own line: the messages about uploaded files stay.
    if (ev.type === 'done') { showProgress(null); $('batch').textContent = ev.summary.split('\n')[0]; }
    scheduleRefresh();
  };
  // The stream breaks when the server ends; a request tells that from a passing hiccup.
  events.onerror = () => { if (!closed) getJson('/api/departments').catch(() => {}); };
}

document.addEventListener('DOMContentLoaded', () => {
  listen();
  $('files').addEventListener('change', (e) => upload([...e.target.files]));
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('over'); upload([...e.dataTransfer.files]); });
  for (const id of ['search', 'filter', 'sort']) $(id).addEventListener('input', render);
  $('withdraw').addEventListener('click', withdraw);
  $('prev').addEventListener('click', () => turn(-1));
  $('next').addEventListener('click', () => turn(1));
  $('page').addEventListener('error', () => { if (pageCount === null && page > 1) { pageCount = page - 1; turn(-1); } });
  $('build-all').addEventListener('click', async () => {
    try { const r = await post('/api/build'); $('batch').textContent = '已开始全部生成（' + r.queued + ' 个工作簿；未改动的不重新生成）'; } catch (e) { if (!closed) say('无法开始：' + e.message); }
  });
  $('quit').addEventListener('click', async () => {
    if (!confirm('退出 jixiao？正在进行的生成会先完成。')) return;
    try { await post('/api/quit'); } catch (e) { /* already gone */ }
    ended();
    say('已退出。可以关闭此页面；需要时重新运行 jixiao serve。');
  });
  refresh();
});
