/**
 * The libraries whose private parts the files of this folder use. Each file exports `WRITTEN_AGAINST`, the exact
 * versions it was written and tested against; `internals-versions.spec.ts` fails, naming the file, as soon as an
 * installed version differs, so an upgrade is a deliberate re-check of what the file relies on, not a surprise in
 * production. `ws (engine.io)` is the `ws` that engine.io itself resolves, which may differ from the project's own.
 */
export type InternalLibrary = 'engine.io' | 'socket.io' | 'ws' | 'ws (engine.io)';

export type WrittenAgainst = Readonly<Partial<Record<InternalLibrary, string>>>;
