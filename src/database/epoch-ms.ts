import type { ValueTransformer } from 'typeorm';

/**
 * Times are stored as epoch milliseconds in BIGINT columns: one representation on SQLite and PostgreSQL,
 * free of time-zone conversions. The pg driver returns BIGINT as a string, so it is read back as a number.
 */
export const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};
