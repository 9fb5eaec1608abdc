import type { Namespace, Server, Socket } from 'socket.io';

// What a socket.io gateway may take off Nest's path, by the server its `afterInit` gets: its sockets' events and
// disconnects, each with a listener shared by every socket. ChatgateIoAdapter reads the disconnects as Nest binds
// each socket.

/** A listener for every socket alike: socket.io calls it with the socket as `this`, so no closure per socket. */
export function sharedSocketListener(
  handle: (socket: Socket, args: unknown[]) => void,
): (this: Socket, ...args: unknown[]) => void {
  return function (this: Socket, ...args: unknown[]) {
    handle(this, args);
  };
}

/** The gateways Nest bound to one namespace, and the disconnect listeners those taking them directly share. */
interface NamespaceGateways {
  bound: number;
  direct: Array<(this: Socket, ...args: unknown[]) => void>;
}

const gatewaysOfNamespace = new WeakMap<Namespace, NamespaceGateways>();

/**
 * Runs `handler` with each socket of the namespace (the `server` a gateway's `afterInit` gets) once it has
 * disconnected, after the connection core's close listener, in place of Nest's disconnect hook: Nest binds every
 * socket a closure of its own for that hook, which the socket keeps as long as it lives. The listener is one function
 * for all sockets. Nest's hook is dropped only while every gateway on the namespace takes its disconnects directly,
 * so a gateway sharing the namespace keeps its `handleDisconnect`. Called once by a gateway, from its `afterInit`.
 */
export function handleDisconnectsDirectly(
  server: Server | Namespace,
  handler: (socket: Socket, reason: string) => void,
): void {
  gatewaysOf(namespaceOf(server)).direct.push(
    sharedSocketListener((socket, [reason]) => handler(socket, reason as string)),
  );
}

/** Called by ChatgateIoAdapter for each gateway Nest binds to a namespace. */
export function countGateway(server: Server | Namespace): void {
  gatewaysOf(namespaceOf(server)).bound += 1;
}

/**
 * Called by ChatgateIoAdapter for each gateway's disconnect hook on a socket (Nest calls it once per gateway of the
 * namespace): adds the namespace's direct listeners once, and Nest's hook unless every gateway takes them directly.
 */
export function bindDisconnect(socket: Socket, nestHook: (reason: string) => void): void {
  const gateways = gatewaysOfNamespace.get(socket.nsp);
  if (gateways && gateways.direct.length > 0) {
    const bound = socket.listeners('disconnect');
    for (const listener of gateways.direct) if (!bound.includes(listener)) socket.on('disconnect', listener);
    if (gateways.direct.length >= gateways.bound) return;
  }
  // socket.io emits 'disconnect' once per socket (a closed socket's `_onclose` returns early): `on` spares `once`'s
  // wrapper.
  socket.on('disconnect', nestHook);
}

function gatewaysOf(namespace: Namespace): NamespaceGateways {
  let gateways = gatewaysOfNamespace.get(namespace);
  if (!gateways) gatewaysOfNamespace.set(namespace, (gateways = { bound: 0, direct: [] }));
  return gateways;
}

/** The namespace a gateway was given: Nest hands a gateway of the default namespace the Server itself. */
function namespaceOf(server: Server | Namespace): Namespace {
  return 'of' in server ? server.sockets : server;
}
