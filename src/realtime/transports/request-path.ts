/**
 * A request target that is a plain path (segments of word characters, `-` and `.`, none of them a dot segment `.` or
 * `..`, not starting `//`), before its query if any: `/socket.io/` is one.
 */
const PLAIN_PATH = /^(?!\/\/)(?:\/(?!\.\.?(?=[/?]|$))[\w\-.]*)+(?=\?|$)/;

/**
 * The path of an upgrade request's target as WHATWG URL parsing gives it, or null when it does not parse. A plain
 * path (every widget's) is read off as it is, which URL parsing would leave unchanged, without building a URL per
 * upgrade; anything else (dot segments, percent escapes, `//`, a fragment) goes through URL parsing.
 */
export function requestPath(target: string | undefined): string | null {
  const plain = target === undefined ? null : PLAIN_PATH.exec(target);
  if (plain) return plain[0];
  try {
    return new URL(target ?? '/', 'ws://localhost').pathname;
  } catch {
    return null;
  }
}
