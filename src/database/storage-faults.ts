/**
 * Driver errors sorted by what to do about them. TypeORM wraps them in QueryFailedError (`driverError`);
 * better-sqlite3 names SQLite's result codes (`SQLITE_BUSY`), pg gives SQLSTATEs (`23505`), Node errno names (`EACCES`).
 */
function codeOf(error: unknown): string {
  const inner = (error as { driverError?: unknown } | null)?.driverError ?? error;
  const code = (inner as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/**
 * A row the database refuses on its own merits (a constraint, a value it cannot store): the rest of its batch
 * would have been written without it. SQLSTATE classes 22 (data exception) and 23 (integrity constraint).
 */
export function isRowFault(error: unknown): boolean {
  const code = codeOf(error);
  return /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG)/.test(code) || /^2[23][0-9A-Z]{3}$/.test(code);
}

/** Another connection holds a lock this one needs: worth another try after yielding. */
export function isBusy(error: unknown): boolean {
  return /^SQLITE_(BUSY|LOCKED)/.test(codeOf(error));
}

/**
 * Opening the database failed in a way waiting will not fix: unknown database or role, bad password, a path that
 * cannot be created or opened. Anything else (refused, timed out, reset, busy) is worth retrying.
 */
export function isPermanentOpenFault(error: unknown): boolean {
  const code = codeOf(error);
  return (
    ['3D000', '28000', '28P01', '42501', 'ENOENT', 'ENOTDIR', 'EACCES', 'EPERM', 'EROFS', 'EEXIST'].includes(code) ||
    /^SQLITE_(CANTOPEN|NOTADB|CORRUPT|READONLY|PERM|AUTH)/.test(code)
  );
}
