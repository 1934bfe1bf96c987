/**
 * Looks for secrets in captured text: AccessKey secrets, STS tokens, request signatures, `auth_key` values. A
 * secret leaks in whatever form it was written, so every form it takes on the way is searched: as is, JSON-escaped,
 * percent-encoded once (a signed query string or form body), twice (a string-to-sign echoed in an error) and
 * form-encoded (`+` for space).
 *
 * @example
 * const findings = findSecrets(capturedStderr, { 'AccessKey secret': secret, 'STS token': token });
 * expect(describeFindings(findings)).toEqual([]);
 */

import { percentEncode } from '../../shared/src/signing/percent-encode';

/** A secret to look for: a bare value, or a value with a name to report it by. */
export type SecretInput = string | { readonly label: string; readonly value: string };

/** Secrets as a list, or as `{label: value}`. */
export type Secrets = Iterable<SecretInput> | Readonly<Record<string, string>>;

/** One occurrence of a secret. */
export interface SecretFinding {
  /** The secret's label (or a masked form of it when it was given bare). */
  readonly label: string;
  /** Which form was found: `raw`, `json`, `percent-encoded`, `percent-encoded twice`, `form-encoded`. */
  readonly form: string;
  /** Offset in the scanned text. */
  readonly index: number;
  /** The text around the finding with the secret itself replaced by `<SECRET>`, so a report never leaks it again. */
  readonly context: string;
  /** Where the text came from, when scanned through {@link OutputRecorder}. */
  readonly source?: string;
}

/** Secrets shorter than this are refused: they would match ordinary text and prove nothing. */
export const MIN_SECRET_CHARS = 6;

/** Every form a secret can take in logs, responses and URLs, labelled; duplicates removed, longest first. */
export function secretForms(secret: string): { readonly form: string; readonly text: string }[] {
  const forms: { form: string; text: string }[] = [{ form: 'raw', text: secret }];
  const add = (form: string, text: () => string): void => {
    let value: string;
    try {
      value = text();
    } catch {
      return; // A lone surrogate cannot be encoded, so it cannot appear encoded either.
    }
    if (!forms.some((existing) => existing.text === value)) forms.push({ form, text: value });
  };
  add('json', () => JSON.stringify(secret).slice(1, -1));
  add('percent-encoded', () => percentEncode(secret));
  add('uri-component', () => encodeURIComponent(secret));
  add('percent-encoded twice', () => percentEncode(percentEncode(secret)));
  add('form-encoded', () => new URLSearchParams({ x: secret }).toString().slice(2));
  return forms.sort((a, b) => b.text.length - a.text.length);
}

function normalise(secrets: Secrets): { label: string; value: string }[] {
  const entries: SecretInput[] =
    Symbol.iterator in Object(secrets)
      ? [...(secrets as Iterable<SecretInput>)]
      : Object.entries(secrets as Record<string, string>).map(([label, value]) => ({ label, value }));
  const unique = new Map<string, string>();
  for (const entry of entries) {
    const value = typeof entry === 'string' ? entry : entry.value;
    const label = typeof entry === 'string' ? maskSecret(entry) : entry.label;
    if (typeof value !== 'string' || value.length < MIN_SECRET_CHARS) {
      throw new Error(`findSecrets: secret "${label}" is shorter than ${MIN_SECRET_CHARS} characters; it would match ordinary text`);
    }
    if (!unique.has(value)) unique.set(value, label);
  }
  return [...unique].map(([value, label]) => ({ label, value }));
}

/** A recognisable but harmless stand-in for a secret: its first 2 and last 2 characters and its length. */
export function maskSecret(secret: string): string {
  return `${secret.slice(0, 2)}…${secret.slice(-2)} (${secret.length} chars)`;
}

/**
 * Every occurrence of every secret, in any of its forms, in `text`. Returns [] when the text is clean. Findings
 * never contain the secret: their `context` shows `<SECRET>` in its place.
 */
export function findSecrets(text: string, secrets: Secrets, source?: string): SecretFinding[] {
  const findings: SecretFinding[] = [];
  for (const { label, value } of normalise(secrets)) {
    const covered: [number, number][] = [];
    for (const { form, text: needle } of secretForms(value)) {
      for (let index = text.indexOf(needle); index !== -1; index = text.indexOf(needle, index + 1)) {
        // A shorter form inside a longer one already reported (forms come longest first) is the same leak.
        if (covered.some(([start, end]) => index >= start && index + needle.length <= end)) continue;
        covered.push([index, index + needle.length]);
        const before = text.slice(Math.max(0, index - 60), index);
        const after = text.slice(index + needle.length, index + needle.length + 60);
        findings.push({ label, form, index, context: `${before}<SECRET>${after}`, ...(source !== undefined ? { source } : {}) });
      }
    }
  }
  return findings.sort((a, b) => a.index - b.index);
}

/** One line per finding, for an assertion message: `label (form) in source: …context…`. */
export function describeFindings(findings: readonly SecretFinding[]): string[] {
  return findings.map(
    (finding) =>
      `${finding.label} (${finding.form})${finding.source ? ` in ${finding.source}` : ''}: …${finding.context.replace(/\s+/g, ' ')}…`,
  );
}

// Values the project's redaction must have replaced: anything after `auth_key=` (in any encoding) and after
// `Signature=` that is not `<redacted>` (or its encodings), and the JSON values of keys that only ever hold secrets.
const UNREDACTED_PATTERNS: readonly { readonly name: string; readonly pattern: RegExp }[] = [
  {
    name: 'auth_key value',
    pattern: /(?<prefix>auth_key(?:=|%3D|%253D))(?!<redacted>|%3Credacted%3E|%253Credacted%253E)[^&\s"'#<>,%\\]{4,}/gi,
  },
  { name: 'Signature value', pattern: /(?<prefix>(?:^|[?&\s,"])Signature=)(?!<redacted>|%3Credacted%3E)[A-Za-z0-9+/=%]{16,}/g },
  {
    name: 'secret-named JSON field',
    pattern:
      /(?<prefix>"(?:AccessKeySecret|accessKeySecret|SecurityToken|securityToken|Signature|Authorization|authorization)"\s*:\s*")(?!<redacted>)[^"]{6,}"/g,
  },
];

/**
 * Secrets that need no list: unredacted `auth_key=` values, `Signature=` values and secret-named JSON fields, as
 * the project's redaction would have replaced them. Meant for the project's own output (JSON log lines,
 * responses, CLI output), where every one of them must read `<redacted>`.
 */
export function findUnredactedSecrets(text: string, source?: string): SecretFinding[] {
  const findings: SecretFinding[] = [];
  for (const { name, pattern } of UNREDACTED_PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      const index = match.index ?? 0;
      const prefix = match.groups?.['prefix'] ?? '';
      const context = `${text.slice(Math.max(0, index - 60), index)}${prefix}<SECRET>${text.slice(index + match[0].length, index + match[0].length + 40)}`;
      findings.push({ label: name, form: 'pattern', index, context, ...(source !== undefined ? { source } : {}) });
    }
  }
  return findings.sort((a, b) => a.index - b.index);
}

/**
 * Collects every captured text (stdout and stderr of processes, log lines, HTTP bodies) with where it came
 * from, and scans all of it at once.
 */
export class OutputRecorder {
  private readonly chunks: { source: string; text: string }[] = [];

  /** Records one captured text. */
  record(source: string, text: string | Buffer | undefined | null): void {
    if (text === undefined || text === null) return;
    const value = typeof text === 'string' ? text : text.toString('utf8');
    if (value !== '') this.chunks.push({ source, text: value });
  }

  /** Records a value as JSON (a handler result, a response object). */
  recordJson(source: string, value: unknown): void {
    this.record(source, JSON.stringify(value) ?? String(value));
  }

  /** The sources recorded so far, in order, once each. */
  sources(): string[] {
    return [...new Set(this.chunks.map((chunk) => chunk.source))];
  }

  /** How many characters were recorded from sources whose name starts with `prefix` ('' for all). */
  charsFrom(prefix = ''): number {
    return this.chunks.filter((chunk) => chunk.source.startsWith(prefix)).reduce((sum, chunk) => sum + chunk.text.length, 0);
  }

  /** The recorded text of sources whose name starts with `prefix`, joined by newlines. */
  textFrom(prefix = ''): string {
    return this.chunks
      .filter((chunk) => chunk.source.startsWith(prefix))
      .map((chunk) => chunk.text)
      .join('\n');
  }

  /** Every known secret in every recorded text (of sources whose name starts with `prefix`). */
  scan(secrets: Secrets, prefix = ''): SecretFinding[] {
    const list = normalise(secrets);
    return this.chunks.filter((chunk) => chunk.source.startsWith(prefix)).flatMap((chunk) => findSecrets(chunk.text, list, chunk.source));
  }

  /** Every unredacted auth_key / Signature / secret field in every recorded text (of sources starting with `prefix`). */
  scanUnredacted(prefix = ''): SecretFinding[] {
    return this.chunks
      .filter((chunk) => chunk.source.startsWith(prefix))
      .flatMap((chunk) => findUnredactedSecrets(chunk.text, chunk.source));
  }
}

// A registry shared by every module copy in the worker (vitest may load this file more than once per worker),
// read by capture-output-setup.ts when it scans a test file's output.
const REGISTRY = Symbol.for('caster-carousel.test-secrets');
type Registry = Map<string, string>;

function registry(): Registry {
  const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
  holder[REGISTRY] ??= new Map();
  return holder[REGISTRY];
}

/**
 * Declares a value the current test file must never print (a generated AccessKey secret, an STS token, an
 * auth_key). With capture-output-setup.ts enabled, the file fails when its output holds it in any encoding.
 */
export function registerTestSecret(label: string, value: string): void {
  normalise([{ label, value }]); // refuses values too short to mean anything
  registry().set(value, label);
}

/** The secrets registered in this worker so far. */
export function registeredTestSecrets(): { label: string; value: string }[] {
  return [...registry()].map(([value, label]) => ({ label, value }));
}
