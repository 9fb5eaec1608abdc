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
 */
export function bindIoMessageHandlers(
  socket: Socket,
  handlers: MessageHandlers,
  onError: (error: unknown) => void,
): void {
  for (const { message, callback, isAckHandledManually } of handlers) {
    socket.on(message as string, (...args: unknown[]) => {
      const { data, ack } = eventArguments(args);
      respond(() => callback(data, ack), socket, isAckHandledManually ? undefined : ack).catch(onError);
    });
  }
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
