// A reply body compressed though the client asked for none (it sends no Accept-Encoding):
// some proxies and servers compress anyway. Decoded within the client's size limit, rather
// than handed on as bytes that end up printed raw on the terminal.
import { ResponseTooLargeError } from './errors.ts';

/** The decoded bytes; what cannot be decoded stays as it is (the reply is then "not JSON"). */
export function decodeBody(
  bytes: Buffer,
  encoding: string,
  limit: number,
  method: string,
  path: string,
  status: number,
): Buffer {
  if (encoding !== 'gzip' && encoding !== 'x-gzip' && encoding !== 'deflate' && encoding !== 'br')
    return bytes;
  // Loaded here, not at every start (a few ms on Node 20): compressed replies are the exception.
  const { brotliDecompressSync, gunzipSync, inflateSync } = process.getBuiltinModule('node:zlib');
  const options = { maxOutputLength: limit };
  try {
    if (encoding === 'gzip' || encoding === 'x-gzip') return gunzipSync(bytes, options);
    if (encoding === 'deflate') return inflateSync(bytes, options);
    if (encoding === 'br') return brotliDecompressSync(bytes, options);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE')
      throw new ResponseTooLargeError(method, path, status, limit);
  }
  return bytes;
}
