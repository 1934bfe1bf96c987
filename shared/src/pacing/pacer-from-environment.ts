import type { Environment } from '../config/environment';
import type { Logger } from '../logging/logger';
import { createGcraPacer } from './gcra-pacer';
import type { Pacer } from './pacer';

/** The pacer the environment asks for: in-process GCRA by default. */
export function createPacerFromEnvironment(_environment: Environment, _logger: Logger): Pacer {
  return createGcraPacer();
}
