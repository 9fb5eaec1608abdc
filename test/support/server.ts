import type { INestApplication } from '@nestjs/common';
import { startSimulatedCluster } from './simulated-cluster.js';
import { startTestingApp } from './testing-app.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestServer {
  app: INestApplication;
  url: string;
  api: Api;
  close(): Promise<void>;
}

/**
 * The whole app on a fresh database, listening on a free loopback port. With TEST_CLUSTER=1, two instances
 * joined by an asynchronous bus behind a sticky front server instead (simulated-cluster.ts).
 */
export async function startServer(env: Record<string, string> = {}): Promise<TestServer> {
  if (process.env.TEST_CLUSTER === '1') return startSimulatedCluster({ env });
  return startTestingApp({ env });
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

/** The provisioning API as a site's backend calls it. */
export class Api {
  constructor(
    readonly url: string,
    private readonly token: string | null = ADMIN_TOKEN,
  ) {}

  as(token: string | null): Api {
    return new Api(this.url, token);
  }

  async request<T = any>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {};
    if (this.token !== null) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(this.url + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }

  get = <T = any>(path: string) => this.request<T>('GET', path);
  post = <T = any>(path: string, body?: unknown) => this.request<T>('POST', path, body);
  patch = <T = any>(path: string, body?: unknown) => this.request<T>('PATCH', path, body);
  delete = <T = any>(path: string) => this.request<T>('DELETE', path);

  /** Creates an app and returns its id, failing loudly on anything but 201. */
  async createApp(owners: string[] = [], mods: string[] = []): Promise<number> {
    const res = await this.post('/api/apps', { name: 'Test app', owners, mods });
    if (res.status !== 201) throw new Error(`createApp: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id;
  }

  /** Creates a user with a token; returns the user and the hashed token a widget would send. */
  async createUser(
    uname: string,
    role?: 'admin' | 'mod' | 'member',
  ): Promise<{ id: number; uname: string; role: string; hashedToken: string }> {
    const created = await this.post('/api/users', role ? { uname, role } : { uname });
    if (created.status !== 201) throw new Error(`createUser: ${created.status} ${JSON.stringify(created.body)}`);
    const token = await this.post(`/api/users/${uname}/tokens`);
    return { ...created.body, hashedToken: token.body.hashed_token };
  }
}

let counter = 0;
/** A uname no other test of this run uses. */
export function uniqueUname(prefix: string): string {
  counter += 1;
  return `${prefix}_${process.pid % 10000}_${counter}`;
}
