// Rounding for the figures the bench reports; anything that is not a number (null, '–', text) passes through.
export const r1 = (x) => (typeof x === 'number' ? Math.round(x * 10) / 10 : x);
export const r2 = (x) => (typeof x === 'number' ? Math.round(x * 100) / 100 : x);
