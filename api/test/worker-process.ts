import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The send worker in a process of its own (api/test/send-worker.child.ts), which a fault test
 * SIGKILLs and restarts: whatever it held (a Gmail call in flight, a BullMQ lock, a claimed
 * row) is left as a crash leaves it.
 */
export function workerProcess(env: Record<string, string>) {
  let child: ChildProcess | undefined;
  let kills = 0;
  const script = fileURLToPath(new URL('./send-worker.child.ts', import.meta.url));
  return {
    /** Starts the process and resolves once its worker is registered. */
    async start() {
      const proc = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
      child = proc;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('worker process did not start in 60 s')), 60_000);
        proc.stdout!.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('ready')) {
            clearTimeout(timer);
            resolve();
          }
        });
        proc.once('exit', (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`worker process exited before it was ready (${code ?? signal})`));
        });
      });
    },
    /** SIGKILL, and resolves once the process is gone. */
    async kill() {
      const proc = child;
      child = undefined;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await gone;
      kills++;
    },
    get kills() {
      return kills;
    },
  };
}
