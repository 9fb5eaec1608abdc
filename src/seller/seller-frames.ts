import { MAX_JSON_DEPTH, textNestsDeeperThan } from '../common/json-depth.js';
import { codePoints, isBlank, isStorableText } from '../common/text.js';
import { InvalidInputError } from '../common/refusal.js';
import type { ReadRequest, SendRequest, SignInRequest } from './seller-chat.types.js';
import { SellerRefusal } from './seller-chat.types.js';

type Fields = Record<string, unknown>;

/**
 * `{command, data}` text frames as Nest's `{event, data}`. Binary frames, non-JSON, non-objects, frames
 * without a string command and absurdly nested ones (which would overflow the stack when echoed in an error)
 * are dropped: the protocol ignores them and the connection stays open.
 */
export function parseSellerFrame(raw: unknown): { event: string; data: unknown } | undefined {
  if (typeof raw !== 'string' || textNestsDeeperThan(raw, MAX_JSON_DEPTH)) return undefined;
  let frame: unknown;
  try {
    frame = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!isFields(frame) || typeof frame.command !== 'string') return undefined;
  return { event: frame.command, data: frame.data ?? {} };
}

export function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The client sends only the truthy ones among token, name, sellerId and id; `id` means seller mode. */
export function parseSignIn(data: unknown): SignInRequest {
  const fields = isFields(data) ? data : {};
  const token = typeof fields.token === 'string' && fields.token ? fields.token : null;
  if (fields.id) return { mode: 'seller', sellerId: parseId(fields.id), token };
  const sellerId = parseId(fields.sellerId);
  // A reconnecting client sends its token and its name: the token wins. A token that is not even a string
  // can match nobody, so it is an unknown token rather than a name-auth.
  if (fields.token) return { mode: 'client-token', sellerId, token: token ?? '' };
  const name = typeof fields.name === 'string' ? fields.name.trim() : '';
  if (name) return { mode: 'client-name', sellerId, name };
  return { mode: 'anonymous' };
}

/**
 * An auth's `since` (docs/recovery.md): `{<chatId>: <last message id held>}`, absent or null for none. Anything
 * else is refused rather than guessed at: keys chat ids, values non-negative integers.
 */
export function parseSince(data: unknown): Map<number, number> | null {
  const since = isFields(data) ? data.since : undefined;
  if (since === undefined || since === null) return null;
  if (!isFields(since)) throw new InvalidInputError(SINCE_FORMAT);
  const held = new Map<number, number>();
  for (const [key, value] of Object.entries(since)) {
    const chatId = parseId(key);
    if (chatId === null || typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
      throw new InvalidInputError(SINCE_FORMAT);
    held.set(chatId, value);
  }
  return held;
}

const SINCE_FORMAT = 'since must map chat ids to the last message id held (a non-negative integer)';

/**
 * The `message` checks that need no state, in the protocol's order. A text of invisible characters only is empty,
 * and one that cannot be stored alike on every database (NUL, lone surrogates) is no text either.
 */
export function parseSend(data: unknown, maxLength: number): SendRequest {
  const fields = isFields(data) ? data : {};
  if (!fields.chatId) throw new SellerRefusal('CHAT_ID_IS_REQUIRED');
  if (typeof fields.text !== 'string' || isBlank(fields.text) || !isStorableText(fields.text)) {
    throw new SellerRefusal('TEXT_IS_REQUIRED');
  }
  if (codePoints(fields.text) > maxLength) throw new SellerRefusal('TEXT_IS_TOO_LONG');
  if (!fields.clientDate) throw new SellerRefusal('DATE_IS_REQUIRED');
  return { chatId: parseId(fields.chatId), text: fields.text, clientDate: fields.clientDate };
}

/** A `read` frame: `{chatId, id}`, the chat and the message it is read up to. */
export function parseRead(data: unknown): ReadRequest {
  const fields = isFields(data) ? data : {};
  if (!fields.chatId) throw new SellerRefusal('CHAT_ID_IS_REQUIRED');
  const id = parseId(fields.id);
  if (id === null) throw new InvalidInputError('id must be the id of a message');
  return { chatId: parseId(fields.chatId), id };
}

/** Ids arrive as numbers or as strings of digits (the client takes chat ids from an object's keys). */
function parseId(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? value : null;
  if (typeof value === 'string' && /^[1-9]\d{0,15}$/.test(value)) return Number(value);
  return null;
}
