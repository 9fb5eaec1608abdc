import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './until.js';

const NGINX = '/usr/sbin/nginx';

export interface ReverseProxy {
  /** http://127.0.0.1:<port> of the proxy. */
  url: string;
  close(): Promise<void>;
}

/**
 * Debian's nginx in front of `upstreamUrl`, configured as deploy/nginx.conf proxies Chatgate (WebSocket upgrades,
 * `X-Forwarded-For $proxy_add_x_forwarded_for`), in a directory of its own, stopped by `close`. .ci/run installs
 * nginx; a machine without it fails here, saying so.
 */
export async function startNginx(upstreamUrl: string): Promise<ReverseProxy> {
  if (!existsSync(NGINX)) throw new Error(`${NGINX} is missing: apt-get install nginx (.ci/run does)`);
  const dir = mkdtempSync(join(tmpdir(), 'chatgate-nginx-'));
  const port = await freePort();
  const upstream = new URL(upstreamUrl).host;
  writeFileSync(
    join(dir, 'nginx.conf'),
    `
worker_processes 1;
worker_rlimit_nofile 8192;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://${upstream};
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_read_timeout 120s;
    }
  }
}
`,
  );
  // Run as root, nginx's workers become nobody, who must reach the temporary directories the master makes there.
  chmodSync(dir, 0o755);
  const child: ChildProcess = spawn(
    NGINX,
    ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForPort(port, () => (child.exitCode !== null ? `nginx exited: ${stderr}` : null));
  } catch (error) {
    // An nginx that does not come up is not left running behind the failed test (SIGTERM: its workers stop too).
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitForPort(port: number, failed: () => string | null): Promise<void> {
  await until(
    () => {
      const problem = failed();
      if (problem) throw new Error(problem);
      return new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.destroy();
          resolve(true);
        }).on('error', () => resolve(false));
      });
    },
    { what: `nginx listening on ${port}`, timeoutMs: 5000 },
  );
}
