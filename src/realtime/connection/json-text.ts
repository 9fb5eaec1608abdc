import * as ioParser from 'socket.io-parser';

/**
 * JSON text many values share (a lobby's history or user list in every auth reply): serialized once, and encoded to
 * UTF-8 once, when a frame first takes it as bytes. Never changed once made.
 */
export class SharedJson {
  private utf8: Buffer | null = null;

  constructor(readonly text: string) {}

  get bytes(): Buffer {
    return (this.utf8 ??= Buffer.from(this.text));
  }
}

/**
 * A value already serialized as JSON, as pieces in order: text of its own, and SharedJson pieces it shares with other
 * values. socket.io puts it in a packet as it is (`jsonTextParser`), and a frame written past socket.io takes the
 * shared pieces' bytes as they are (`packetPieces`), so no socket's reply copies them.
 */
export class JsonText {
  readonly pieces: readonly (string | SharedJson)[];

  constructor(...pieces: (string | SharedJson)[]) {
    this.pieces = pieces;
  }
}

/**
 * A packet's text form as socket.io-parser writes it (type, namespace unless "/", id, then the arguments), in
 * pieces: a JsonText argument's own, whole, and JSON text between them. Undefined when no argument is a JsonText,
 * or for a packet other than an event or ack.
 */
export function packetPieces(packet: ioParser.Packet): (string | SharedJson)[] | undefined {
  const args: unknown = packet.data;
  if (
    (packet.type !== ioParser.PacketType.ACK && packet.type !== ioParser.PacketType.EVENT) ||
    !Array.isArray(args) ||
    !args.some((arg) => arg instanceof JsonText)
  )
    return undefined;
  let text = String(packet.type);
  if (packet.nsp && packet.nsp !== '/') text += `${packet.nsp},`;
  if (packet.id !== undefined && packet.id !== null) text += packet.id;
  text += '[';
  const pieces: (string | SharedJson)[] = [];
  args.forEach((arg, i) => {
    if (i > 0) text += ',';
    if (!(arg instanceof JsonText)) {
      text += JSON.stringify(arg) ?? 'null';
      return;
    }
    for (const piece of arg.pieces) {
      if (typeof piece === 'string') {
        text += piece;
        continue;
      }
      if (text) pieces.push(text);
      pieces.push(piece);
      text = '';
    }
  });
  pieces.push(`${text}]`);
  return pieces;
}

/**
 * socket.io's own packet encoder, except for an event or ack with a JsonText argument, which it writes as that text.
 * So a large payload many sockets are sent alike (a lobby's history and user list) is serialized once rather than
 * once per socket, and not scanned for binary parts (a JsonText has none). Everything else is encoded as before.
 */
class JsonTextEncoder extends ioParser.Encoder {
  override encode(packet: ioParser.Packet): ReturnType<ioParser.Encoder['encode']> {
    const pieces = packetPieces(packet);
    if (!pieces) return super.encode(packet);
    return [pieces.map((piece) => (typeof piece === 'string' ? piece : piece.text)).join('')];
  }
}

/** What socket.io's `parser` option takes: socket.io-parser with the encoder above. */
export const jsonTextParser = { ...ioParser, Encoder: JsonTextEncoder };
