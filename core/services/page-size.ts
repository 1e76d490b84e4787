import { SignalError } from '../errors.ts';

/** The most items one page of a list may ask for. */
export const MAX_PAGE_SIZE = 500;

/**
 * Refuses a page size that is not a whole number from 1 to 500, naming the argument.
 *
 * @example
 * checkPageSize(limit);          // limit must be a whole number from 1 to 500, got 0
 * checkPageSize(first, 'first');
 */
export function checkPageSize(value: number, field = 'limit'): void {
  if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE_SIZE) {
    throw new SignalError('SIGNAL_VALIDATION_FAILED', `${field} must be a whole number from 1 to ${MAX_PAGE_SIZE}, got ${value}`, [{ field, message: `must be 1 to ${MAX_PAGE_SIZE}` }]);
  }
}
