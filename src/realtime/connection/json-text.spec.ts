import * as ioParser from 'socket.io-parser';
import { describe, expect, it } from 'vitest';
import { JsonText, jsonTextParser, packetPieces, SharedJson } from './json-text.js';

describe('jsonTextParser', () => {
  const plain = new ioParser.Encoder();
  const encoder = new jsonTextParser.Encoder();
  const welcome = { user: { id: 1, uname: 'ann', role: 'member' }, room: { users: {}, history: [], muteList: {} } };
  const users = { 'é ann': { id: 1, uname: 'é ann', role: 'member' } };
  const shared = new SharedJson(JSON.stringify(users));
  // The same value, its users shared: `{"user":…,"room":{"users":<shared>,"history":[],"muteList":{}}}`.
  const inPieces = new JsonText(
    `{"user":${JSON.stringify(welcome.user)},"room":{"users":`,
    shared,
    ',"history":[],"muteList":{}}}',
  );

  it.each([
    { type: ioParser.PacketType.ACK, nsp: '/', id: 12 },
    { type: ioParser.PacketType.ACK, nsp: '/admin', id: 0 },
    { type: ioParser.PacketType.EVENT, nsp: '/' },
  ])('writes a JsonText argument as socket.io-parser writes the value it encodes (%o)', (packet) => {
    const args = [null, welcome, undefined, 'text'];
    const withText = [null, new JsonText(JSON.stringify(welcome)), undefined, 'text'];
    expect(encoder.encode({ ...packet, data: withText })).toEqual(plain.encode({ ...packet, data: args }));
    const withPieces = [null, inPieces, undefined, 'text'];
    const value = { ...welcome, room: { ...welcome.room, users } };
    expect(encoder.encode({ ...packet, data: withPieces })).toEqual(
      plain.encode({ ...packet, data: [null, value, undefined, 'text'] }),
    );
  });

  it('gives the same text in pieces, each shared piece whole and as it is', () => {
    const pieces = packetPieces({ type: ioParser.PacketType.ACK, nsp: '/', id: 3, data: [null, inPieces] })!;
    expect(pieces).toEqual([
      `33[null,{"user":${JSON.stringify(welcome.user)},"room":{"users":`,
      shared,
      ',"history":[],"muteList":{}}}]',
    ]);
    expect(pieces[1]).toBe(shared);
    expect(shared.bytes).toBe(shared.bytes);
    expect(shared.bytes.toString()).toBe(shared.text);
  });

  it('leaves every other packet to socket.io-parser, binary parts included', () => {
    const binary = { type: ioParser.PacketType.EVENT, nsp: '/', data: ['file', Buffer.from([1, 2])] };
    expect(encoder.encode(binary)).toEqual(plain.encode(binary));
    expect(packetPieces(binary)).toBeUndefined();
    const connect = { type: ioParser.PacketType.CONNECT, nsp: '/', data: { sid: 'x' } };
    expect(encoder.encode(connect)).toEqual(plain.encode(connect));
  });
});
