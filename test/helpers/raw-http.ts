// A bare HTTP/1.1 client over a TCP socket, for requests `fetch` will not send: bodies larger than
// they claim, chunked bodies streamed without end, bodies trickled a byte at a time. It reports what
// the server answered and whether it closed the connection, never how long anything took.

import { connect } from 'node:net';

export interface RawAnswer {
  /** The status of the server's answer, if it sent one before the exchange ended. */
  status?: number;
  /** The server closed (or reset) the connection. */
  closedByServer: boolean;
  /** Body bytes handed to the socket before the server answered or closed. */
  bodyBytesSent: number;
}

export interface RawRequest {
  url: string;
  path: string;
  headers: Record<string, string>;
  /** Body pieces, written in order with back-pressure until the server answers or closes. */
  body: Iterable<Buffer> | AsyncIterable<Buffer>;
  /** Send `Transfer-Encoding: chunked` instead of the caller's Content-Length. */
  chunked?: boolean;
  /** Stop writing (and give up waiting) after this many milliseconds: a bound, not an assertion. */
  giveUpAfterMs?: number;
}

/** Sends the request and resolves once the server answered (headers in) or the connection ended. */
export function sendRaw(request: RawRequest): Promise<RawAnswer> {
  const { hostname, port } = new URL(request.url);
  const socket = connect({ host: hostname, port: Number(port) });
  const answer: RawAnswer = { closedByServer: false, bodyBytesSent: 0 };
  let received = '';
  let settled = false;
  return new Promise<RawAnswer>((resolve) => {
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(giveUp);
      socket.destroy();
      resolve(answer);
    };
    const giveUp = setTimeout(finish, request.giveUpAfterMs ?? 60_000);
    socket.on('data', (data: Buffer) => {
      received += data.toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(received);
      if (status && received.includes('\r\n\r\n')) {
        if (answer.status === undefined) {
          answer.status = Number(status[1]);
          // Stop writing, and give a closing server its chance to close: its FIN follows the answer.
          setTimeout(finish, 2_000).unref();
        }
      }
    });
    socket.on('end', () => {
      answer.closedByServer = true;
      finish();
    });
    socket.on('close', () => {
      if (!settled) answer.closedByServer = true;
      finish();
    });
    socket.on('error', () => {
      answer.closedByServer = true;
      finish();
    });
    socket.once('connect', () => void writeRequest());

    async function writeRequest(): Promise<void> {
      const headers = { host: `${hostname}:${port}`, ...request.headers, ...(request.chunked ? { 'transfer-encoding': 'chunked' } : {}) };
      const head = `POST ${request.path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
      if (!(await write(Buffer.from(head, 'latin1')))) return;
      for await (const piece of request.body) {
        const framed = request.chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]) : piece;
        if (!(await write(framed))) return;
        answer.bodyBytesSent += piece.length;
      }
      if (request.chunked) await write(Buffer.from('0\r\n\r\n'));
    }

    function write(data: Buffer): Promise<boolean> {
      if (settled || answer.status !== undefined || socket.destroyed) return Promise.resolve(false);
      return new Promise((done) => {
        if (socket.write(data)) return done(true);
        const onDrain = () => {
          socket.off('close', onClose);
          done(true);
        };
        const onClose = () => {
          socket.off('drain', onDrain);
          done(false);
        };
        socket.once('drain', onDrain);
        socket.once('close', onClose);
      });
    }
  });
}

/** `total` bytes as `size`-byte pieces of one reused buffer, so 40 × 24 MB costs the client nothing. */
export function* repeatedBytes(total: number, size = 64 * 1024, fill = 0x61): Generator<Buffer> {
  const piece = Buffer.alloc(size, fill);
  for (let sent = 0; sent < total; sent += size) yield total - sent >= size ? piece : piece.subarray(0, total - sent);
}

/** One byte every `everyMs`, `count` times: a client that never quite finishes its body. */
export async function* trickle(count: number, everyMs: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < count; i += 1) {
    await new Promise((r) => setTimeout(r, everyMs));
    yield Buffer.from('a');
  }
}
