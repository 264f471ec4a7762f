// The one way a request body is read (DESIGN.md §5: bodies are capped before they are read). The
// cap is checked against Content-Length before a byte is read, and again as chunks arrive, so a
// body that lies about its size or has none (chunked) is cut off the moment it passes the cap.
// Signature checks need the exact bytes, so this runs first and no body parser runs before it.

import type { IncomingMessage } from 'node:http';

/** A request whose body was refused; the server answers `status` and closes the connection. */
export class BodyRefused extends Error {
  override name = 'BodyRefused';

  constructor(
    readonly status: 400 | 413 | 503,
    message: string,
    /** What the sender can change so its next request is accepted; shown in the answer. */
    readonly hint?: string,
  ) {
    super(message);
  }
}

/**
 * Bytes held by body reads in progress across the whole process. Each route's cap bounds one
 * request; this bounds them together, so many concurrent unsigned bodies, each under its cap,
 * cannot add up to the process's memory before their signatures are checked.
 */
export class BodyBudget {
  private held = 0;

  constructor(readonly limitBytes: number) {}

  /** Takes `bytes` if they fit; false when reads in progress already hold too much. */
  take(bytes: number): boolean {
    if (this.held + bytes > this.limitBytes) return false;
    this.held += bytes;
    return true;
  }

  release(bytes: number): void {
    this.held -= bytes;
  }

  get inUse(): number {
    return this.held;
  }
}

// Thirty-two maximal GitHub deliveries (4 MiB) at once: far beyond real Slack and GitHub traffic,
// far below what would push the process out of memory.
export const PROCESS_BODY_BUDGET = new BodyBudget(128 * 1024 * 1024);

export function tooLarge(maxBytes: number): BodyRefused {
  return new BodyRefused(413, `request body larger than ${maxBytes} bytes`);
}

/** Content-Length as a number, undefined when absent; a malformed one is refused. */
function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length'];
  if (header === undefined) return undefined;
  if (!/^[0-9]+$/.test(header)) throw new BodyRefused(400, 'malformed Content-Length');
  return Number(header);
}

/**
 * The whole body, at most `maxBytes` of it; otherwise a `BodyRefused` (413 too large, 503 when
 * the process is already holding its budget of bodies, 400 when the connection closed half way).
 * Plain stream events rather than an async iterator, which would cost a promise per chunk on
 * every request.
 */
export function readBody(req: IncomingMessage, maxBytes: number, budget: BodyBudget = PROCESS_BODY_BUDGET): Promise<Buffer> {
  let declared: number | undefined;
  try {
    declared = declaredLength(req);
  } catch (err) {
    return Promise.reject(err);
  }
  if (declared !== undefined && declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = () => {
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      // Once read, the body belongs to the handler, which checks its signature at once.
      budget.release(size);
    };
    const stop = (err: BodyRefused) => {
      if (settled) return;
      settle();
      // Keep the 'error' listener: a reset arriving later must not become an uncaught error.
      chunks.length = 0;
      req.pause();
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      if (size + chunk.length > maxBytes) return stop(tooLarge(maxBytes));
      if (!budget.take(chunk.length)) return stop(new BodyRefused(503, 'too many request bodies in progress; retry shortly'));
      size += chunk.length;
      chunks.push(chunk);
    };
    const onEnd = () => {
      if (settled) return;
      settle();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    // The client, or the server's request deadline (which has answered 408 itself), closed the
    // connection before the body ended.
    const onClose = () => stop(new BodyRefused(400, 'request body not received in full'));
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('close', onClose);
    req.on('error', () => stop(new BodyRefused(400, 'request body not received in full')));
  });
}

/** The body as UTF-8 text, capped like `readBody`. */
export async function readText(req: IncomingMessage, maxBytes: number): Promise<string> {
  return (await readBody(req, maxBytes)).toString('utf8');
}
