/**
 * The HTTP server in front of the app. Node's parser answers some requests before
 * Express ever sees them: a request line and headers over `maxHeaderSize` (431), a
 * request it cannot parse (400), one that took too long to arrive (408). Its own
 * answers are bare text without the security headers; the `clientError` handler
 * here answers them as problem+json with the same headers as every other answer.
 * `custos serve` and the test helper create their server with createHttpServer.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { PROBLEM_BASE, type Problem } from './problem.js';
import { securityHeaderValues } from './middleware/security-headers.js';

/**
 * Request line plus headers, in bytes, set explicitly so the bound does not move with
 * `--max-http-header-size`. 64 KiB rather than Node's 16: the longest request the
 * document allows (every parameter at its maximum, each code point percent-encoded
 * as 4 bytes) must fit, or a generated client could send a valid request the server
 * refuses; api/contract.integration.test.ts computes it from the served document.
 */
export const MAX_HEADER_BYTES = 64 * 1024;

export interface HttpServerOptions {
  /** The public URL is https: send HSTS on these answers too. */
  https?: boolean;
}

function problemFor(code: string | undefined): Problem {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, type: `${PROBLEM_BASE}header-too-large`, title: 'Request header fields too large', detail: `the request line and headers exceed ${MAX_HEADER_BYTES} bytes; send fewer or shorter query parameters` };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, type: `${PROBLEM_BASE}request-timeout`, title: 'Request timeout', detail: 'the request did not arrive in time' };
    default:
      return { status: 400, type: `${PROBLEM_BASE}malformed-request`, title: 'Malformed request', detail: 'the request is not valid HTTP/1.1' };
  }
}

const REASON: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

/** The raw answer for a request Node's parser refused: there is no request or response object, only the socket. */
export function clientErrorResponse(code: string | undefined, opts: HttpServerOptions = {}): string {
  const p = problemFor(code);
  const body = JSON.stringify(p);
  const headers: Record<string, string> = {
    ...securityHeaderValues({ https: opts.https ?? false }),
    'Content-Type': 'application/problem+json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    Connection: 'close',
  };
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  return `HTTP/1.1 ${p.status} ${REASON[p.status]}\r\n${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** Answers what Node's HTTP parser refuses as problem+json (instead of Node's bare text answer). */
export function attachClientErrorHandler(server: Server, opts: HttpServerOptions = {}): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // A reset peer cannot read an answer; and if an answer has begun, a second one would corrupt it.
    const started = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
    if (err.code === 'ECONNRESET' || !socket.writable || started) {
      socket.destroy();
      return;
    }
    socket.end(clientErrorResponse(err.code, opts));
  });
}

/** An HTTP server with the header bound and problem+json parser errors; `app` may also be attached later with `server.on('request', app)`. */
export function createHttpServer(app?: RequestListener, opts: HttpServerOptions = {}): Server {
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES });
  attachClientErrorHandler(server, opts);
  if (app) server.on('request', app);
  return server;
}
