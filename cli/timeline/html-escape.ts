import { redactText } from '../../shared/src/logging/redact';

const HTML_SPECIAL = /[&<>"']/g;
const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(HTML_SPECIAL, (char) => ENTITY[char] ?? char);
}

/** A value from a record, made safe for the page: secrets redacted first, then HTML-escaped. */
export function safeText(value: string | number): string {
  return escapeHtml(redactText(String(value)));
}
