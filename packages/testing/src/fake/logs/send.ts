import { once } from 'node:events';
import type http from 'node:http';
import { Zip, ZipDeflate } from 'fflate';

/** A file answer (session log, error rows): sent as it is made, never held whole. */
export interface FakeFile {
  /** The file name in `Content-Disposition`. */
  name: string;
  /** "text": the one entry as text/plain; "zip": every entry zipped on the fly. */
  kind: 'text' | 'zip';
  entries: ReadonlyArray<{ name: string; chunks: () => Iterable<string> }>;
}

/** Writes `file` with back-pressure; stops quietly when the client goes away. */
export async function sendFile(res: http.ServerResponse, file: FakeFile): Promise<void> {
  res.writeHead(200, {
    // The charset on a zip is what real PODs send (a client recognises the zip by its type).
    'content-type': file.kind === 'zip' ? 'application/zip;charset=UTF-8' : 'text/plain;charset=UTF-8',
    'content-disposition': `attachment; filename="${file.name}"`,
  });
  if (file.kind === 'text') {
    for (const entry of file.entries) {
      for (const chunk of entry.chunks()) if (!(await write(res, chunk))) return;
    }
    res.end();
    return;
  }
  let failed: Error | undefined;
  const pending: Uint8Array[] = [];
  const zip = new Zip((error, data, final) => {
    if (error) failed = error;
    else pending.push(data);
    if (final) pending.push(new Uint8Array(0));
  });
  const flush = async (): Promise<boolean> => {
    if (failed) throw failed;
    for (const data of pending.splice(0)) if (data.length > 0 && !(await write(res, data))) return false;
    return true;
  };
  const encoder = new TextEncoder();
  for (const entry of file.entries) {
    const member = new ZipDeflate(entry.name, { level: 6 });
    zip.add(member);
    for (const chunk of entry.chunks()) {
      member.push(encoder.encode(chunk));
      if (!(await flush())) return;
    }
    member.push(new Uint8Array(0), true);
  }
  zip.end();
  if (await flush()) res.end();
}

/** False once the client has gone away. */
async function write(res: http.ServerResponse, chunk: string | Uint8Array): Promise<boolean> {
  if (res.destroyed) return false;
  if (res.write(chunk)) return true;
  await Promise.race([once(res, 'drain'), once(res, 'close')]);
  return !res.destroyed;
}
