import { BinanceError } from './BinanceError.js';

/** A force-order query parameter was refused before anything was sent; names the parameter. */
export class ForceOrderQueryError extends BinanceError {
  /** The offending parameter, e.g. `startTime`. */
  readonly parameter: string;

  constructor(parameter: string, message: string) {
    super('query', `invalid ${parameter}: ${message}`, { retryable: false });
    this.parameter = parameter;
  }
}
