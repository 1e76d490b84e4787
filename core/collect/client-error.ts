import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import { SignalError, type ErrorCode } from '../errors.ts';

/** Node's HTTP parser errors a client can cause, by code, as Signal errors. */
function signalErrorOf(error: NodeJS.ErrnoException): SignalError {
  let code: ErrorCode = 'SIGNAL_MALFORMED_REQUEST';
  let message = `The request is not valid HTTP (${error.code ?? error.message})`;
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    code = 'SIGNAL_HEADERS_TOO_LARGE';
    message = 'The request headers are larger than the server accepts (16 KB in all by default): look for a huge cookie or authorization header';
  } else if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    code = 'SIGNAL_REQUEST_TIMEOUT';
    message = 'The request was not received in time';
  }
  return new SignalError(code, message);
}

/**
 * Fastify's `clientErrorHandler` for both listeners: what Node's HTTP parser refuses (headers
 * over its limit, a malformed request line, a request that never finished) is answered in
 * Signal's error shape, with a stable code, instead of Fastify's own body.
 *
 * @example
 * Fastify({ clientErrorHandler: answerClientError });
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const signalError = signalErrorOf(error);
    const body = JSON.stringify(signalError.toJSON());
    const status = signalError.statusCode;
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}
