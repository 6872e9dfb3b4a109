import { defineManifest } from '@crxjs/vite-plugin';
import pkg from './package.json' with { type: 'json' };
import { apiHostPermission, chromeVersion, defaultApiUrl } from './extension/build-config.ts';

export default defineManifest((env) => ({
  manifest_version: 3,
  name: env.mode === 'development' ? 'Lumina (dev)' : 'Lumina',
  description: 'AI sales-email copilot inside Gmail: Glow suggestions, a live score, tracked sends.',
  version: chromeVersion(pkg.version),
  version_name: pkg.version,
  // scripting: InboxSDK's background injects pageWorld.js into Gmail's main world.
  permissions: ['storage', 'alarms', 'identity', 'scripting'],
  host_permissions: ['https://mail.google.com/*', apiHostPermission(defaultApiUrl(process.env))],
  background: { service_worker: 'extension/background/index.ts', type: 'module' },
  action: { default_popup: 'extension/popup/index.html', default_title: 'Lumina' },
  options_page: 'extension/options/index.html',
  content_scripts: [{ matches: ['https://mail.google.com/*'], js: ['extension/content/index.ts'], run_at: 'document_end' }],
}));
