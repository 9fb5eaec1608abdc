import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { webhookSignature } from './webhook-signature.js';

describe('webhookSignature', () => {
  const id = 'msg_0123456789abcdef0123456789abcdef';
  const bodies = [
    '{"type":"lobby.message.created","timestamp":"2026-12-06T12:10:24.802Z","data":{"text":"hi"}}',
    JSON.stringify({ type: 'seller.message.created', data: { text: 'über 10 € 👍 "quoted" \\ \n' } }),
    '',
  ];
  const secrets = [
    `whsec_${randomBytes(24).toString('base64')}`,
    'whsec_c2VlZGVkIHRlc3Qgc2VjcmV0IG9ubHkhISE=',
    `whsec_${randomBytes(32).toString('base64')}`,
  ];

  it('signs exactly as the standardwebhooks package does', () => {
    const at = new Date('2026-12-06T12:10:24.802Z');
    for (const secret of secrets) {
      for (const body of bodies) {
        expect(webhookSignature(secret, id, Math.floor(at.getTime() / 1000), body)).toBe(
          new Webhook(secret).sign(id, at, body),
        );
      }
    }
  });

  it('is accepted by standardwebhooks verify, and a changed body or timestamp is not', () => {
    const secret = secrets[0];
    const timestamp = String(Math.floor(Date.now() / 1000));
    const body = bodies[1];
    const headers = { 'webhook-id': id, 'webhook-timestamp': timestamp };
    const signed = { ...headers, 'webhook-signature': webhookSignature(secret, id, Number(timestamp), body) };
    expect(new Webhook(secret).verify(body, signed)).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret).verify(`${body} `, signed)).toThrow('No matching signature found');
    const earlier = String(Number(timestamp) - 1);
    expect(() => new Webhook(secret).verify(body, { ...signed, 'webhook-timestamp': earlier })).toThrow(
      'No matching signature found',
    );
  });
});
