// `npm run config:reference`: rewrites the defaults and ranges in .env.example and docs/configuration.md from the
// settings the built server reads (src/config/config-reference.ts says how); exits 1 naming any setting that still
// needs a description, or that the documents name but the server no longer reads.
import { readFileSync, writeFileSync } from 'node:fs';
import { settingShapes } from '../dist/src/config/app-config.js';
import { syncConfigReference } from '../dist/src/config/config-reference.js';

const files = { envExample: '.env.example', reference: 'docs/configuration.md' };
const synced = syncConfigReference(
  { envExample: readFileSync(files.envExample, 'utf8'), reference: readFileSync(files.reference, 'utf8') },
  settingShapes(),
);
writeFileSync(files.envExample, synced.envExample);
writeFileSync(files.reference, synced.reference);
if (synced.undescribed.length > 0)
  console.error(`describe in .env.example and docs/configuration.md: ${synced.undescribed.join(', ')}`);
if (synced.stale.length > 0) console.error(`no longer read by the server, remove: ${synced.stale.join(', ')}`);
process.exit(synced.undescribed.length + synced.stale.length > 0 ? 1 : 0);
