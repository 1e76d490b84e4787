import { Transform, type TransformCallback } from 'node:stream';
import { createGunzip, createInflate, type Gunzip, type Inflate } from 'node:zlib';
import { errorCodes, type FastifyInstance } from 'fastify';
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
 * Passes decoded bytes on until they pass the body limit, then fails with Fastify's own 413
 * error (the answer is the same as when Fastify counts). Fastify counts too, but only stops
 * listening: this stage is what lets the decoder be stopped at once. It is the stream Fastify
 * reads, so it also carries the counts of the stages before it.
 */
class DecodedLengthLimit extends Transform {
  decodedLength = 0;
  readonly #limit: number;
  readonly #counter: EncodedLengthCounter;
  readonly #decoder: Gunzip | Inflate;
  constructor(limit: number, counter: EncodedLengthCounter, decoder: Gunzip | Inflate) {
    super();
    this.#limit = limit;
    this.#counter = counter;
    this.#decoder = decoder;
  }
  /** Compressed bytes received (Fastify checks them against Content-Length and the limit). */
  get receivedEncodedLength(): number {
    return this.#counter.receivedEncodedLength;
  }
  /** Compressed bytes the decoder has inflated (zlib's `bytesWritten`). */
  get bytesWritten(): number {
    return this.#decoder.bytesWritten;
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.decodedLength += chunk.length;
    if (this.decodedLength > this.#limit) return callback(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
    callback(null, chunk);
  }
}

/**
 * Accepts gzip- or deflate-encoded bodies (rudder-sdk-node gzips by default) and sendBeacon's
 * `text/plain` JSON, both parsed by `parseJsonBody`. The body limit applies to the decoded
 * size, so a zip bomb is cut off: decoding stops as soon as the decoded size passes the
 * route's limit, or the body turns out corrupt, or the request ends without it (answered,
 * aborted). A decoder left running would inflate the whole body after the 413 has gone out.
 */
export function registerBodyDecoding(app: FastifyInstance): void {
  // A callback hook, not an async one: most bodies are not encoded, and the promise an async
  // hook costs would be paid on every request.
  app.addHook('preParsing', (request, reply, payload, done) => {
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
    const limited = new DecodedLengthLimit(request.routeOptions.bodyLimit, counter, decoder);
    payload.pipe(counter).pipe(decoder).pipe(limited);

    let stopped = false;
    const stop = (): void => {
      if (stopped) return;
      stopped = true;
      payload.unpipe(counter);
      counter.destroy();
      decoder.destroy();
      limited.destroy();
      // The rest of the compressed body is read and dropped, not inflated, as Fastify does with
      // a plain body over the limit: the client can finish sending and read the answer.
      payload.resume();
    };
    // Fastify reads `limited` only: a corrupt body (zlib's error) and an aborted request reach
    // it there, answered 400 as an invalid body.
    decoder.on('error', (error) => limited.destroy(error));
    payload.on('error', (error) => limited.destroy(error));
    // Listening also keeps an error after Fastify stopped listening from crashing the process.
    limited.on('error', stop);
    // 'close' after 'end' is a whole body, still being decoded: only an aborted one stops it.
    payload.on('close', () => {
      if (!payload.readableEnded) stop();
    });
    // Once the answer is out (a 413 on Content-Length, a 401…), nothing needs the body.
    reply.raw.once('close', stop);
    done(null, limited);
  });

  const parseJson = jsonBodyParser();
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parseJson);
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, parseJson);
}
