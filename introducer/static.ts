// Safe static file serving: only files under the root (after resolving symlinks), GET/HEAD only.
import { createReadStream, promises as fs } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
};

export function contentTypeFor(filePath: string): string {
  return CONTENT_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticResolution =
  | { ok: true; filePath: string }
  | { ok: false; status: 400 | 403 | 404; reason: string };

function isInside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root + path.sep);
}

/**
 * Maps a URL pathname to a file under `root`. Refuses encoded traversal, NUL bytes and symlinks
 * that lead outside the root; a directory maps to its index.html.
 */
export async function resolveStaticPath(root: string, urlPathname: string): Promise<StaticResolution> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPathname);
  } catch {
    return { ok: false, status: 400, reason: 'malformed percent-encoding' };
  }
  if (decoded.includes('\0')) return { ok: false, status: 400, reason: 'NUL byte in path' };
  // Backslashes are separators on Windows; refuse them everywhere so behaviour is the same on every OS.
  if (decoded.includes('\\')) return { ok: false, status: 400, reason: 'backslash in path' };
  if (decoded.split('/').includes('..')) return { ok: false, status: 403, reason: 'path traversal' };

  let realRoot: string;
  try {
    realRoot = await fs.realpath(root);
  } catch {
    return { ok: false, status: 404, reason: 'static root missing' };
  }
  let candidate = path.resolve(realRoot, '.' + path.posix.normalize('/' + decoded));
  if (!isInside(realRoot, candidate)) return { ok: false, status: 403, reason: 'path traversal' };
  try {
    candidate = await fs.realpath(candidate);
    if (!isInside(realRoot, candidate)) return { ok: false, status: 403, reason: 'symlink leads outside the root' };
    let stat = await fs.stat(candidate);
    if (stat.isDirectory()) {
      candidate = path.join(candidate, 'index.html');
      candidate = await fs.realpath(candidate);
      if (!isInside(realRoot, candidate)) return { ok: false, status: 403, reason: 'symlink leads outside the root' };
      stat = await fs.stat(candidate);
    }
    if (!stat.isFile()) return { ok: false, status: 404, reason: 'not a regular file' };
    return { ok: true, filePath: candidate };
  } catch {
    return { ok: false, status: 404, reason: 'not found' };
  }
}

/** Serves one request from `root`; always ends the response, never throws. */
export async function serveStatic(root: string, pathname: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
    return;
  }
  const resolved = await resolveStaticPath(root, pathname);
  if (!resolved.ok) {
    res.writeHead(resolved.status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${resolved.reason}\n`);
    return;
  }
  let size: number;
  try {
    size = (await fs.stat(resolved.filePath)).size;
  } catch {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
    return;
  }
  res.writeHead(200, {
    'Content-Type': contentTypeFor(resolved.filePath),
    'Content-Length': size,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(resolved.filePath);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
