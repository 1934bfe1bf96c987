// Ids and names come from the event, so only short printable ASCII is echoed into logs and error messages.
const PRINTABLE = /^[\x21-\x7e][\x20-\x7e]{0,199}$/;

/** The value when it is a short printable ASCII string, else the fallback. */
export function printableLabel(value: unknown, fallback: string): string {
  return typeof value === 'string' && PRINTABLE.test(value) ? value : fallback;
}
