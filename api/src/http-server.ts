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
 * Serves a runtime's app over HTTP — the one way Lumina listens (the server; tests through api/test/serve.ts).
 * The open pixel is answered from Node's request ahead of Hono (see `withOpenPixel`).
 */
export function serveRuntime(runtime: Pick<Runtime, 'app' | 'deps'>, options: ServeOptions, onListening?: (info: AddressInfo) => void) {
  const create = ((serverOptions: ServerOptions, listener: RequestListener) => createServer(serverOptions, withOpenPixel(runtime.deps, listener))) as typeof createServer;
  return serve({ fetch: runtime.app.fetch, port: options.port, hostname: options.hostname, createServer: create }, onListening);
}

