import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { crx } from '@crxjs/vite-plugin';
import manifest from './manifest.config.ts';
import { defaultApiUrl, inboxSdkAppId } from './extension/build-config.ts';

export default defineConfig({
  plugins: [react(), crx({ manifest }), inboxSdkPageWorld()],
  define: {
    __LUMINA_DEFAULT_API_URL__: JSON.stringify(defaultApiUrl(process.env)),
    __LUMINA_INBOXSDK_APP_ID__: JSON.stringify(inboxSdkAppId(process.env)),
  },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 2000 },
});

/**
 * InboxSDK on MV3 runs part of itself in Gmail's main world: its background asks
 * chrome.scripting to inject `pageWorld.js`, which must sit at the extension root.
 */
function inboxSdkPageWorld(): Plugin {
  return {
    name: 'lumina:inboxsdk-page-world',
    apply: 'build',
    generateBundle() {
      const file = createRequire(import.meta.url).resolve('@inboxsdk/core/pageWorld.js');
      this.emitFile({ type: 'asset', fileName: 'pageWorld.js', source: readFileSync(file) });
    },
  };
}
