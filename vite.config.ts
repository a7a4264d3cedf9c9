import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('./src/web', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/web', import.meta.url));
const server = process.env.JY_API_URL ?? 'http://127.0.0.1:3000';

/**
 * Vendor chunks: antd alone is over 1 MB minified, so it gets its own chunk, as do its icons, React with
 * the router, TanStack Query and zod (the contract's schemas). Pages are split by React.lazy in routes.tsx.
 */
const vendorGroups: { name: string; test: RegExp; priority: number }[] = [
  { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/, priority: 30 },
  { name: 'icons', test: /node_modules[\\/]@ant-design[\\/]icons(-svg)?[\\/]/, priority: 30 },
  { name: 'query', test: /node_modules[\\/]@tanstack[\\/]/, priority: 30 },
  { name: 'zod', test: /node_modules[\\/]zod[\\/]/, priority: 30 },
  // Only the dashboard and the screen draw charts: their own chunk, never in the login's vendor chunk.
  { name: 'echarts', test: /node_modules[\\/](echarts|zrender)[\\/]/, priority: 30 },
  { name: 'rc', test: /node_modules[\\/](@rc-component|rc-[^\\/]+)[\\/]/, priority: 20 },
  { name: 'antd', test: /node_modules[\\/](antd|@ant-design|@emotion|stylis|dayjs)[\\/]/, priority: 10 },
  { name: 'vendor', test: /node_modules[\\/]/, priority: 0 },
];

export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir,
    emptyOutDir: true,
    chunkSizeWarningLimit: 900,
    rolldownOptions: {
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
