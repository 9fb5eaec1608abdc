import * as ioParser from 'socket.io-parser';
import { describe, expect, it } from 'vitest';
import { JsonText, jsonTextParser } from './json-text.js';

describe('jsonTextParser', () => {
  const plain = new ioParser.Encoder();
  const encoder = new jsonTextParser.Encoder();
  const welcome = { user: { id: 1, uname: 'ann', role: 'member' }, room: { users: {}, history: [], muteList: {} } };

  it.each([
    { type: ioParser.PacketType.ACK, nsp: '/', id: 12 },
    { type: ioParser.PacketType.ACK, nsp: '/admin', id: 0 },
    { type: ioParser.PacketType.EVENT, nsp: '/' },
  ])('writes a JsonText argument as socket.io-parser writes the value it encodes (%o)', (packet) => {
    const args = [null, welcome, undefined, 'text'];
    const withText = [null, new JsonText(JSON.stringify(welcome)), undefined, 'text'];
    expect(encoder.encode({ ...packet, data: withText })).toEqual(plain.encode({ ...packet, data: args }));
  });

  it('leaves every other packet to socket.io-parser, binary parts included', () => {
    const binary = { type: ioParser.PacketType.EVENT, nsp: '/', data: ['file', Buffer.from([1, 2])] };
    expect(encoder.encode(binary)).toEqual(plain.encode(binary));
    const connect = { type: ioParser.PacketType.CONNECT, nsp: '/', data: { sid: 'x' } };
    expect(encoder.encode(connect)).toEqual(plain.encode(connect));
  });
});
