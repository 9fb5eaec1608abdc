import { createServer, type Server } from 'node:http';

export interface EmbeddingSite {
  /** A page of this site that loads `widget` from Chatgate and starts it with `options`, as the README says. */
  pageUrl(widget: 'lobby' | 'seller-chat', options: Record<string, unknown>): string;
  close(): Promise<void>;
}

/**
 * Another origin than Chatgate (its own loopback port) whose pages embed a widget the way a site does: a <script>
 * from the Chatgate server and one call. The site's own page may use inline script; only Chatgate's pages may not.
 */
export async function startEmbeddingSite(chatgateUrl: string): Promise<EmbeddingSite> {
  const starters = { lobby: 'ChatgateLobby', 'seller-chat': 'ChatgateSellerChat' } as const;
  const server: Server = createServer((req, res) => {
    const { pathname, searchParams } = new URL(req.url ?? '/', 'http://site');
    const widget = pathname.slice(1) as keyof typeof starters;
    if (!(widget in starters)) return void res.writeHead(404).end();
    const options = { element: '#chat', ...JSON.parse(searchParams.get('options') ?? '{}') };
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(
        `<!doctype html><meta charset="utf-8"><title>a site</title><div id="chat"></div>` +
          `<script src="${chatgateUrl}/widgets/${widget}.js"></script>` +
          `<script>window.chat = ${starters[widget]}(${JSON.stringify(options)});</script>`,
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    pageUrl: (widget, options) =>
      `http://127.0.0.1:${port}/${widget}?options=${encodeURIComponent(JSON.stringify(options))}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
