import { CasterCarouselError } from '../errors';
import type { FieldErrors } from './plan';

/**
 * A plan whose only fault is a StartTime that has passed: typically a timer tick or event that FC retried
 * after its start. It fails permanently (not retryable) instead of being moved: a carousel started later than
 * asked would play at the wrong time, so a person must see it at the failure destination and decide.
 */
export class StartTimeInPastError extends CasterCarouselError {
  override name = 'StartTimeInPastError';
  readonly code = 'StartTimeInPast';
  readonly fieldErrors: FieldErrors;
  constructor(fieldErrors: FieldErrors) {
    super('The plan starts in the past; it was not scheduled');
    this.fieldErrors = fieldErrors;
  }
}
