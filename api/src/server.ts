import { ConfigError, loadConfig } from './env';
import { startRuntime } from './runtime';
import { serveRuntime } from './http-server';

let config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}

const runtime = await startRuntime(config);
const { logger } = runtime.deps;
const mode = `${runtime.deps.dbKind === 'pglite' ? `PGlite in ${config.dataDir}` : 'Postgres'}, ${runtime.deps.queue.driver} queue`;

let server: ReturnType<typeof serveRuntime> | undefined;
if (config.role !== 'worker') {
  server = serveRuntime(runtime, { port: config.port, hostname: config.host }, (info) => {
    const url = `http://${config.host}:${info.port}`;
    logger.info({ url, role: config.role, mode }, 'Lumina is up');
    console.log(`\n  Lumina API     ${url}\n  Admin console  ${url}/console\n  Extension      load ./dist unpacked in chrome://extensions\n  Running        role=${config.role}; ${mode}\n`);
  });
} else {
  logger.info({ role: config.role, mode }, 'Lumina worker is up');
}

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    server?.close();
    await runtime.close();
    process.exit(0);
  });
}
