// The one way a request body is read (DESIGN.md §5: bodies are capped before they are read). The
// cap is checked against Content-Length before a byte is read, and again as chunks arrive, so a
// body that lies about its size or has none (chunked) is cut off the moment it passes the cap.
// Signature checks need the exact bytes, so this runs first and no body parser runs before it.

import type { IncomingMessage } from 'node:http';

/** A request whose body was refused; the server answers `status` and closes the connection. */
export class BodyRefused extends Error {
  override name = 'BodyRefused';

  constructor(
    readonly status: 400 | 413,
    message: string,
  ) {
    super(message);
  }
}

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
 * The whole body, at most `maxBytes` of it; otherwise a `BodyRefused` (413 too large, 400 when
 * the connection closed half way). Plain stream events rather than an async iterator, which would
 * cost a promise per chunk on every request.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
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
    const stop = (err: BodyRefused) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      // Keep the 'error' listener: a reset arriving later must not become an uncaught error.
      chunks.length = 0;
      req.pause();
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) return stop(tooLarge(maxBytes));
      chunks.push(chunk);
    };
    const onEnd = () => {
      req.off('close', onClose);
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
