import { boot } from '../boot.js';
import { loadConfig } from '../platform/config.js';

// `npm run migrate`: applies pending migrations (and syncs built-in roles) without serving HTTP.
const config = { ...loadConfig(), seedDemo: false };
const runtime = await boot(config, { log: console });
await runtime.close();
console.log('migrations are up to date');
