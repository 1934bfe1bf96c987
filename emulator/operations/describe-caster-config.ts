import { ApiError } from '../api-error';
import { requiredParam } from './parameters';
import type { Operation } from './types';

/** DescribeCasterConfig: a studio's configuration, as loaded from `--casters` (or the demo studio). */
export const describeCasterConfig: Operation = {
  action: 'DescribeCasterConfig',
  defaultQps: 15,
  run({ params, casters }) {
    const casterId = requiredParam(params, 'CasterId');
    const studio = casters.findById(casterId);
    // UNCONFIRMED code and status: Live publishes no op-specific error codes; InvalidCaster.NotFound/404 assumed.
    if (!studio) throw new ApiError('InvalidCaster.NotFound', `The specified caster "${casterId}" does not exist.`);
    return structuredClone({ ...studio });
  },
};
