// Posts a reply to a command's response_url. Bolt's own `respond` goes through fetch (undici),
// which spends several times the CPU of a plain keep-alive request, and every command sends one
// on the same event loop that acknowledges the next commands.

import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { RespondArguments } from '@slack/bolt';

const TIMEOUT_MS = 5_000;

export type Responder = (message: string | RespondArguments) => Promise<void>;

export class ResponseUrlError extends Error {}

/** A `respond` for one response_url; rejects when Slack does not accept the reply. */
export function responder(responseUrl: string): Responder {
  return (message) => postResponse(responseUrl, JSON.stringify(typeof message === 'string' ? { text: message } : message));
}

async function postResponse(responseUrl: string, body: string): Promise<void> {
  const url = new URL(responseUrl);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ResponseUrlError(`unsupported response_url protocol ${url.protocol}`);
  try {
    return await post(url, body);
  } catch (err) {
    // A kept-alive socket the other side closed in the meantime: the reply never arrived, so send it again.
    if ((err as { reused?: boolean }).reused) return post(url, body);
    throw err;
  }
}

function post(url: URL, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // The global agents keep connections alive, so consecutive replies skip the TCP/TLS handshake.
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req: ClientRequest = send(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, timeout: TIMEOUT_MS },
      (res: IncomingMessage) => {
        res.resume();
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else reject(new ResponseUrlError(`Failed to respond to the response_url: ${status} ${res.statusMessage ?? ''}`.trim()));
        });
      },
    );
    req.on('timeout', () => req.destroy(new ResponseUrlError('the response_url did not answer within 5 s')));
    req.on('error', (err: NodeJS.ErrnoException) => {
      reject(req.reusedSocket && err.code === 'ECONNRESET' ? Object.assign(err, { reused: true }) : err);
    });
    req.end(body);
  });
}
