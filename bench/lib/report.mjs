// Shared report helpers for the bench scripts: system information, the command that reproduces a run,
// median/min/max, and Markdown tables. Nothing here times anything.
import os from 'node:os';
import { relative } from 'node:path';
import { repoRoot } from './layout.mjs';

/** Prints a script's title, the machine it runs on and the exact command that reproduces it. */
export function printHeader(title, scriptUrl) {
  const cpus = os.cpus();
  const script = relative(repoRoot, new URL(scriptUrl).pathname);
  const args = process.argv.slice(2).map((arg) => (/^[\w./=:,-]+$/.test(arg) ? arg : JSON.stringify(arg)));
  console.log(`# ${title}`);
  console.log(
    `node ${process.version} on ${os.platform()}/${os.arch()}; CPU: ${cpus[0]?.model?.trim() ?? 'unknown'}; ${cpus.length} cores; ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM`,
  );
  console.log(`reproduce (from the repository root): npm run build && node ${[script, ...args].join(' ')}`);
  console.log('');
}

/** Median of numbers (mean of the middle two for an even count); NaN for none. */
export function median(values) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** `{ median, min, max }` of numbers. */
export function summarize(values) {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** A number with fixed digits, or `-` when it is not finite. */
export function fixed(value, digits = 1) {
  return Number.isFinite(value) ? value.toFixed(digits) : '-';
}

/** Bytes as KiB with one decimal. */
export function kib(bytes) {
  return (bytes / 1024).toFixed(1);
}

/** Prints a Markdown table: the first column (and any in `leftColumns`) left-aligned, the rest right-aligned. */
export function printTable(headers, rows, leftColumns = [0]) {
  const left = new Set(leftColumns);
  const cells = rows.map((row) => row.map(String));
  const widths = headers.map((header, column) => Math.max(header.length, ...cells.map((row) => row[column].length)));
  const line = (row) =>
    `| ${row.map((cell, column) => (left.has(column) ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join(' | ')} |`;
  console.log(line(headers));
  console.log(
    `|${widths.map((width, column) => (left.has(column) ? `:${'-'.repeat(width + 1)}` : `${'-'.repeat(width + 1)}:`)).join('|')}|`,
  );
  for (const row of cells) console.log(line(row));
}

/** A positive integer from `--name N` on the command line, else the fallback. */
export function numberArgument(name, fallback) {
  const index = process.argv.indexOf(name);
  const value = index === -1 ? Number.NaN : Number(process.argv[index + 1]);
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
}

/** A comma-separated list of positive integers from `--name 1,4,16`, else the fallback. */
export function listArgument(name, fallback) {
  const index = process.argv.indexOf(name);
  if (index === -1) return fallback;
  const values = String(process.argv[index + 1] ?? '')
    .split(',')
    .map(Number)
    .filter((value) => Number.isInteger(value) && value > 0);
  return values.length > 0 ? values : fallback;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
