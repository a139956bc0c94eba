// The live vote's pages: the voter page (phones: small, readable at arm's length, works without
// JavaScript as a plain form, live with server-sent events) and the projector page. Everything
// shown is escaped on the server and set as text in the browser; scripts and styles are files of
// this server only (CSP), so nothing a journey or a voter sends can run in a page.
import { renderSVG } from 'uqr';
import type { PollView } from './poll.ts';

/** Scripts and styles from this server only; no inline code, no frames, forms post here only. */
export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for HTML, control characters dropped. */
export function escapeHtml(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '').replace(/[&<>"']/g, (c) => escapes[c]!);
}

function head(title: string, script: string, refresh: boolean): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${escapeHtml(title)}</title><link rel="stylesheet" href="/style.css">` +
    `${refresh ? '<noscript><meta http-equiv="refresh" content="5"></noscript>' : ''}` +
    `${script ? `<script src="/${script}" defer></script>` : ''}</head>`
  );
}

/** Bars for each option with counts (shown to voters once they voted, and after the poll closed). */
function bars(view: PollView, ballot: string | undefined): string {
  const top = Math.max(1, ...view.options.map((o) => o.votes));
  const rows = view.options.map((o) => {
    const share = view.total > 0 ? Math.round((o.votes / view.total) * 100) : 0;
    const mark = o.id === view.winner ? ' winner' : o.id === ballot ? ' mine' : '';
    return (
      `<li class="bar${mark}${o.disabled ? ' off' : ''}"><span class="name">${escapeHtml(o.label)}</span>` +
      `<span class="count">${o.disabled ? 'not available' : `${o.votes} vote${o.votes === 1 ? '' : 's'} (${share}%)`}</span>` +
      `<span class="track" aria-hidden="true"><span class="fill w${Math.round((o.votes / top) * 20) * 5}"></span></span></li>`
    );
  });
  return `<ul class="bars" aria-label="Votes so far">${rows.join('')}</ul>`;
}

function winnerLine(view: PollView): string {
  const winner = view.options.find((o) => o.id === view.winner);
  if (!winner) return '';
  const by = view.decidedBy === 'presenter' ? 'The presenter chose' : view.decidedBy === 'tie-break' ? 'A tie: the presenter chose' : 'The room chose';
  return `${by} <strong>${escapeHtml(winner.label)}</strong> (${winner.votes} of ${view.total} vote${view.total === 1 ? '' : 's'}).`;
}

/** `GET /`: the voter page for the poll as it is now. */
export function voterPage(view: PollView, context: { code: string | undefined; wrongCode: boolean; ballot: string | undefined; title: string }): string {
  const waiting = view.state !== 'open' || context.ballot !== undefined;
  let body: string;
  if (context.code === undefined) {
    body =
      `<h1>${escapeHtml(context.title)}</h1>` +
      `<p role="alert">${context.wrongCode ? 'That join code is not this room\'s.' : 'To vote, you need the join link.'} Scan the QR code the presenter shows, or type the code:</p>` +
      `<form method="get" action="/"><label for="code">Join code</label><input id="code" name="code" autocomplete="off" autocapitalize="none" spellcheck="false" maxlength="12" required><button type="submit">Join</button></form>`;
  } else if (view.state === 'idle') {
    body = `<h1>${escapeHtml(context.title)}</h1><p class="wait">You are in. The vote opens when Hero reaches the next choice: keep this page open.</p>`;
  } else {
    const voted = view.options.find((o) => o.id === context.ballot);
    const buttons = view.options.map((o) =>
      o.disabled
        ? `<li><button type="button" disabled aria-describedby="why-${escapeHtml(o.id)}">${escapeHtml(o.label)}</button><span class="why" id="why-${escapeHtml(o.id)}">Not available: ${escapeHtml(o.because ?? 'not on this path')}</span></li>`
        : `<li><button type="submit" name="option" value="${escapeHtml(o.id)}"${o.id === context.ballot ? ' aria-pressed="true"' : ''}>${escapeHtml(o.label)}${o.summary ? `<small>${escapeHtml(o.summary)}</small>` : ''}</button></li>`,
    );
    body =
      `<p class="journey">${escapeHtml(context.title)}</p><h1>${escapeHtml(view.title ?? '')}</h1>` +
      (view.summary ? `<p class="summary">${escapeHtml(view.summary)}</p>` : '') +
      (view.state === 'open'
        ? `<form method="post" action="/vote?code=${escapeHtml(context.code)}"><input type="hidden" name="code" value="${escapeHtml(context.code)}"><input type="hidden" name="poll" value="${view.poll}"><ul class="options">${buttons.join('')}</ul></form>` +
          (voted ? `<p class="status" role="status">You voted for <strong>${escapeHtml(voted.label)}</strong>. You can change your vote until it closes.</p>${bars(view, context.ballot)}` : '<p class="status" role="status">Tap your choice.</p>')
        : `<p class="status" role="status">${winnerLine(view)}</p>${bars(view, context.ballot)}<p class="wait">Waiting for the next vote…</p>`);
  }
  return (
    `${head(`Vote · ${context.title}`, context.code === undefined ? '' : 'vote.js', waiting)}<body><main id="app" data-code="${escapeHtml(context.code ?? '')}"` +
    ` data-ballot="${escapeHtml(context.ballot ?? '')}" data-journey="${escapeHtml(context.title)}">${body}</main><p id="error" role="alert" class="error"></p></body></html>`
  );
}

/** `GET /screen`: the projector page: big bars, the QR code, the join address, the time left. */
export function screenPage(view: PollView, context: { url: string; title: string }): string {
  const heading = view.state === 'idle' ? escapeHtml(context.title) : escapeHtml(view.title ?? '');
  const status = view.state === 'open' ? 'Vote now' : view.state === 'closed' ? winnerLine(view) : 'The vote opens at the next choice';
  return (
    `${head(`Live vote · ${context.title}`, 'screen.js', true)}<body class="screen"><main id="app">` +
    `<section class="join"><div class="qr">${renderSVG(context.url, { border: 2 })}</div><p class="url">${escapeHtml(context.url)}</p></section>` +
    `<section class="poll"><h1 id="title">${heading}</h1><p id="status" class="status">${status}</p><p id="left" class="left" aria-live="off"></p>` +
    `<div id="bars">${view.state === 'idle' ? '' : bars(view, undefined)}</div><p id="total" class="total">${view.state === 'idle' ? '' : `${view.total} vote${view.total === 1 ? '' : 's'}`}</p></section>` +
    `</main></body></html>`
  );
}

/** A refused vote or page, for browsers without JavaScript. */
export function errorPage(message: string, code?: string): string {
  return `${head('Vote', '', false)}<body><main><h1>That did not work</h1><p role="alert">${escapeHtml(message)}</p>${code ? `<p><a href="/?code=${escapeHtml(code)}">Back to the vote</a></p>` : ''}</main></body></html>`;
}

// Shared by both pages' scripts: render a PollView into DOM nodes, with text only (never HTML).
const CLIENT_COMMON = String.raw`
function el(tag, cls, text) { var n = document.createElement(tag); if (cls) n.className = cls; if (text != null) n.textContent = text; return n; }
function plural(n) { return n + ' vote' + (n === 1 ? '' : 's'); }
function bars(view, ballot) {
  var top = 1; view.options.forEach(function (o) { if (o.votes > top) top = o.votes; });
  var list = el('ul', 'bars'); list.setAttribute('aria-label', 'Votes so far');
  view.options.forEach(function (o) {
    var share = view.total > 0 ? Math.round(o.votes / view.total * 100) : 0;
    var li = el('li', 'bar' + (o.id === view.winner ? ' winner' : o.id === ballot ? ' mine' : '') + (o.disabled ? ' off' : ''));
    li.appendChild(el('span', 'name', o.label));
    li.appendChild(el('span', 'count', o.disabled ? 'not available' : plural(o.votes) + ' (' + share + '%)'));
    var track = el('span', 'track'); track.setAttribute('aria-hidden', 'true');
    track.appendChild(el('span', 'fill w' + Math.round(o.votes / top * 20) * 5));
    li.appendChild(track); list.appendChild(li);
  });
  return list;
}
function winnerLine(view, node) {
  var w = null; view.options.forEach(function (o) { if (o.id === view.winner) w = o; });
  if (!w) return;
  node.appendChild(document.createTextNode(view.decidedBy === 'presenter' ? 'The presenter chose ' : view.decidedBy === 'tie-break' ? 'A tie: the presenter chose ' : 'The room chose '));
  node.appendChild(el('strong', '', w.label));
  node.appendChild(document.createTextNode(' (' + w.votes + ' of ' + plural(view.total) + ').'));
}
function live(onView) {
  if (!window.EventSource) return;
  var source = new EventSource('/events');
  source.onmessage = function (e) { try { onView(JSON.parse(e.data)); } catch (err) { /* a broken event is skipped */ } };
}
`;

/** `/vote.js`: votes without reloading, and follows the poll live. */
export const VOTER_SCRIPT = `'use strict';(function () {${CLIENT_COMMON}
var app = document.getElementById('app'), error = document.getElementById('error');
var code = app.dataset.code, journey = app.dataset.journey, ballot = app.dataset.ballot || null, poll = null, current = null;
function render(view) {
  if (current !== null && view.poll !== current) ballot = null;
  current = view.poll; poll = view;
  while (app.firstChild) app.removeChild(app.firstChild);
  if (view.state === 'idle') { app.appendChild(el('h1', '', journey)); app.appendChild(el('p', 'wait', 'You are in. The vote opens when Hero reaches the next choice: keep this page open.')); return; }
  app.appendChild(el('p', 'journey', journey));
  app.appendChild(el('h1', '', view.title || ''));
  if (view.summary) app.appendChild(el('p', 'summary', view.summary));
  var status = el('p', 'status'); status.setAttribute('role', 'status');
  if (view.state === 'open') {
    var form = el('form'); form.method = 'post'; form.action = '/vote?code=' + encodeURIComponent(code);
    var list = el('ul', 'options');
    view.options.forEach(function (o) {
      var li = el('li'), b = el('button', '', o.label);
      if (o.disabled) { b.type = 'button'; b.disabled = true; li.appendChild(b); li.appendChild(el('span', 'why', 'Not available: ' + (o.because || 'not on this path'))); }
      else { b.type = 'submit'; b.name = 'option'; b.value = o.id; if (o.summary) b.appendChild(el('small', '', o.summary)); if (o.id === ballot) b.setAttribute('aria-pressed', 'true'); li.appendChild(b); }
      list.appendChild(li);
    });
    form.appendChild(list);
    form.addEventListener('submit', function (e) { e.preventDefault(); if (e.submitter && e.submitter.value) vote(e.submitter.value); });
    app.appendChild(form);
    var mine = null; view.options.forEach(function (o) { if (o.id === ballot) mine = o; });
    if (mine) { status.appendChild(document.createTextNode('You voted for ')); status.appendChild(el('strong', '', mine.label)); status.appendChild(document.createTextNode('. You can change your vote until it closes.')); app.appendChild(status); app.appendChild(bars(view, ballot)); }
    else { status.textContent = 'Tap your choice.'; app.appendChild(status); }
  } else {
    winnerLine(view, status); app.appendChild(status); app.appendChild(bars(view, ballot));
    app.appendChild(el('p', 'wait', 'Waiting for the next vote…'));
  }
}
function vote(option) {
  error.textContent = '';
  fetch('/vote', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ option: option, code: code, poll: poll ? poll.poll : undefined }), credentials: 'same-origin' })
    .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
    .then(function (r) { if (!r.ok) { error.textContent = r.body.error || 'The vote was not counted.'; return; } ballot = r.body.vote; render(r.body.poll); })
    .catch(function () { error.textContent = 'The presenter\\'s computer does not answer: check your network and try again.'; });
}
var form = app.querySelector('form[method="post"]');
if (form) form.addEventListener('submit', function (e) { e.preventDefault(); if (e.submitter && e.submitter.value) vote(e.submitter.value); });
live(render);
})();`;

/** `/screen.js`: the projector page follows the poll and counts down. */
export const SCREEN_SCRIPT = `'use strict';(function () {${CLIENT_COMMON}
var title = document.getElementById('title'), status = document.getElementById('status'), left = document.getElementById('left'), barsNode = document.getElementById('bars'), total = document.getElementById('total');
var deadline = null;
function render(view) {
  deadline = view.state === 'open' && view.closesAt ? Date.now() + (Date.parse(view.closesAt) - Date.parse(view.now)) : null;
  if (view.state === 'idle') return;
  title.textContent = view.title || '';
  while (status.firstChild) status.removeChild(status.firstChild);
  if (view.state === 'open') status.textContent = 'Vote now'; else winnerLine(view, status);
  while (barsNode.firstChild) barsNode.removeChild(barsNode.firstChild);
  barsNode.appendChild(bars(view, null));
  total.textContent = plural(view.total);
  tick();
}
function tick() {
  if (deadline === null) { left.textContent = ''; return; }
  var s = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
  left.textContent = Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0') + ' left';
}
setInterval(tick, 250);
live(render);
})();`;

const widths = Array.from({ length: 21 }, (_, i) => `.w${i * 5}{width:${i * 5}%}`).join('');

/** `/style.css`: large type, high contrast, big touch targets; light and dark. */
export const STYLE = `:root{color-scheme:light dark;--fg:#111;--bg:#fff;--accent:#0b57d0;--muted:#555;--track:#e3e3e3;--win:#137333}
@media (prefers-color-scheme:dark){:root{--fg:#f1f1f1;--bg:#121212;--accent:#8ab4f8;--muted:#bbb;--track:#333;--win:#81c995}}
*{box-sizing:border-box}body{margin:0;font:1.25rem/1.4 system-ui,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:40rem;margin:0 auto;padding:1rem}h1{font-size:1.8rem;margin:.2rem 0 .6rem}.journey,.summary,.why,.wait{color:var(--muted)}
.options,.bars{list-style:none;margin:0;padding:0}.options li{margin:.6rem 0}
button{font:inherit;width:100%;min-height:3.5rem;padding:.7rem 1rem;border:2px solid var(--accent);border-radius:.6rem;background:var(--bg);color:var(--fg);text-align:left;cursor:pointer}
button small{display:block;color:var(--muted);font-size:1rem}button[aria-pressed=true]{background:var(--accent);color:var(--bg)}button[aria-pressed=true] small{color:var(--bg)}
button:disabled{border-style:dashed;opacity:.6;cursor:not-allowed}button:focus-visible{outline:4px solid var(--accent);outline-offset:2px}
form[method=get] input{font:inherit;width:100%;padding:.6rem;margin:.4rem 0;border:2px solid var(--muted);border-radius:.4rem}form[method=get] button{text-align:center}
.bar{margin:.7rem 0;display:flex;flex-wrap:wrap;justify-content:space-between;gap:0 .6rem}.bar .name{font-weight:600}.track{flex:0 0 100%;display:block;height:.9rem;background:var(--track);border-radius:.45rem;overflow:hidden;margin-top:.2rem}
.fill{display:block;height:100%;background:var(--accent)}.winner .fill{background:var(--win)}.off{opacity:.55}.error{color:#c5221f;max-width:40rem;margin:0 auto;padding:0 1rem}
.screen main{max-width:none;display:flex;gap:3rem;align-items:flex-start;padding:2rem}.screen .join{flex:0 0 30%}.screen .qr svg{width:100%;height:auto;background:#fff}
.screen .url{font-size:1.4rem;word-break:break-all}.screen .poll{flex:1}.screen h1{font-size:3.5rem}.screen .status,.screen .left,.screen .total{font-size:2.2rem;margin:.4rem 0}
.screen .bar{font-size:2.4rem}.screen .track{height:2.2rem;border-radius:1.1rem}
${widths}
`;
