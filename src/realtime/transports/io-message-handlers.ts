import type { WebSocketAdapter } from '@nestjs/common';
import { isObservable, lastValueFrom } from 'rxjs';
import type { Socket } from 'socket.io';

type MessageHandlers = Parameters<WebSocketAdapter['bindMessageHandlers']>[1];

/**
 * Binds a socket's gateway handlers with one plain listener per event. Nest's IoAdapter builds an RxJS pipeline
 * per handler per socket, which the benchmark's heap snapshots put at most of a lobby socket's memory; this keeps
 * Nest's rules without it: the handler gets (data, ack) as IoAdapter maps them, a result with an `event` key is
 * emitted, any other result is the ack unless the handler takes the ack itself (`@Ack()`).
 *
 * Nest's own `transform` (pickResult) wraps every result in an Observable (fromPromise, of, mergeAll) only for it to
 * be unwrapped again; the intake profile showed that per-message work, so the result is unwrapped here directly, to
 * the same value: the handler's awaited result, or the last value of an Observable it returned.
 *
 * The listener of an event is one function for every socket (socket.io calls it with the socket as `this`), and a
 * socket keeps only its handler (Nest binds one to each socket), under the event's own key: no closure per socket.
 */
export function bindIoMessageHandlers(
  socket: Socket,
  handlers: MessageHandlers,
  onError: (error: unknown) => void,
): void {
  const held = socket as unknown as Record<symbol, Handler>;
  for (const { message, callback, isAckHandledManually } of handlers) {
    const event = message as string;
    const key = handlerKey(event);
    if (held[key] !== undefined) {
      // The same event bound twice on one socket (two gateways on one namespace): a listener of its own.
      socket.on(event, (...args: unknown[]) => handle(socket, callback, isAckHandledManually, onError, args));
      continue;
    }
    held[key] = callback;
    socket.on(event, sharedListener(event, key, isAckHandledManually, onError));
  }
}

type Handler = MessageHandlers[number]['callback'];

/** Each event's key for its handler on a socket. */
const handlerKeys = new Map<string, symbol>();

function handlerKey(event: string): symbol {
  let key = handlerKeys.get(event);
  if (!key) handlerKeys.set(event, (key = Symbol(`handler:${event}`)));
  return key;
}

/** The listeners shared by every socket, by their error callback, then by event and whether the handler acks. */
const listeners = new WeakMap<(error: unknown) => void, Map<string, (this: Socket, ...args: unknown[]) => void>>();

function sharedListener(
  event: string,
  key: symbol,
  isAckHandledManually: boolean | undefined,
  onError: (error: unknown) => void,
): (this: Socket, ...args: unknown[]) => void {
  let byEvent = listeners.get(onError);
  if (!byEvent) listeners.set(onError, (byEvent = new Map()));
  const name = `${isAckHandledManually ? 'manual' : 'auto'} ${event}`;
  let listener = byEvent.get(name);
  if (!listener) {
    listener = function (this: Socket, ...args: unknown[]): void {
      const callback = (this as unknown as Record<symbol, Handler>)[key];
      handle(this, callback, isAckHandledManually, onError, args);
    };
    byEvent.set(name, listener);
  }
  return listener;
}

function handle(
  socket: Socket,
  callback: Handler,
  isAckHandledManually: boolean | undefined,
  onError: (error: unknown) => void,
  args: unknown[],
): void {
  const { data, ack } = eventArguments(args);
  respond(() => callback(data, ack), socket, isAckHandledManually ? undefined : ack).catch(onError);
}

/**
 * An event's arguments as IoAdapter hands them to a handler: the ack is the last argument when it is a function, the
 * data the one argument before it (an array when there are several). Takes the ack off `args`.
 */
export function eventArguments(args: unknown[]): { data: unknown; ack?: (...response: unknown[]) => void } {
  const ack = typeof args.at(-1) === 'function' ? (args.pop() as (...response: unknown[]) => void) : undefined;
  return { data: args.length <= 1 ? args[0] : args, ack };
}

async function respond(
  run: () => unknown,
  socket: Socket,
  ack: ((response: unknown) => void) | undefined,
): Promise<void> {
  const settled = await run();
  const response = isObservable(settled) ? await lastValueFrom(settled, { defaultValue: undefined }) : settled;
  if (response === undefined || response === null) return;
  if (typeof response === 'object' && 'event' in response) {
    const { event, data } = response as { event: string; data: unknown };
    socket.emit(event, data);
  } else {
    ack?.(response);
  }
}
