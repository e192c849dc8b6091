// Serves a built site from a sub-folder of http://127.0.0.1 (a secure context, as WebGPU needs), so
// the tests also prove the build's asset paths are relative.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export interface StaticSite {
  /** The site's address, ending in `/`. */
  url: string;
  close(): Promise<void>;
}

/** `headers` go on every response (e.g. COOP/COEP, to make the pages cross-origin isolated). */
export async function serveStatic(
  root: string,
  folder = '/some/folder/',
  headers: Record<string, string> = {},
): Promise<StaticSite> {
  const server: Server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (!path.startsWith(folder)) {
      response.writeHead(404).end();
      return;
    }
    const relative = normalize(path.slice(folder.length) || 'index.html');
    if (relative.startsWith('..')) {
      response.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(join(root, relative));
      const type = TYPES[extname(relative)] ?? 'application/octet-stream';
      response.writeHead(200, { ...headers, 'content-type': type }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${folder}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
