// The commission groups of an order: "Commission Groups are utilized to attribute the whole, or
// parts, of a given transaction to a specific commission rate" (Commission Groups). One group
// takes the whole amount; products of several groups share the amount out in proportion to their
// price × quantity (the amount is after discounts, the products' prices usually before), so the
// parts always add up to the amount Awin is told ("The sum of your groups must be equivalent to
// the subtotal reported in the amount parameter", Commission Groups).
import type { JsonObject } from '../../core/sdk/index.ts';
import { toCents } from './amounts.ts';
import type { BasketLine } from './basket.ts';

/**
 * The `commissionGroups` of an order of `amount`: `[{ code, amount }]`, one entry a group in the
 * order the basket names them. Without basket lines, or when they name one group, the whole
 * amount goes to that group (`orderGroup` without lines); several groups share it in proportion
 * to their lines' totals, in cents, the rounding's cent or two given to the largest part.
 *
 * @example
 * commissionGroupsOf(74.97, [], 'DEFAULT');
 * // [{ code: 'DEFAULT', amount: 74.97 }]
 * commissionGroupsOf(90, [{ code: 'ELEC', total: 80 }, { code: 'DEFAULT', total: 20 }], 'DEFAULT');
 * // [{ code: 'ELEC', amount: 72 }, { code: 'DEFAULT', amount: 18 }]
 */
export function commissionGroupsOf(amount: number, lines: readonly BasketLine[], orderGroup: string): JsonObject[] {
  const totals = new Map<string, number>();
  for (const line of lines) totals.set(line.code, (totals.get(line.code) ?? 0) + line.total);
  const sum = [...totals.values()].reduce((a, b) => a + b, 0);
  if (totals.size <= 1 || sum <= 0) return [{ code: totals.size === 1 ? [...totals.keys()][0]! : orderGroup, amount }];
  const parts = [...totals].map(([code, total]) => ({ code, amount: toCents((amount * total) / sum) }));
  const rest = toCents(amount - parts.reduce((a, part) => a + part.amount, 0));
  if (rest !== 0) {
    const largest = parts.reduce((a, b) => (b.amount > a.amount ? b : a));
    largest.amount = toCents(largest.amount + rest);
  }
  return parts;
}
