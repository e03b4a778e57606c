import { Unzip, UnzipInflate } from 'fflate';
import { IicsInvalidResponseError } from '../errors.js';
import type { HttpStreamResponse } from '../http.js';

/** Receives the text of one log file, piece by piece; may return a promise to slow the download down. */
export type TextSink = (text: string) => void | Promise<void>;

/** Called once per file in the answer (one for a text answer, one per member of a zip); returns where its text goes. */
export type FileOpener = (fileName: string | undefined) => TextSink;

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/**
 * Reads a session log answer as it arrives: plain text is decoded chunk by chunk, a zip is unpacked
 * member by member with fflate's streaming Unzip. Neither the bytes nor the text are kept here.
 */
export async function readLogAnswer(res: HttpStreamResponse, operation: string, open: FileOpener): Promise<void> {
  const disposition = dispositionFileName(header(res.headers['content-disposition']));
  const declaredZip = /zip/i.test(header(res.headers['content-type']) ?? '');
  const chunks = res.body[Symbol.asyncIterator]();
  const first = await chunks.next();
  if (first.done) {
    await open(disposition)('');
    return;
  }
  const head = toBytes(first.value);
  // The type is not always said right (octet-stream, or none): a zip is known by its first bytes.
  const isZip = declaredZip || ZIP_MAGIC.every((byte, i) => head[i] === byte);
  const rest = { [Symbol.asyncIterator]: () => chunks };
  if (isZip) await unzip(head, rest, operation, open);
  else await decodeText(head, rest, open(disposition));
}

async function decodeText(head: Uint8Array, rest: AsyncIterable<Buffer | string>, sink: TextSink): Promise<void> {
  // Streaming decode: a character split across two chunks is joined, not broken in two.
  const decoder = new TextDecoder('utf-8');
  await sink(decoder.decode(head, { stream: true }));
  for await (const chunk of rest) await sink(decoder.decode(toBytes(chunk), { stream: true }));
  const tail = decoder.decode();
  if (tail !== '') await sink(tail);
}

async function unzip(head: Uint8Array, rest: AsyncIterable<Buffer | string>, operation: string, open: FileOpener): Promise<void> {
  const pending: Array<void | Promise<void>> = [];
  let failure: unknown;
  let opened = 0;
  const unzipper = new Unzip((file) => {
    opened++;
    const sink = open(file.name);
    const decoder = new TextDecoder('utf-8');
    file.ondata = (error, data, final) => {
      if (error) {
        failure ??= error;
        return;
      }
      const text = decoder.decode(data, { stream: !final });
      if (text !== '') pending.push(sink(text));
    };
    try {
      file.start();
    } catch (error) {
      // A member compressed with a method other than deflate or none.
      failure ??= error;
    }
  });
  unzipper.register(UnzipInflate);
  const push = async (data: Uint8Array, final: boolean): Promise<void> => {
    try {
      unzipper.push(data, final);
    } catch (error) {
      failure ??= error;
    }
    if (failure !== undefined) throw badZip(operation, failure);
    // The sinks' promises are awaited before the next chunk is read: that is the back-pressure.
    for (const promise of pending.splice(0)) await promise;
  };
  await push(head, false);
  for await (const chunk of rest) await push(toBytes(chunk), false);
  await push(new Uint8Array(0), true);
  if (opened === 0) throw badZip(operation, new Error('the zip holds no file'));
}

function badZip(operation: string, cause: unknown): IicsInvalidResponseError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new IicsInvalidResponseError(`${operation} answered a zip that could not be read: ${message}.`, {
    operation,
    status: 200,
    issues: [{ path: '', message: 'not a readable zip' }],
  });
}

function toBytes(chunk: Buffer | string): Uint8Array {
  return typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `attachment; filename="s_mtt_x_4.log"` → `s_mtt_x_4.log` (also `filename*=UTF-8''…`). */
export function dispositionFileName(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(value);
  if (extended) {
    try {
      return decodeURIComponent(extended[1]!.trim());
    } catch {
      // Fall through to the plain form.
    }
  }
  const plain = /filename\s*=\s*(?:"([^"]*)"|([^;\s]+))/.exec(value);
  const name = plain?.[1] ?? plain?.[2];
  // Only the name: a path in it is none of our business.
  return name ? name.split(/[\\/]/).pop() || undefined : undefined;
}
