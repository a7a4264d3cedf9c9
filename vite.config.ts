import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, gzip, constants as zlib } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('./src/web', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/web', import.meta.url));
const server = process.env.JY_API_URL ?? 'http://127.0.0.1:3000';

/**
 * Vendor chunks: antd alone is over 1 MB minified, so it gets its own chunk, as do its icons, React with
 * the router, TanStack Query and zod (the contract's schemas). Pages are split by React.lazy in routes.tsx.
 */
const vendorGroups: { name: string; test: RegExp; priority: number }[] = [
  { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/, priority: 30 },
  { name: 'query', test: /node_modules[\\/]@tanstack[\\/]/, priority: 30 },
  { name: 'zod', test: /node_modules[\\/]zod[\\/]/, priority: 30 },
  // Only the dashboard and the screen draw charts: their own chunk, never in the login's vendor chunk.
  { name: 'echarts', test: /node_modules[\\/](echarts|zrender)[\\/]/, priority: 30 },
];
const brotli = promisify(brotliCompress);
const gz = promisify(gzip);
/** What is worth compressing: text. Images, fonts in woff2 and the like are compressed already. */
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|map|wasm)$/;

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}

/**
 * Writes `x.br` (brotli, best quality) and `x.gz` (gzip -9) beside every text asset of the build,
 * once, so the server sends the smaller file by Accept-Encoding without compressing per request
 * (@fastify/static `preCompressed`). A copy that saves nothing is not written. antd's chunk goes
 * from ~680 KB to ~170 KB in brotli: the first load on a phone link is mostly these bytes.
 */
function precompress(): Plugin {
  return {
    name: 'jiayuan-precompress',
    apply: 'build',
    async closeBundle() {
      const files = (await filesUnder(outDir)).filter((f) => COMPRESSIBLE.test(f) && !f.endsWith('.map'));
      let raw = 0;
      let br = 0;
      await Promise.all(
        files.map(async (f) => {
          const body = await readFile(f);
          if (body.length < 1024) return;
          const [b, g] = await Promise.all([
            brotli(body, {
              params: {
                [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY,
                [zlib.BROTLI_PARAM_SIZE_HINT]: body.length,
              },
            }),
            gz(body, { level: 9 }),
          ]);
          raw += body.length;
          br += Math.min(b.length, body.length);
          if (b.length < body.length) await writeFile(`${f}.br`, b);
          if (g.length < body.length) await writeFile(`${f}.gz`, g);
        }),
      );
      console.log(`precompressed ${files.length} web files: ${raw} bytes, ${br} in brotli`);
    },
  };
}

/**
 * Where the first screen of a signed-in phone lands: the shell and the phone's daily places (the same
 * list as `prefetchRoute` in app/routes.tsx, which fetches them again from the app — the browser keeps
 * one copy). Keyed by the path they open; `layout` is the shell every one of them needs.
 */
const PRELOADED_PAGES: [string, string][] = [
  ['layout', 'app/layout.tsx'],
  ['/visits/my-day', 'pages/visits/MyDayPage.tsx'],
  ['/cases/new', 'pages/cases/ReportPage.tsx'],
  ['/cases', 'pages/cases/CasesPage.tsx'],
  ['/people', 'pages/registry/PeoplePage.tsx'],
  ['/', 'pages/home/HomePage.tsx'],
];

/**
 * Route preloads: a small inline script in index.html's head that asks, from the path being opened
 * (or, on /login, the path the user will be sent to), for the shell's and the page's chunks with
 * `<link rel="modulepreload">`, so they download beside the app's entry instead of after it has run
 * and checked the session — one round trip instead of three on a phone's link. Only chunks outside
 * the entry's own imports (those come anyway). The server allows the script by its hash.
 */
function routePreloads(): Plugin {
  return {
    name: 'jiayuan-route-preloads',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle;
        if (!bundle) return html;
        type Chunk = {
          type: 'chunk';
          fileName: string;
          facadeModuleId: string | null;
          isEntry: boolean;
          imports: string[];
          viteMetadata?: { importedCss: Set<string> };
        };
        const chunks = Object.values(bundle).filter((c): c is never => c.type === 'chunk') as Chunk[];
        const byFile = new Map(chunks.map((c) => [c.fileName, c]));
        const closure = (start: string[]): Set<string> => {
          const seen = new Set<string>();
          const walk = (f: string) => {
            if (seen.has(f)) return;
            seen.add(f);
            for (const i of byFile.get(f)?.imports ?? []) walk(i);
          };
          for (const f of start) walk(f);
          return seen;
        };
        const entry = closure(chunks.filter((c) => c.isEntry).map((c) => c.fileName));
        const map: Record<string, string[]> = {};
        for (const [key, source] of PRELOADED_PAGES) {
          const chunk = chunks.find((c) => c.facadeModuleId === path.join(root, source));
          if (!chunk) throw new Error(`route preloads: no chunk for ${source}`);
          const files = [...closure([chunk.fileName])].filter((f) => !entry.has(f));
          const css = files.flatMap((f) => [...(byFile.get(f)?.viteMetadata?.importedCss ?? [])]);
          map[key] = [...files, ...css].map((f) => `/${f}`);
        }
        const script = `(function(m){var p=location.pathname;if(p==='/login'){var r=new URLSearchParams(location.search).get('redirect')||'/';p=r.charAt(0)==='/'&&r.charAt(1)!=='/'?r.split('?')[0]:'/'}var k=p==='/'?'/':Object.keys(m).filter(function(x){return x!=='/'&&x!=='layout'&&(p===x||p.indexOf(x+'/')===0)})[0];var fs=m.layout.concat(k?m[k]:[]);fs.forEach(function(f){var l=document.createElement('link');if(/\\.css$/.test(f)){l.rel='preload';l.as='style'}else{l.rel='modulepreload';l.crossOrigin=''}l.href=f;document.head.appendChild(l)})})(${JSON.stringify(map)})`;
        return html.replace('</head>', `    <script>${script}</script>\n  </head>`);
      },
    },
  };
}

export default defineConfig({
  root,
  plugins: [react(), routePreloads(), precompress()],
  build: {
    outDir,
    emptyOutDir: true,
    chunkSizeWarningLimit: 900,
    rolldownOptions: {
      // The contract's zod schemas are built at module level: calls into zod are pure, so a page that
      // takes only a constant from a contract file does not pull zod and the schemas with it.
      treeshake: { manualPureFunctions: ['z'] },
      output: {
        codeSplitting: { groups: vendorGroups },
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: server, changeOrigin: false },
      '/open311': { target: server, changeOrigin: false },
    },
  },
  preview: {
    proxy: {
      '/api': { target: server, changeOrigin: false },
      '/open311': { target: server, changeOrigin: false },
    },
  },
});
