// A hang means a missing frame: fail fast instead of waiting for the global two-minute timeout.
jest.setTimeout(10_000);

import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { contentTypeFor, resolveStaticPath } from './static';
import { cleanup, startTestIntroducer } from './test-support';

let base: string;
let root: string;

beforeAll(() => {
  base = mkdtempSync(path.join(tmpdir(), 'introducer-static-'));
  root = path.join(base, 'public');
  mkdirSync(path.join(root, 'sub'), { recursive: true });
  writeFileSync(path.join(base, 'secret.txt'), 'TOP SECRET');
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>raftbed</title>');
  writeFileSync(path.join(root, 'app.js'), 'console.log(1)');
  writeFileSync(path.join(root, 'style.css'), 'body{}');
  writeFileSync(path.join(root, 'data.json'), '{"a":1}');
  writeFileSync(path.join(root, 'blob.bin'), 'xx');
  writeFileSync(path.join(root, 'sub', 'index.html'), 'sub index');
  symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'escape.txt'));
  // A sibling whose name starts with the root's name must not count as "inside".
  mkdirSync(path.join(base, 'public-evil'));
  writeFileSync(path.join(base, 'public-evil', 'x.txt'), 'evil');
});

afterAll(() => rmSync(base, { recursive: true, force: true }));
afterEach(cleanup);

/** Raw GET so the path reaches the server exactly as written (fetch would normalise "..").
 */
function rawGet(port: number, rawPath: string, method = 'GET'): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: rawPath, method, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('resolveStaticPath', () => {
  it.each([
    ['/../secret.txt', 403],
    ['/sub/../../secret.txt', 403],
    ['/%2e%2e/secret.txt', 403],
    ['/..%2fsecret.txt', 403],
    ['/sub/..%2F..%2Fsecret.txt', 403],
    ['/..%5csecret.txt', 400],
    ['/%00index.html', 400],
    ['/%E0%A4%A', 400],
    ['/escape.txt', 403],
    ['/../public-evil/x.txt', 403],
    ['/missing.html', 404],
  ])('refuses %s with %i', async (urlPath, status) => {
    const result = await resolveStaticPath(root, urlPath);
    expect(result).toMatchObject({ ok: false, status });
  });

  it('maps directories to index.html and files to themselves', async () => {
    expect(await resolveStaticPath(root, '/')).toEqual({ ok: true, filePath: path.join(root, 'index.html') });
    expect(await resolveStaticPath(root, '/sub/')).toEqual({ ok: true, filePath: path.join(root, 'sub', 'index.html') });
    expect(await resolveStaticPath(root, '/app.js')).toEqual({ ok: true, filePath: path.join(root, 'app.js') });
  });

  it('names content types for the web formats and falls back to octet-stream', () => {
    expect(contentTypeFor('a.html')).toMatch(/^text\/html/);
    expect(contentTypeFor('a.JS')).toMatch(/^text\/javascript/);
    expect(contentTypeFor('a.css')).toMatch(/^text\/css/);
    expect(contentTypeFor('a.json')).toMatch(/^application\/json/);
    expect(contentTypeFor('a.exe')).toBe('application/octet-stream');
  });
});

describe('static files over the introducer HTTP server', () => {
  it('serves files with correct content types and refuses traversal', async () => {
    const handle = await startTestIntroducer({ staticDir: root });
    const cases: Array<[string, number, RegExp, string?]> = [
      ['/', 200, /^text\/html/, '<!doctype html><title>raftbed</title>'],
      ['/app.js', 200, /^text\/javascript/, 'console.log(1)'],
      ['/style.css', 200, /^text\/css/, 'body{}'],
      ['/data.json', 200, /^application\/json/, '{"a":1}'],
      ['/blob.bin', 200, /^application\/octet-stream/],
      ['/sub', 200, /^text\/html/, 'sub index'],
      ['/app.js?v=3', 200, /^text\/javascript/],
      ['/../secret.txt', 403, /^text\/plain/],
      ['/%2e%2e/secret.txt', 403, /^text\/plain/],
      ['/..%2f..%2fetc%2fpasswd', 403, /^text\/plain/],
      ['/escape.txt', 403, /^text\/plain/],
      ['/nope.js', 404, /^text\/plain/],
    ];
    for (const [rawPath, status, type, body] of cases) {
      const response = await rawGet(handle.port, rawPath);
      expect({ rawPath, status: response.status }).toEqual({ rawPath, status });
      expect(response.type).toMatch(type);
      expect(response.body).not.toContain('TOP SECRET');
      if (body !== undefined) expect(response.body).toBe(body);
    }
    expect((await rawGet(handle.port, '/app.js', 'POST')).status).toBe(405);
    const head = await rawGet(handle.port, '/app.js', 'HEAD');
    expect(head).toMatchObject({ status: 200, body: '' });
    // The WebSocket endpoint and health stay reachable next to static files.
    expect((await rawGet(handle.port, '/healthz')).status).toBe(200);
  });

  it('answers 404 for everything but its own endpoints when no directory is configured', async () => {
    const handle = await startTestIntroducer();
    expect((await rawGet(handle.port, '/index.html')).status).toBe(404);
  });
});
