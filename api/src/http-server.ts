import { createServer, type RequestListener, type ServerOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Runtime } from './runtime';
import { withOpenPixel } from './modules/tracking/pixel';

export interface ServeOptions {
  port: number;
  hostname: string;
}

/**
 * Serves a runtime's app over HTTP — the one way Lumina listens (server, tests, benchmarks).
 * The open pixel is answered from Node's request ahead of Hono (see `withOpenPixel`).
 */
export function serveRuntime(runtime: Pick<Runtime, 'app' | 'deps'>, options: ServeOptions, onListening?: (info: AddressInfo) => void) {
  const create = ((serverOptions: ServerOptions, listener: RequestListener) => createServer(serverOptions, withOpenPixel(runtime.deps, listener))) as typeof createServer;
  return serve({ fetch: runtime.app.fetch, port: options.port, hostname: options.hostname, createServer: create }, onListening);
}

/** Serves on a free port of 127.0.0.1 and resolves once it listens (tests, benchmarks). */
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
