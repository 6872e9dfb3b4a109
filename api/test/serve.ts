import type { Runtime } from '../src/runtime';
import { serveRuntime } from '../src/http-server';

/** Serves a runtime as the server does (serveRuntime) on a free port of 127.0.0.1, resolving once it listens: for tests that need a real port. */
export async function serveOnFreePort(runtime: Pick<Runtime, 'app' | 'deps'>) {
  let port = 0;
  const server = await new Promise<ReturnType<typeof serveRuntime>>((resolve) => {
    const s = serveRuntime(runtime, { port: 0, hostname: '127.0.0.1' }, (info) => {
      port = info.port;
      resolve(s);
    });
  });
  return { server, url: `http://127.0.0.1:${port}`, port, close: () => new Promise<void>((r) => server.close(() => r())) };
}
