import { createServer } from 'node:net';
import { ConfigError } from './config/index.js';

// Asks the kernel for an unused port by binding to port 0. The port is released before the caller
// binds it, so another process could take it in between; good enough for a local dev server.
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const port = await bindAndRelease(host, 0);
  if (port === undefined) throw new Error(`could not read a free port on ${host}`);
  return port;
}

/**
 * Throws when `port` cannot be bound. With `setting` (the variable that chose the port) the error
 * is a ConfigError naming it, so start-up stops with that one line.
 */
export async function assertPortFree(host: string, port: number, setting?: string): Promise<void> {
  try {
    await bindAndRelease(host, port);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    if (setting) throw new ConfigError(`${setting}: port ${port} on ${host} is not available (${reason}); stop what listens there or set ${setting} to another port`);
    throw new Error(`port ${port} on ${host} is not available (${reason}); stop what listens there or pick another port`);
  }
}

async function bindAndRelease(host: string, port: number): Promise<number | undefined> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port }, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : undefined));
    });
  });
}
