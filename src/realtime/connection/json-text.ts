import * as ioParser from 'socket.io-parser';

/** A value already serialized as JSON; socket.io puts it in a packet as it is (`jsonTextParser`). */
export class JsonText {
  constructor(readonly json: string) {}
}

/**
 * socket.io's own packet encoder, except for an event or ack with a JsonText argument, which it writes as that text.
 * So a large payload many sockets are sent alike (a lobby's history and user list) is serialized once rather than
 * once per socket, and not scanned for binary parts (a JsonText has none). Everything else is encoded as before.
 */
class JsonTextEncoder extends ioParser.Encoder {
  override encode(packet: ioParser.Packet): ReturnType<ioParser.Encoder['encode']> {
    const args: unknown = packet.data;
    if (
      (packet.type !== ioParser.PacketType.ACK && packet.type !== ioParser.PacketType.EVENT) ||
      !Array.isArray(args) ||
      !args.some((arg) => arg instanceof JsonText)
    )
      return super.encode(packet);
    // The packet's text form, as socket.io-parser writes it: type, namespace unless "/", id, then the arguments.
    let text = String(packet.type);
    if (packet.nsp && packet.nsp !== '/') text += `${packet.nsp},`;
    if (packet.id !== undefined && packet.id !== null) text += packet.id;
    const json = args.map((arg) => (arg instanceof JsonText ? arg.json : (JSON.stringify(arg) ?? 'null')));
    return [`${text}[${json.join(',')}]`];
  }
}

/** What socket.io's `parser` option takes: socket.io-parser with the encoder above. */
export const jsonTextParser = { ...ioParser, Encoder: JsonTextEncoder };
