/**
 * The page's only script, inlined. It turns the bars' absolute times (data attributes in UTC milliseconds) into
 * pixels for the chosen window, draws the axis and the now line, shows every time in the chosen zone (the
 * viewer's, UTC, or the one the page was drawn for) with its offset, and shows a bar's details on hover or focus
 * by cloning the bar's own inert template: it never builds markup from strings, so nothing it shows is parsed as HTML.
 */
export const TIMELINE_SCRIPT = `(function () {
  'use strict';
  var HOUR = 3600000, DAY = 24 * HOUR;
  var FADE_MAX_PX = 160, MIN_BAR_PX = 4, LABEL_MIN_PX = 36;
  var TICK_STEPS = [HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 91 * DAY, 365 * DAY];
  var root = document.getElementById('timeline');
  var rowsEl = document.getElementById('rows');
  var axis = document.getElementById('axis');
  var nowLine = document.getElementById('now-line');
  var windowLabel = document.getElementById('window-label');
  var toggle = document.getElementById('show-inactive');
  var details = document.getElementById('details');
  var zoneSelect = document.getElementById('zone');
  // Doubled backslashes: this script is a template literal, which would drop single ones.
  var ISO_INSTANT = /\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,3})?Z/g;
  var nowMs = Number(root.getAttribute('data-now-ms'));
  var from = Number(root.getAttribute('data-window-start-ms'));
  var to = Number(root.getAttribute('data-window-end-ms'));
  var rows = Array.prototype.map.call(document.querySelectorAll('.row'), function (row) {
    var bars = Array.prototype.map.call(row.querySelectorAll('.bar'), function (el) {
      var end = el.getAttribute('data-end-ms');
      return { el: el, startMs: Number(el.getAttribute('data-start-ms')), endMs: end === null ? null : Number(end),
        endKind: el.getAttribute('data-end-kind'), active: !el.classList.contains('inactive'),
        lane: Number(el.getAttribute('data-lane')), activeLane: Number(el.getAttribute('data-active-lane')) };
    });
    return { el: row, track: row.querySelector('.track'), bars: bars,
      lanes: Number(row.getAttribute('data-lanes')), activeLanes: Number(row.getAttribute('data-active-lanes')) };
  });

  // Aria labels carry ISO 8601 UTC from the page's markup: kept as drawn, and shown in the chosen zone.
  var drawnLabels = rows.map(function (row) {
    return row.bars.map(function (bar) { return bar.el.getAttribute('aria-label') || ''; });
  });

  function zoneName() { var value = zoneSelect ? zoneSelect.value : 'local'; return value === 'local' ? undefined : value; }
  var formatters = {};
  function wall(ms) {
    var key = zoneName() || '';
    var formatter = formatters[key] || (formatters[key] = new Intl.DateTimeFormat('en-US', { timeZone: zoneName(), hourCycle: 'h23',
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }));
    var out = {};
    formatter.formatToParts(new Date(ms)).forEach(function (part) { if (part.type !== 'literal') out[part.type] = Number(part.value); });
    return out;
  }
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function offsetMinutes(ms) {
    var whole = Math.floor(ms / 1000) * 1000, w = wall(whole);
    return Math.round((Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - whole) / 60000);
  }
  function offsetText(ms) { var m = offsetMinutes(ms), sign = m < 0 ? '-' : '+'; m = Math.abs(m); return sign + pad(Math.floor(m / 60)) + ':' + pad(m % 60); }
  function stamp(ms) { var w = wall(ms); return w.year + '-' + pad(w.month) + '-' + pad(w.day) + ' ' + pad(w.hour) + ':' + pad(w.minute); }
  function withOffset(ms) { return stamp(ms) + ' ' + offsetText(ms); }
  function isUtc() { var name = zoneName() || Intl.DateTimeFormat().resolvedOptions().timeZone; return name === 'UTC' || name === 'Etc/UTC'; }
  function zoneLabel(ms) { return isUtc() ? 'UTC' : (zoneName() || Intl.DateTimeFormat().resolvedOptions().timeZone) + ' (' + offsetText(ms) + ')'; }
  function localizeText(text) { return text.replace(ISO_INSTANT, function (iso) { return withOffset(Date.parse(iso)); }); }
  function localizeTimes(root) {
    Array.prototype.forEach.call(root.querySelectorAll('time[datetime]'), function (el) {
      var ms = Date.parse(el.getAttribute('datetime'));
      if (!isNaN(ms)) el.textContent = withOffset(ms);
    });
  }
  function relabel() {
    localizeTimes(document);
    rows.forEach(function (row, r) { row.bars.forEach(function (bar, b) { bar.el.setAttribute('aria-label', localizeText(drawnLabels[r][b])); }); });
  }

  function layout() {
    var showInactive = toggle ? toggle.checked : false;
    root.classList.toggle('show-inactive', showInactive);
    var width = rows.length ? rows[0].track.clientWidth : axis.clientWidth;
    var pxPerMs = width / (to - from);
    var x = function (ms) { return (ms - from) * pxPerMs; };
    rows.forEach(function (row) {
      var laneCount = Math.max(1, showInactive ? row.lanes : row.activeLanes);
      row.track.style.height = (laneCount * 26 + 6) + 'px';
      var nextStartPxByLane = {};
      for (var i = row.bars.length - 1; i >= 0; i--) {
        var bar = row.bars[i];
        if (!bar.active && !showInactive) continue;
        var lane = showInactive ? bar.lane : bar.activeLane;
        var x0 = x(bar.startMs);
        var nextPx = nextStartPxByLane[lane];
        nextStartPxByLane[lane] = x0;
        var x1;
        if (bar.endKind === 'open') x1 = width + 8;
        else if (bar.endKind === 'unknown') x1 = Math.min(x0 + FADE_MAX_PX, nextPx === undefined ? Infinity : nextPx - 2);
        else x1 = x(bar.endMs);
        var left = Math.max(x0, -4);
        var right = Math.min(Math.max(x1, left + MIN_BAR_PX), width + 8);
        var outside = x1 < 0 || x0 > width;
        bar.el.style.display = outside ? 'none' : '';
        if (outside) continue;
        bar.el.style.left = left + 'px';
        bar.el.style.width = (right - left) + 'px';
        bar.el.style.top = (lane * 26) + 'px';
        bar.el.classList.toggle('narrow', right - left < LABEL_MIN_PX);
      }
    });
    drawAxis(width, x);
    var nowPx = x(nowMs);
    var nowVisible = nowPx >= 0 && nowPx <= width;
    nowLine.hidden = !nowVisible;
    if (nowVisible) {
      nowLine.style.left = (rows.length ? rows[0].track.offsetLeft : axis.offsetLeft) + nowPx + 'px';
      nowLine.style.height = rowsEl.scrollHeight + 'px';
    }
    windowLabel.textContent = stamp(from) + ' to ' + stamp(to) + ' ' + zoneLabel(from) +
      (nowVisible ? '' : nowMs < from ? '  (now is earlier: ' + stamp(nowMs) + ')' : '  (now is later: ' + stamp(nowMs) + ')');
    document.documentElement.setAttribute('data-timeline-ready', 'true');
  }

  function drawAxis(width, x) {
    var span = to - from;
    var step = TICK_STEPS[TICK_STEPS.length - 1];
    for (var i = 0; i < TICK_STEPS.length; i++) { if (span / TICK_STEPS[i] <= Math.max(2, width / 110)) { step = TICK_STEPS[i]; break; } }
    var ticks = document.createDocumentFragment();
    // Ticks fall on whole hours and midnights of the chosen zone, not of UTC.
    var offsetMs = offsetMinutes(from) * 60000;
    for (var t = Math.ceil((from + offsetMs) / step) * step - offsetMs; t <= to; t += step) {
      var tick = document.createElement('div');
      tick.className = 'tick';
      tick.style.left = x(t) + 'px';
      tick.textContent = step >= DAY ? stamp(t).slice(0, 10) : stamp(t).slice(5);
      ticks.appendChild(tick);
    }
    axis.replaceChildren(ticks);
  }

  function setWindow(startMs, endMs) { from = startMs; to = endMs; layout(); }
  function zoom(spanMs) { var centre = (from + to) / 2; setWindow(centre - spanMs / 2, centre + spanMs / 2); }
  function fit() {
    var lo = Infinity, hi = -Infinity, showInactive = toggle ? toggle.checked : false;
    rows.forEach(function (row) { row.bars.forEach(function (bar) {
      if (!bar.active && !showInactive) return;
      lo = Math.min(lo, bar.startMs); hi = Math.max(hi, bar.endMs === null ? bar.startMs : bar.endMs);
    }); });
    if (lo === Infinity) return;
    var pad = Math.max(HOUR, (hi - lo) * 0.05);
    setWindow(lo - pad, hi + pad);
  }

  document.querySelector('.controls').addEventListener('click', function (event) {
    var button = event.target.closest('button');
    if (!button) return;
    var action = button.getAttribute('data-action');
    if (action === 'zoom') zoom(Number(button.getAttribute('data-span-ms')));
    else if (action === 'earlier') setWindow(from - (to - from) / 2, to - (to - from) / 2);
    else if (action === 'later') setWindow(from + (to - from) / 2, to + (to - from) / 2);
    else if (action === 'now') setWindow(nowMs - (to - from) / 8, nowMs + (to - from) * 7 / 8);
    else if (action === 'fit') fit();
  });
  if (toggle) toggle.addEventListener('change', layout);
  if (zoneSelect) zoneSelect.addEventListener('change', function () { relabel(); layout(); });
  window.addEventListener('resize', layout);

  function show(bar) {
    var template = bar.querySelector('template');
    if (!template) return;
    var content = template.content.cloneNode(true);
    localizeTimes(content);
    details.replaceChildren(content);
    details.hidden = false;
    var box = bar.getBoundingClientRect();
    var panel = details.getBoundingClientRect();
    var left = Math.min(Math.max(4, box.left), window.innerWidth - panel.width - 4);
    var top = box.bottom + 6 + panel.height < window.innerHeight ? box.bottom + 6 : Math.max(4, box.top - panel.height - 6);
    details.style.left = left + 'px';
    details.style.top = top + 'px';
  }
  function hide() { details.hidden = true; }
  rowsEl.addEventListener('mouseover', function (event) { var bar = event.target.closest('.bar'); if (bar) show(bar); });
  rowsEl.addEventListener('mouseleave', hide);
  rowsEl.addEventListener('focusin', function (event) { var bar = event.target.closest('.bar'); if (bar) show(bar); });
  rowsEl.addEventListener('focusout', hide);
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') hide();
    var bar = event.target.closest && event.target.closest('.bar');
    if (bar && (event.key === 'Enter' || event.key === ' ')) { event.preventDefault(); show(bar); }
  });
  rowsEl.addEventListener('scroll', hide);

  relabel();
  layout();
  // A page left open keeps its now line honest; the records themselves are as of the time it was drawn.
  var drawnAt = Date.now();
  var drawnNowMs = nowMs;
  setInterval(function () { nowMs = drawnNowMs + (Date.now() - drawnAt); layout(); }, 60000);
})();
`;
