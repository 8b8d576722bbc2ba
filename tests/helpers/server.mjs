// @ts-check
/* server.mjs - a tiny static file server for dist/: `make serve` runs it, the browser tests import it.
 *
 * Owns: GET/HEAD of files under one folder, bound to 127.0.0.1 only, with the MIME types the page
 * needs (application/wasm lets WebAssembly.instantiateStreaming compile while downloading;
 * module scripts are refused without a JavaScript type), and `Cache-Control: no-store` so a
 * rebuilt .wasm is never served stale. Does not: list folders, follow paths out of the root,
 * or do anything but GET/HEAD.
 *
 *   node tests/helpers/server.mjs [folder=dist] [port=8000]     (port 0 = any free port)
 *   const srv = await serveStatic('dist'); srv.url; await srv.close();
 */
import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

/**
 * Serves `root` on http://host:port/ until close(); "/" and folders serve their index.html.
 * @param {string} root folder to serve
 * @param {{ port?: number, host?: string }} [opts] port 0 (default) picks a free port
 * @returns {Promise<{ server: http.Server, url: string, port: number, close: () => Promise<void> }>}
 */
export async function serveStatic(root, { port = 0, host = '127.0.0.1' } = {}) {
  const base = path.resolve(root);
  const server = http.createServer(async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    let file;
    try {
      // The path part of the request target, taken as is ("//x" is a path here, not a host).
      const rel = decodeURIComponent((req.url ?? '/').split(/[?#]/)[0]);
      file = path.join(base, rel);
      if (file !== base && !file.startsWith(base + path.sep)) throw new Error('outside root');
      if ((await fs.stat(file)).isDirectory()) file = path.join(file, 'index.html');
      const body = await fs.readFile(file);
      res.writeHead(200, {
        'Content-Type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Length': body.length,
        'Cache-Control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(undefined));
  });
  const addr = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    server,
    port: addr.port,
    url: `http://${host}:${addr.port}/`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve(undefined));
    }),
  };
}

// Command line: serve until Ctrl-C.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const root = process.argv[2] ?? 'dist';
  const port = Number(process.argv[3] ?? process.env.PORT ?? 8000);
  try {
    await fs.access(path.join(root, 'index.html'));
  } catch {
    console.error(`server: ${root}/index.html not found (run: make dist)`);
    process.exit(1);
  }
  try {
    const srv = await serveStatic(root, { port });
    console.log(`rnnlab: serving ${root}/ at ${srv.url}  (Ctrl-C to stop)`);
  } catch (err) {
    const e = /** @type {NodeJS.ErrnoException} */ (err);
    console.error(e.code === 'EADDRINUSE'
      ? `server: port ${port} is in use; pick another: make serve PORT=${port + 1}`
      : `server: ${e.message}`);
    process.exit(1);
  }
}
