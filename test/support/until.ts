/**
 * Waits, checking every 10 ms, until `done` holds (it may be async: a fetch, say); throws after `timeoutMs`, naming
 * `what`. For states nothing announces (readiness turning, a socket's buffer draining); what a client receives is
 * awaited with its own `waitFor`, and absence is proven with a marker (`sync`), never by waiting.
 */
export async function until(
  done: () => boolean | Promise<boolean>,
  { what = 'a condition', timeoutMs = 3000 }: { what?: string; timeoutMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
