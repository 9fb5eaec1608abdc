/**
 * True for a value that can be the id of a stored row: ids live in 32-bit integer columns, so anything else
 * is answered "not found" before it reaches the database (PostgreSQL would reject it with an error).
 */
export function isRowId(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 1 && value <= 2_147_483_647;
}
