// A pass-through stream that fails once more than `limit` bytes have gone through it: the limit for
// bodies whose length is not declared up front (chunked transfer encoding).
import { Transform } from 'node:stream';
import { tooLarge } from './http-guard.js';

export function byteLimit(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > limit) return done(tooLarge(limit));
      done(null, chunk);
    },
  });
}
