import { InvalidEventError } from '../errors';
import type { FcMiddleware } from './fc-types';

/**
 * Turns FC's event into a value: FC hands Node.js handlers a Buffer holding JSON. Strings and already-parsed
 * objects are accepted too, so local hosts and tests that skip the Buffer step still work.
 */
export function decodeFcEvent(event: unknown): unknown {
  let text: string;
  if (Buffer.isBuffer(event) || event instanceof Uint8Array) text = Buffer.from(event).toString('utf8');
  else if (typeof event === 'string') text = event;
  else if (event !== null && typeof event === 'object') return event;
  else throw new InvalidEventError({ '(event)': ['is missing'] }, 'The event is missing');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // JSON.parse quotes the input in its message, and the input may hold auth_key values: say only what failed.
    throw new InvalidEventError({ '(event)': ['is not valid JSON'] }, 'The event is not valid JSON');
  }
}

/** Middleware: replaces the Buffer event with its parsed JSON before the handler sees it. */
export function fcEventParser(): FcMiddleware {
  return {
    before: function parseFcEvent(request) {
      request.event = decodeFcEvent(request.event);
    },
  };
}
