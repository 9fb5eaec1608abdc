import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebhookReceiver } from '../../test/support/webhook-receiver.js';
import { WebhookSender } from './webhook-sender.js';

describe('WebhookSender', () => {
  const secret = 'whsec_c2VlZGVkIHRlc3Qgc2VjcmV0IG9ubHkhISE=';
  const payload = '{"type":"lobby.message.created","timestamp":"2026-12-06T12:10:24.802Z","data":{"appId":1}}';
  const uid = 'msg_0123456789abcdef0123456789abcdef';
  let receiver: WebhookReceiver;
  let sender: WebhookSender;

  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
    sender = new WebhookSender();
  });
  afterEach(async () => {
    sender.close();
    await receiver.close();
  });

  // Attempts that must succeed get a bound no loaded machine reaches: only the timeout test's own is short.
  const allowed = { timeoutMs: 30_000, allowPrivate: true };
  const nameUrl = () => receiver.url.replace('127.0.0.1', 'localhost');

  it('POSTs the body signed for standardwebhooks, to an address and to a name, over kept-alive connections', async () => {
    expect(await sender.post({ url: receiver.url, secret, uid, payload }, allowed)).toEqual({ status: 200 });
    expect(await sender.post({ url: receiver.url, secret, uid, payload }, allowed)).toEqual({ status: 200 });
    expect(await sender.post({ url: nameUrl(), secret, uid, payload }, allowed)).toEqual({ status: 200 });
    const received = await receiver.waitFor(3);
    expect(received.map((r) => r.body)).toEqual([payload, payload, payload]);
    for (const request of received) {
      expect(WebhookReceiver.verify(secret, request)).toEqual(JSON.parse(payload));
      expect(request.headers).toMatchObject({
        'webhook-id': uid,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(payload)),
      });
    }
    // One connection per host as written: the second attempt to the address reused the first one's.
    expect(receiver.connections).toBe(2);
  });

  it('refuses a name that resolves to loopback at the attempt, and sends nothing', async () => {
    const outcome = await sender.post({ url: nameUrl(), secret, uid, payload }, { ...allowed, allowPrivate: false });
    expect(outcome).toEqual({ error: 'the host resolves to a loopback, private or link-local address' });
    const literal = await sender.post({ url: receiver.url, secret, uid, payload }, { ...allowed, allowPrivate: false });
    expect(literal).toEqual(outcome);
    expect(receiver.received).toEqual([]);
    expect(receiver.connections).toBe(0);
  });

  it('refuses what is not an http(s) URL', async () => {
    expect(await sender.post({ url: 'ftp://127.0.0.1/x', secret, uid, payload }, allowed)).toEqual({
      error: 'not an http(s) URL',
    });
    expect(await sender.post({ url: 'not a url', secret, uid, payload }, allowed)).toEqual({ error: 'not a URL' });
  });

  it('cuts an attempt with no status line by the timeout, and one whose answer never ends too', async () => {
    receiver.answer = () => undefined;
    expect(
      await sender.post({ url: receiver.url, secret, uid, payload }, { timeoutMs: 200, allowPrivate: true }),
    ).toEqual({ error: 'timed out' });
    const closed = new Promise<void>(
      (resolve) =>
        (receiver.answer = (_, response) => {
          response.writeHead(200).write('partial');
          response.on('close', () => resolve());
        }),
    );
    expect(
      await sender.post({ url: receiver.url, secret, uid, payload }, { timeoutMs: 200, allowPrivate: true }),
    ).toEqual({ status: 200 });
    await closed;
  });
});
