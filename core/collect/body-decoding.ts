import { Transform, type TransformCallback } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { SignalError } from '../errors.ts';
import { jsonBodyParser } from './json-body.ts';

/** Counts the compressed bytes Fastify checks against Content-Length. */
class EncodedLengthCounter extends Transform {
  receivedEncodedLength = 0;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.receivedEncodedLength += chunk.length;
    callback(null, chunk);
  }
}

/**
 * Accepts gzip- or deflate-encoded bodies (rudder-sdk-node gzips by default) and sendBeacon's
 * `text/plain` JSON, both parsed by `parseJsonBody`. The body limit applies to the decoded
 * size, so a zip bomb is cut off.
 */
export function registerBodyDecoding(app: FastifyInstance): void {
  // A callback hook, not an async one: most bodies are not encoded, and the promise an async
  // hook costs would be paid on every request.
  app.addHook('preParsing', (request, _reply, payload, done) => {
    const header = request.headers['content-encoding'];
    if (header === undefined) return done(null, payload);
    const encoding = String(header).trim().toLowerCase();
    if (encoding === 'identity' || encoding === '') return done(null, payload);
    if (encoding !== 'gzip' && encoding !== 'deflate' && encoding !== 'x-gzip') {
      return done(new SignalError('SIGNAL_UNSUPPORTED_ENCODING', `Content-Encoding "${encoding}" is not supported; send gzip, deflate or no encoding`, [
        { field: 'Content-Encoding', message: 'must be gzip, deflate or identity' },
      ]));
    }
    const counter = new EncodedLengthCounter();
    const decoder = encoding === 'deflate' ? createInflate() : createGunzip();
    const decoded = payload.pipe(counter).pipe(decoder) as typeof decoder & { receivedEncodedLength: number };
    decoder.on('error', () => {
      // reported by the parser as an invalid body; listening keeps it from crashing the process
    });
    Object.defineProperty(decoded, 'receivedEncodedLength', { get: () => counter.receivedEncodedLength });
    done(null, decoded);
  });

  const parseJson = jsonBodyParser();
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parseJson);
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, parseJson);
}
