// The baselines the bench compares Chatgate with, in the same run and on the same core:
//   node bench/baseline.mjs sio   plain socket.io (no Nest): `auth` joins the app's room and acks;
//                                 `new_message` broadcasts to that room and acks. The lobby's minimum.
//   node bench/baseline.mjs sio-presence
//                                 the same, plus what the protocol asks of an auth (§1.1, §1.2): the lobby's user
//                                 list in the ack and `user_joined`/`user_left` for a user's first and last socket,
//                                 written the plain way (socket.io encodes each ack and broadcast itself). A user is
//                                 known by the hashed_token sent; its uname is `u` + the hash's last 8 hex digits.
//   node bench/baseline.mjs sio-floor
//                                 `sio` whose broadcast is the least any server can do per member: one `write` of one
//                                 shared WebSocket frame to each member's TCP socket, past socket.io and engine.io.
//   node bench/baseline.mjs ws    plain `ws` on /seller routing 1:1 frames: `auth {pair, side}` binds the
//                                 connection to one side of a pair and replies; `message` is acked to the sender
//                                 and delivered to the other side, in the seller chat's frame shapes.
//   node bench/baseline.mjs ws-durable
//                                 `ws` that stores a client's user, token and chat before its auth reply, and each
//                                 message before its ack and delivery (durableStore below); `auth {pair, side,
//                                 token}` signs a client in with its token instead: its user, chat and history read.
// Listens on 127.0.0.1, port PORT (0 = any) and prints `listening on http://127.0.0.1:<port>` like Chatgate.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Server } from 'socket.io';
import { Sender, WebSocketServer } from 'ws';

const mode = process.argv[2];
const http = createServer((_req, res) => res.writeHead(404).end());

if (mode === 'sio' || mode === 'sio-presence' || mode === 'sio-floor') {
  const presence = mode === 'sio-presence';
  const floor = mode === 'sio-floor';
  const io = new Server(http, { transports: ['websocket', 'polling'], serveClient: false });
  const lobbies = new Map(); // room -> Map(uname -> { member, sockets }), with presence
  let seq = 0;
  io.on('connection', (socket) => {
    let room = null;
    let user = null;
    let member = null;
    socket.on('auth', (payload, ack) => {
      if (room !== null || typeof ack !== 'function' || typeof payload?.app_id !== 'number') return;
      room = `lobby:${payload.app_id}`;
      const hash = typeof payload.hashed_token === 'string' ? payload.hashed_token.slice(-8) : '';
      user = hash ? { uname: `u${hash}`, role: 'member' } : null;
      let users = {};
      if (presence) {
        member = user && { id: parseInt(hash, 16), ...user };
        let members = lobbies.get(room);
        if (!members) lobbies.set(room, (members = new Map()));
        const entry = member && members.get(member.uname);
        if (entry) entry.sockets++;
        else if (member) {
          members.set(member.uname, { member, sockets: 1 });
          socket.to(room).emit('user_joined', member);
        }
        users = Object.fromEntries([...members].map(([uname, { member }]) => [uname, member]));
      }
      socket.join(room);
      ack(null, { ...(user ? { user: member ?? user } : {}), room: { users, history: [], muteList: {} } });
    });
    socket.on('new_message', (text, ack) => {
      if (room === null) return;
      if (user === null) return typeof ack === 'function' && ack('USER_REQUIRED');
      const message = { id: ++seq, user, text: String(text).trim() };
      if (floor)
        writeToEach(io, io.of('/').adapter.rooms.get(room), textFrame(`42${JSON.stringify(['new_message', message])}`));
      else io.to(room).emit('new_message', message);
      if (typeof ack === 'function') ack();
    });
    socket.on('disconnect', () => {
      const entry = member && lobbies.get(room)?.get(member.uname);
      if (!entry || --entry.sockets > 0) return;
      lobbies.get(room).delete(member.uname);
      io.to(room).emit('user_left', member);
    });
  });
} else if (mode === 'ws' || mode === 'ws-durable') {
  const store = mode === 'ws-durable' ? durableStore() : null;
  const wss = new WebSocketServer({ server: http, path: '/seller', perMessageDeflate: false });
  const pairs = new Map(); // pair id -> [client side socket, seller side socket]
  let seq = 0;
  wss.on('connection', (ws) => {
    let pair = null;
    let side = 0;
    ws.on('message', (raw) => {
      let frame;
      try {
        frame = JSON.parse(raw.toString());
      } catch {
        return;
      }
      if (frame?.command === 'auth') {
        pair = frame.data.pair;
        side = frame.data.side === 'seller' ? 1 : 0;
        let p = pairs.get(pair);
        if (!p) pairs.set(pair, (p = [null, null]));
        p[side] = ws;
        const reply = (token) =>
          ws.send(
            JSON.stringify({
              command: 'auth',
              data: { name: `n${pair}`, token, chats: { [pair]: { chatter: 'x', messages: [] } } },
            }),
          );
        if (store && side === 0 && typeof frame.data.token === 'string') ws.send(store.signIn(frame.data.token));
        else if (store && side === 0) store.newClient(pair, reply);
        else reply(undefined);
      } else if (frame?.command === 'message' && pair !== null) {
        const d = frame.data ?? {};
        const other = pairs.get(pair)?.[1 - side];
        if (!other) return ws.send(JSON.stringify({ command: 'message', data: d, error: 'USER_IS_NOT_ONLINE' }));
        const date = Math.floor(Date.now() / 1000);
        const deliver = (id) => {
          ws.send(
            JSON.stringify({
              command: 'message',
              data: { id, text: d.text, date, chatId: pair, clientDate: d.clientDate, my: true },
            }),
          );
          other.send(JSON.stringify({ command: 'message', data: { id, text: d.text, date, chatId: pair } }));
        };
        if (store) store.append([pair, side, String(d.text), String(d.clientDate), date], deliver);
        else deliver(++seq);
      }
    });
    ws.on('close', () => {
      const p = pair !== null ? pairs.get(pair) : undefined;
      if (p && p[side] === ws) p[side] = null;
    });
  });
} else {
  console.error('usage: node bench/baseline.mjs sio|sio-presence|sio-floor|ws|ws-durable');
  process.exit(2);
}

/**
 * The least a seller chat does that answers only with what it has stored, with the guarantees Chatgate's store gives,
 * in SQLite (WAL, synchronous = NORMAL, as Chatgate runs it). A client's auth creates the client, its token's hash
 * (unique) and its chat with the seller, as Chatgate's name auth does. Each message is inserted under an id never
 * reused, in a chat that must exist, indexed by chat for its history, unless the same author stored the same text with
 * the same clientDate in the chat within a minute (looked up in an index of its own, as a resend would be). What one
 * tick asks is committed in one transaction before its replies go out. In a fresh directory, removed on exit.
 */
function durableStore() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-ws-durable-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const db = new Database(join(dir, 'messages.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.exec(`CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, created_at INTEGER NOT NULL);
    CREATE TABLE tokens (user_id INTEGER NOT NULL REFERENCES users (id), hash TEXT NOT NULL UNIQUE);
    CREATE TABLE chats (id INTEGER PRIMARY KEY, seller INTEGER NOT NULL, client INTEGER NOT NULL REFERENCES users (id),
      UNIQUE (seller, client));
    CREATE INDEX chats_by_client ON chats (client);
    CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, chat_id INTEGER NOT NULL REFERENCES chats (id),
      side INTEGER NOT NULL, text TEXT NOT NULL, client_date TEXT, created_at INTEGER NOT NULL);
    CREATE INDEX messages_by_chat ON messages (chat_id, id);
    CREATE INDEX messages_resend ON messages (chat_id, client_date) WHERE client_date IS NOT NULL;`);
  const user = db.prepare('INSERT INTO users (name, created_at) VALUES (?, ?)');
  const token = db.prepare('INSERT INTO tokens (user_id, hash) VALUES (?, ?)');
  const chat = db.prepare('INSERT OR IGNORE INTO chats (id, seller, client) VALUES (?, ?, ?)');
  const original = db.prepare(
    `SELECT id FROM messages WHERE chat_id = ? AND client_date = ? AND side = ? AND text = ? AND created_at >= ?
     ORDER BY id LIMIT 1`,
  );
  const insert = db.prepare(
    'INSERT INTO messages (chat_id, side, text, client_date, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const store = ([chat, side, text, clientDate, date]) =>
    original.get(chat, clientDate, side, text, date - 60)?.id ??
    Number(insert.run(chat, side, text, clientDate, date).lastInsertRowid);
  const newClient = (pair) => {
    const id = Number(user.run(`n${pair}`, Date.now()).lastInsertRowid);
    const secret = randomBytes(32).toString('hex');
    token.run(id, createHash('sha256').update(secret).digest('hex'));
    chat.run(pair, pair % 100, id);
    return secret;
  };
  const byToken = db.prepare(
    'SELECT users.id, users.name FROM tokens JOIN users ON users.id = tokens.user_id WHERE tokens.hash = ?',
  );
  const chatOf = db.prepare('SELECT id FROM chats WHERE client = ?');
  const history = db.prepare('SELECT id, text, created_at FROM messages WHERE chat_id = ? ORDER BY id DESC LIMIT 100');
  /** A token sign-in's reply: the client's user by its token's hash, its chat and the chat's newest messages. */
  const signIn = (secret) => {
    const user = byToken.get(createHash('sha256').update(secret).digest('hex'));
    const chat = user && chatOf.get(user.id);
    if (!chat) return JSON.stringify({ command: 'auth', data: null, error: 'USER_NOT_FOUND' });
    const messages = history
      .all(chat.id)
      .reverse()
      .map(({ id, text, created_at: date }) => ({ id, text, date }));
    return JSON.stringify({
      command: 'auth',
      data: { name: user.name, chats: { [chat.id]: { chatter: 'x', messages } } },
    });
  };
  const commit = db.transaction((batch) => batch.map(({ work }) => work()));
  let pending = [];
  const flush = () => {
    const batch = pending;
    pending = [];
    const results = commit(batch);
    batch.forEach(({ done }, i) => done(results[i]));
  };
  /** Runs `work` in this tick's transaction, and `done` with its result once that has committed. */
  const inTick = (work, done) => {
    if (pending.length === 0) setImmediate(flush);
    pending.push({ work, done });
  };
  return {
    signIn,
    newClient: (pair, done) => inTick(() => newClient(pair), done),
    append: (values, stored) => inTick(() => store(values), stored),
  };
}

/** A WebSocket text frame (server to client: unmasked) of `text`, the same bytes Chatgate's direct writes frame. */
function textFrame(text) {
  return Buffer.concat(
    Sender.frame(Buffer.from(text), { readOnly: false, mask: false, rsv1: false, opcode: 1, fin: true }),
  );
}

/** The floor of a broadcast: one `write` of one shared frame to each member's TCP socket, nothing else. */
function writeToEach(io, ids, frame) {
  const sockets = io.of('/').sockets;
  for (const id of ids ?? []) sockets.get(id)?.conn.transport.socket?._socket?.write(frame);
}

http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${http.address().port}`);
});
process.on('SIGTERM', () => process.exit(0));
