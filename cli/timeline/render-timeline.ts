import { createHash } from 'node:crypto';
import { describeFailedTrigger, type FailedTrigger } from '../../shared/src/ledger/failed-trigger';
import type { LedgerRecord } from '../../shared/src/ledger/ledger-record';
import { safeText } from './html-escape';
import { type BarEnd, layoutTimeline, playCount, repeatLabel, repeatMark, type TimelineBar, type TimelineRow } from './timeline-geometry';
import { TIMELINE_SCRIPT } from './timeline-script';
import { TIMELINE_CSS } from './timeline-style';

/** What the page shows besides the records. */
export interface TimelineOptions {
  /** The moment the "now" line marks, and the default window is chosen around. */
  readonly now: Date;
  /** Show groups that are gone (cancelled, retired, replaced, missing) from the start (the page can toggle them). */
  readonly showInactive?: boolean;
  /** When a ledger write failed (ISO 8601 UTC): groups scheduled since then may be missing from the page. */
  readonly incompleteSince?: string | undefined;
  /**
   * A time zone to offer and show first (an IANA name, e.g. the studios' `Asia/Shanghai`: --tz or TIMELINE_TZ).
   * The page also offers the viewer's own zone (the default without this) and UTC. The caller checks the name.
   */
  readonly zone?: string | undefined;
  /** Timer ticks and events that failed and have not succeeded since (the ledger's failure entries), listed above the rows. */
  readonly failures?: readonly FailedTrigger[] | undefined;
}

const HOUR_MS = 3_600_000;
const ZOOMS: readonly (readonly [string, number])[] = [
  ['6 h', 6 * HOUR_MS],
  ['1 day', 24 * HOUR_MS],
  ['3 days', 72 * HOUR_MS],
  ['1 week', 168 * HOUR_MS],
];

/**
 * Ledger records as one self-contained HTML page: one row per studio, a bar per episode group, a now line,
 * details on hover or focus. Every record value is redacted and HTML-escaped; the page's Content-Security-Policy
 * allows only its own inline style and script (by hash), so nothing is loaded and no injected script could run.
 */
export function renderTimeline(records: readonly LedgerRecord[], options: TimelineOptions): string {
  const nowMs = options.now.getTime();
  const geometry = layoutTimeline(records, nowMs);
  const inactiveCount = geometry.rows.reduce((sum, row) => sum + row.bars.filter((bar) => !bar.active).length, 0);
  const activeCount = geometry.rows.reduce((sum, row) => sum + row.bars.length, 0) - inactiveCount;
  const policy = [
    "default-src 'none'",
    `style-src '${sha256(TIMELINE_CSS)}'`,
    `script-src '${sha256(TIMELINE_SCRIPT)}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const zoomButtons = ZOOMS.map(
    ([label, spanMs]) => `<button type="button" data-action="zoom" data-span-ms="${spanMs}">${label}</button>`,
  ).join('');
  const body =
    geometry.rows.length === 0 ? '<p class="empty">No episode groups in the ledger yet.</p>' : geometry.rows.map(renderRow).join('\n');
  const undrawn =
    geometry.undrawn.length === 0
      ? ''
      : `<p class="undrawn">Not drawn: ${geometry.undrawn.map((entry) => `${safeText(entry.programId)} (${safeText(entry.reason)})`).join(', ')}</p>`;
  const incomplete =
    options.incompleteSince === undefined
      ? ''
      : `<p class="incomplete" role="alert">The ledger may be incomplete: a write failed at ${timeElement(options.incompleteSince)}; groups scheduled since then may be missing.</p>`;
  const zone = options.zone;
  const zoneOptions = [
    `<option value="local"${zone ? '' : ' selected'}>this browser’s zone</option>`,
    ...(zone && zone !== 'UTC' ? [`<option value="${safeText(zone)}" selected>${safeText(zone)}</option>`] : []),
    `<option value="UTC"${zone === 'UTC' ? ' selected' : ''}>UTC</option>`,
  ].join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<title>caster-carousel: scheduled episode groups</title>
<style>${TIMELINE_CSS}</style>
</head>
<body>
<header>
<h1>Scheduled episode groups</h1>
<p class="summary">${activeCount} live group${activeCount === 1 ? '' : 's'} in ${geometry.rows.length} studio${geometry.rows.length === 1 ? '' : 's'}, ${inactiveCount} gone (cancelled, retired, replaced or missing); each group airs until the next group of its slot starts; drawn at ${timeElement(`${options.now.toISOString().slice(0, 19)}Z`)}, the now line moves on from there. Ends are drawn only where they are known: the API exposes no durations.</p>
<div class="controls" role="toolbar" aria-label="Time window">${zoomButtons}<button type="button" data-action="fit">all</button><button type="button" data-action="earlier">&larr; earlier</button><button type="button" data-action="now">now</button><button type="button" data-action="later">later &rarr;</button><label><input type="checkbox" id="show-inactive"${options.showInactive ? ' checked' : ''}> show cancelled, retired and replaced (${inactiveCount})</label><label>times in <select id="zone" aria-label="time zone">${zoneOptions}</select></label></div>
<p class="window-label" id="window-label" aria-live="polite"></p>
<div class="legend" aria-hidden="true"><span class="l-scheduled">scheduled</span><span class="l-open">↻ loops: open-ended</span><span class="l-unknown">finite: end unknown</span><span class="l-overlap">airs with another slot</span><span class="l-cancelled">cancelled</span><span class="l-retired">retired</span><span class="l-now">now</span></div>
${incomplete}${undrawn}${renderFailures(options.failures ?? [])}
</header>
<main id="timeline" data-zone="${safeText(zone ?? '')}" data-now-ms="${nowMs}" data-window-start-ms="${geometry.windowStartMs}" data-window-end-ms="${geometry.windowEndMs}">
<div class="rows" id="rows">
<div class="axis" aria-hidden="true"><div class="axis-label">studio</div><div class="axis-track" id="axis"></div></div>
<div class="now-line" id="now-line" hidden></div>
${body}
</div>
</main>
<aside class="details" id="details" role="tooltip" hidden></aside>
<script>${TIMELINE_SCRIPT}</script>
</body>
</html>
`;
}

// A long list must not push the studios off the page: the first few, then where the rest are.
const MAX_FAILURES_SHOWN = 20;

/**
 * The failed triggers, most recent failure first: what failed, why (the field errors, or the API's Code and
 * RequestId), how often, and the KEY `caster-carousel replay` takes. Nothing of the input is shown (it holds URLs).
 */
function renderFailures(failures: readonly FailedTrigger[]): string {
  if (failures.length === 0) return '';
  const rows = failures.slice(0, MAX_FAILURES_SHOWN).map((failure) => {
    const reason =
      failure.FieldErrors && Object.keys(failure.FieldErrors).length > 0
        ? Object.entries(failure.FieldErrors)
            .flatMap(([field, messages]) => messages.map((message) => `${field}: ${message}`))
            .join('; ')
        : failure.Message;
    const error = failure.Code && failure.Code !== failure.Error ? `${failure.Error} ${failure.Code}` : failure.Error;
    const cells = [
      describeFailedTriggerHtml(failure),
      safeText(failure.CasterId ?? '-'),
      safeText(error),
      `${safeText(reason)}${failure.RequestId ? ` <span class="request-id">(RequestId ${safeText(failure.RequestId)})</span>` : ''}`,
      safeText(failure.Attempts),
      timeElement(failure.LastFailedAt),
      `<code>${safeText(failure.Key)}</code>`,
    ];
    return `<tr data-key="${safeText(failure.Key)}" data-error="${safeText(failure.Error)}">${cells.map((cell) => `<td>${cell}</td>`).join('')}</tr>`;
  });
  const more =
    failures.length > MAX_FAILURES_SHOWN
      ? `<p class="failures-more">and ${failures.length - MAX_FAILURES_SHOWN} more: caster-carousel ls --failed lists them all.</p>`
      : '';
  const count = `${failures.length} failed trigger${failures.length === 1 ? '' : 's'}`;
  return `<section class="failures" id="failures" aria-label="failed triggers"><details open><summary><strong>${count}</strong>: timer ticks or events that could not be scheduled and have not succeeded since. <code>caster-carousel ls --failed</code> lists them; <code>caster-carousel replay KEY</code> sends one again with its own ClientToken.</summary><table><thead><tr><th>trigger</th><th>studio</th><th>error</th><th>reason</th><th>attempts</th><th>last failed</th><th>KEY</th></tr></thead><tbody>${rows.join('')}</tbody></table>${more}</details></section>`;
}

function describeFailedTriggerHtml(failure: FailedTrigger): string {
  const trigger = failure.Trigger;
  if (trigger.kind === 'timer') return `timer ${safeText(trigger.triggerName)} at ${timeElement(trigger.triggerTime)}`;
  return safeText(describeFailedTrigger(trigger));
}

function renderRow(row: TimelineRow): string {
  const studio = safeText(row.studio);
  return `<section class="row" data-lanes="${row.lanes}" data-active-lanes="${row.activeLanes}" aria-label="studio ${studio}"><h2 class="row-label" title="${studio}">${studio}<span class="row-count">${row.bars.length} group${row.bars.length === 1 ? '' : 's'}</span></h2><div class="track">${row.bars.map(renderBar).join('')}</div></section>`;
}

function renderBar(bar: TimelineBar): string {
  const record = bar.record;
  const classes = [
    'bar',
    `state-${safeText(record.State)}`,
    `end-${endClass(bar.end)}`,
    bar.active ? '' : 'inactive',
    bar.overlaps.length > 0 ? 'overlap' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const endMs = bar.end.kind === 'replaced' || bar.end.kind === 'deleted' ? ` data-end-ms="${bar.end.endMs}"` : '';
  const loops = record.RepeatNum < 0;
  const mark = repeatMark(record.RepeatNum);
  const firstName = record.Items[0]?.ItemName ?? '(no items)';
  const more = record.Items.length > 1 ? ` +${record.Items.length - 1}` : '';
  const summary = `${record.ProgramId}, ${record.State}, starts ${record.StartTime}, ${repeatLabel(record.RepeatNum)}`;
  return (
    `<div class="${classes}" tabindex="0" role="button" aria-label="${safeText(summary)}" data-program-id="${safeText(record.ProgramId ?? '')}" data-state="${safeText(record.State)}"` +
    ` data-start-ms="${bar.startMs}"${endMs} data-end-kind="${endClass(bar.end)}" data-lane="${bar.lane}" data-active-lane="${bar.activeLane ?? -1}">` +
    `<span class="bar-text"><span class="bar-mark" data-mark="${loops ? 'loop' : 'plays'}" title="${repeatLabel(record.RepeatNum)}">${mark}</span>${safeText(firstName)}${more}</span>` +
    `<template>${renderDetails(bar)}</template></div>`
  );
}

// The page draws three kinds of end; a deletion time is a known end like a successor's start.
function endClass(end: BarEnd): 'ended' | 'open' | 'unknown' {
  return end.kind === 'open' || end.kind === 'unknown' ? end.kind : 'ended';
}

function renderDetails(bar: TimelineBar): string {
  const record = bar.record;
  const plays = playCount(record.RepeatNum);
  const rows: [string, string][] = [
    ['ProgramId', safeText(record.ProgramId ?? '')],
    ['studio', safeText(record.CasterId || record.DomainName)],
    ['slot', record.Slot ? safeText(record.Slot) : 'none'],
    ['state', safeText(record.State)],
    ...(bar.overlaps.length > 0
      ? [
          [
            'overlaps',
            `airs together with ${safeText(bar.overlaps.slice(0, 5).join(', '))}${bar.overlaps.length > 5 ? ` and ${bar.overlaps.length - 5} more` : ''} (other slots of this studio)`,
          ] as [string, string],
        ]
      : []),
    ['starts', timeElement(record.StartTime)],
    ['plays', plays === undefined ? 'loops until replaced or deleted' : plays === 1 ? 'once' : `${plays} times`],
    ['ends', describeEnd(bar)],
    [`items (${record.Items.length})`, `<ol>${record.Items.map((item) => `<li>${safeText(item.ItemName)}</li>`).join('')}</ol>`],
    ['trigger', describeTrigger(record.Trigger)],
    ['generation', safeText(record.Generation)],
    ['ClientToken', safeText(record.ClientToken)],
    ['created', timeElement(record.CreatedAt)],
    ['RequestId', record.RequestId ? safeText(record.RequestId) : 'unknown'],
  ];
  return `<dl>${rows.map(([name, value]) => `<dt>${name}</dt><dd data-field="${name.split(' ')[0]}">${value}</dd>`).join('')}</dl>`;
}

function describeTrigger(trigger: LedgerRecord['Trigger']): string {
  if (trigger.kind === 'timer') return `timer ${safeText(trigger.triggerName)} at ${timeElement(trigger.triggerTime)}`;
  if (trigger.kind === 'event') return safeText(`event ${trigger.id} from ${trigger.source}`);
  if (trigger.kind === 'http') return safeText(trigger.idempotencyKey ? `http, Idempotency-Key ${trigger.idempotencyKey}` : 'http');
  return safeText(String(trigger.kind));
}

function describeEnd(bar: TimelineBar): string {
  const end = bar.end;
  if (end.kind === 'replaced') return `${timeElement(isoSecond(end.endMs))}, when ${safeText(end.byProgramId)} starts`;
  if (end.kind === 'deleted')
    return end.endMs <= bar.startMs ? 'never played: deleted before its start' : `${timeElement(isoSecond(end.endMs))}, deleted`;
  if (end.kind === 'open') return 'not before something replaces it';
  const deleted = bar.record.UpdatedAt && !bar.active ? `; deleted ${timeElement(bar.record.UpdatedAt)} at the latest` : '';
  return `unknown: the API exposes no durations${deleted}`;
}

function isoSecond(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/**
 * An instant as the page shows it: ISO 8601 UTC in the markup (readable without the script), which the page's
 * script rewrites in the chosen zone. Text that is not a time is shown as it is.
 */
function timeElement(iso: string): string {
  const text = safeText(iso);
  return Number.isFinite(Date.parse(iso)) ? `<time datetime="${text}">${text}</time>` : text;
}

function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}
