import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatUsersService } from '../src/chats/chat-users.service.js';
import { Clock } from '../src/common/clock.js';
import { clusterSettings } from '../src/config/areas/cluster.settings.js';
import { settingsOf } from '../src/config/settings-area.js';
import { InstanceIdentity } from '../src/realtime/bus/instance-identity.js';
import { InMemoryPresenceStore } from '../src/realtime/presence/in-memory-presence.store.js';
import { PresenceStore } from '../src/realtime/presence/presence-store.js';
import { PresenceService } from '../src/realtime/presence/presence.service.js';
import { ONLINE_PLACE } from '../src/seller/seller-chat.types.js';
import { SellerModule } from '../src/seller/seller.module.js';
import { ChatgateTestingModule } from '../src/testing/index.js';
import { FakeClock } from './support/fake-clock.js';
import { SellerClient } from './support/seller-client.js';
import type { TestServer } from './support/server.js';
import { ROOMY_LIMITS, serveTestingModule } from './support/testing-app.js';

const PRESENCE_TTL_MS = 3000;

describe('SellerModule alone under Nest’s testing harness: a fake clock and another instance', () => {
  const clock = new FakeClock(Date.UTC(2030, 5, 1, 12, 0, 0));
  const presenceStore = new InMemoryPresenceStore();
  let server: TestServer;
  const clients: SellerClient[] = [];
  const connect = async () => {
    const client = await SellerClient.connect(server.url);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    const env = { PRESENCE_TTL_MS: String(PRESENCE_TTL_MS), LOG_LEVEL: 'error', ...ROOMY_LIMITS };
    server = await serveTestingModule(
      Test.createTestingModule({ imports: [ChatgateTestingModule.forRoot({ env }), SellerModule] })
        .overrideProvider(Clock)
        .useValue(clock)
        .overrideProvider(PresenceStore)
        .useValue(presenceStore),
    );
  });
  /** Sellers are provisioned by the site through the admin API; with SellerModule alone, by its service. */
  const createSeller = (name: string) => server.app.get(ChatUsersService).createSeller(name);
  afterAll(async () => {
    clients.forEach((client) => client.close());
    await server.close();
  });

  it('dates messages by the injected clock', async () => {
    const seller = await createSeller('Timekeeper');
    const tab = await connect();
    await tab.request('auth', { id: seller.id, token: seller.token });
    const client = await connect();
    const [auth] = await client.request('auth', { name: 'Ada', sellerId: seller.id }, 2);
    const chatId = Number(Object.keys(auth.data.chats)[0]);
    const [ack] = await client.request('message', { text: 'when?', clientDate: 5, chatId });
    expect(ack.data).toEqual({
      id: ack.data.id,
      text: 'when?',
      date: Date.UTC(2030, 5, 1, 12, 0, 0) / 1000,
      chatId,
      clientDate: 5,
      my: true,
    });
  });

  it('answers a resend within a minute with the original, and stores it anew after that', async () => {
    const seller = await createSeller('Patient');
    const tab = await connect();
    await tab.request('auth', { id: seller.id, token: seller.token });
    const client = await connect();
    const [auth] = await client.request('auth', { name: 'Cy', sellerId: seller.id }, 2);
    const chatId = Number(Object.keys(auth.data.chats)[0]);
    const message = { text: 'again?', clientDate: 11, chatId };
    const [original] = await client.request('message', message);
    clock.advance(60_000);
    expect(await client.request('message', message)).toEqual([original]);
    clock.advance(1);
    const [later] = await client.request('message', message);
    expect(later.data).toEqual({ ...original.data, id: later.data.id, date: original.data.date + 60 });
    expect(later.data.id).toBeGreaterThan(original.data.id);
    expect((await tab.waitFor('message', 2)).map((frame) => frame.data.id)).toEqual([original.data.id, later.data.id]);
  });

  it('takes a seller offline when the instance holding its connection stops renewing, with status false', async () => {
    const seller = await createSeller('Elsewhere');
    const cluster = settingsOf(server.app, clusterSettings);
    // The seller's tab is on another instance, which renews once and then goes silent.
    const silent = new PresenceService(presenceStore, new InstanceIdentity(), new FakeClock(clock.now()), cluster);
    await silent.onModuleInit();
    await silent.join(ONLINE_PLACE, { id: seller.id }, 'tab-elsewhere');

    const client = await connect();
    const [auth, status] = await client.request('auth', { name: 'Bo', sellerId: seller.id }, 2);
    const chatId = Number(Object.keys(auth.data.chats)[0]);
    expect(status).toEqual({ command: 'status', data: { chatId, status: true } });

    clock.advance(PRESENCE_TTL_MS); // the lease has not run out yet
    // The renewals the clock started are in flight: one more, awaited, comes after them (the store answers in
    // order), so any status they pushed is on the wire before the marker's refusal, on the same connection.
    await server.app.get(PresenceService).tick();
    expect(await client.request('message', { clientDate: 1 })).toEqual([
      { command: 'message', data: { clientDate: 1 }, error: 'CHAT_ID_IS_REQUIRED' },
    ]);
    expect(client.of('status')).toHaveLength(1);
    clock.advance(PRESENCE_TTL_MS / 3 + 1);
    expect(await client.waitFor('status', 2)).toEqual([status, { command: 'status', data: { chatId, status: false } }]);
    const [refused] = await client.request('message', { text: 'anyone?', clientDate: 6, chatId });
    expect(refused).toEqual({
      command: 'message',
      data: { text: 'anyone?', clientDate: 6, chatId },
      error: 'USER_IS_NOT_ONLINE',
    });
  });
});
