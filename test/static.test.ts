import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODULES } from '../src/server/modules/index.js';
import { buildApp, inlineScriptHashes } from '../src/server/platform/http/app.js';
import { createTestApp, type TestApp } from './helpers/app.js';

// The web build as vite.config.ts leaves it: hashed assets with their .br and .gz copies.
const js = `export const page = ${JSON.stringify('网格员的一天 '.repeat(400))};\n`;
const inline = "document.title = '家园';";
const html = `<!doctype html><html><head><title>家园</title><script type="module" crossorigin src="/assets/index-Ab12.js"></script></head><body>${'<!-- x -->'.repeat(200)}<div id="root"></div><script>${inline}</script></body></html>`;

let t: TestApp;
let web: FastifyInstance;
let dir: string;
beforeAll(async () => {
  t = await createTestApp();
  dir = mkdtempSync(path.join(tmpdir(), 'jiayuan-web-'));
  mkdirSync(path.join(dir, 'assets'));
  for (const [name, body] of [
    ['index.html', html],
    ['assets/MyDayPage-Ab12Cd34.js', js],
  ] as const) {
    writeFileSync(path.join(dir, name), body);
    writeFileSync(path.join(dir, `${name}.br`), brotliCompressSync(body));
    writeFileSync(path.join(dir, `${name}.gz`), gzipSync(body));
  }
  web = await buildApp(t.services, MODULES, { webDir: dir });
});
afterAll(async () => {
  await web.close();
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the web app on a phone link', () => {
  it('sends a hashed asset precompressed by Accept-Encoding, cached for a year', async () => {
    const get = (encoding?: string) =>
      web.inject({
        method: 'GET',
        url: '/assets/MyDayPage-Ab12Cd34.js',
        headers: encoding ? { 'accept-encoding': encoding } : {},
      });
    const br = await get('gzip, deflate, br, zstd');
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.rawPayload.length).toBeLessThan(js.length / 5);

    const gz = await get('gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.rawPayload.length).toBeLessThan(js.length / 5);

    const plain = await get();
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(js);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('never caches the page itself, on its address or on a deep link, and compresses it too', async () => {
    for (const url of ['/', '/visits/my-day']) {
      const r = await web.inject({ method: 'GET', url, headers: { 'accept-encoding': 'br' } });
      expect(r.statusCode, url).toBe(200);
      expect(r.headers['cache-control'], url).toBe('no-cache');
      expect(r.headers['content-encoding'], url).toBe('br');
    }
  });

  it("allows the page's own inline scripts by their hashes, and no other inline script", async () => {
    const r = await web.inject({ method: 'GET', url: '/login' });
    const csp = String(r.headers['content-security-policy']);
    const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src'))!;
    // sha256 of the inline script's text, worked out with `printf %s "$s" | openssl dgst -sha256 -binary | base64`.
    expect(scriptSrc.trim()).toBe("script-src 'self' 'sha256-H5q6bKFGBwC/kWA+mZGiP52Y7KSi6l7PHmOAwo9QU2M='");
    expect(scriptSrc).not.toMatch(/unsafe-inline/);
    expect(
      inlineScriptHashes('<script src="/a.js"></script><script type="module" src="/b.js"></script>'),
    ).toBe('');
  });
});
