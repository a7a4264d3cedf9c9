import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { PassThrough, Readable, Transform } from 'node:stream';
import { createInflateRaw } from 'node:zlib';

/**
 * Reading the parts of an .xlsx (a zip) without trusting it (issue 14: an 11 MB upload whose
 * shared strings unpacked to ~5 GB took the server down). The central directory is read here,
 * its declared counts and sizes checked against the limits before anything is inflated, and every
 * part is counted again while it inflates, because declared sizes can lie: a part is cut off as
 * soon as it passes what it declared, its limit, or the archive's total. Nothing is held whole:
 * parts stream, 16 KB of compressed input at a time (inflating one such chunk yields at most
 * ~16 MB, and the next is read only when that has been consumed).
 */
export interface ZipLimits {
  /** Entries in the central directory. */
  maxEntries: number;
  /** A worksheet or the shared strings, unpacked. */
  maxEntryBytes: number;
  /** The small parts (relationships, workbook, styles), unpacked. */
  maxMetaBytes: number;
  /** Every part read in one pass, unpacked, together. */
  maxTotalBytes: number;
  /** Unpacked : packed, for a part beyond `ratioGraceBytes` (real sheets: about 5–30). */
  maxRatio: number;
  ratioGraceBytes: number;
  /** Bytes between two '<' of an XML part: one text or tag (an XML parser holds it whole). */
  maxTokenBytes: number;
}

/** The archive is over a limit: refused, whatever else it holds. */
export class ZipLimitError extends Error {
  constructor(
    readonly zh: string,
    readonly en: string,
  ) {
    super(en);
    this.name = 'ZipLimitError';
  }
}

/** The archive is not one we can read (not a zip, damaged, encrypted, unknown compression). */
export class ZipFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipFormatError';
  }
}

export interface ZipPart {
  path: string;
  method: number;
  flags: number;
  compressedSize: number;
  uncompressedSize: number;
  localOffset: number;
}

type Source = { path: string } | { buffer: Buffer };

const MiB = 1024 * 1024;
const mb = (n: number) => `${Math.round((n / MiB) * 10) / 10} MB`;
const CHUNK = 16 * 1024;

/** Reads `length` bytes at `position` (fewer at the end of the source). */
async function readAt(src: Source, position: number, length: number): Promise<Buffer> {
  if ('buffer' in src) return src.buffer.subarray(position, position + length);
  const fh = await open(src.path, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, length, position);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

const sizeOf = async (src: Source) => ('buffer' in src ? src.buffer.length : (await stat(src.path)).size);

export class ZipReader {
  /** Bytes unpacked so far in this pass, all parts. */
  private used = 0;
  private declared = 0;
  private readonly streams: Readable[] = [];

  private constructor(
    private readonly src: Source,
    private readonly size: number,
    readonly parts: Map<string, ZipPart>,
    private readonly limits: ZipLimits,
  ) {}

  /** The central directory, checked: entry count, layout; names unique. */
  static async open(src: Source, limits: ZipLimits): Promise<ZipReader> {
    const size = await sizeOf(src);
    if (size < 22) throw new ZipFormatError('not a zip archive: too short');
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = await readAt(src, size - tailLength, tailLength);
    let at = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50 && i + 22 + tail.readUInt16LE(i + 20) <= tail.length) {
        at = i;
        break;
      }
    }
    if (at < 0) throw new ZipFormatError('not a zip archive: no end of central directory');
    if (tail.readUInt16LE(at + 4) !== 0 || tail.readUInt16LE(at + 6) !== 0)
      throw new ZipFormatError('multi-volume archives are not supported');
    let entries = tail.readUInt16LE(at + 10);
    let cdSize = tail.readUInt32LE(at + 12);
    let cdOffset = tail.readUInt32LE(at + 16);
    if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      // zip64: the locator sits just before the end record and points at the zip64 end record.
      const eocdPos = size - tailLength + at;
      if (eocdPos < 20) throw new ZipFormatError('damaged zip64 archive');
      const loc = await readAt(src, eocdPos - 20, 20);
      if (loc.length < 20 || loc.readUInt32LE(0) !== 0x07064b50)
        throw new ZipFormatError('damaged zip64 archive');
      const recPos = Number(loc.readBigUInt64LE(8));
      const rec = recPos + 56 <= size ? await readAt(src, recPos, 56) : Buffer.alloc(0);
      if (rec.length < 56 || rec.readUInt32LE(0) !== 0x06064b50)
        throw new ZipFormatError('damaged zip64 archive');
      const n64 = rec.readBigUInt64LE(32);
      entries = n64 > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n64);
      cdSize = Number(rec.readBigUInt64LE(40));
      cdOffset = Number(rec.readBigUInt64LE(48));
    }
    if (entries > limits.maxEntries) {
      throw new ZipLimitError(
        `压缩包内有 ${entries} 个文件，超过上限 ${limits.maxEntries}`,
        `the archive holds ${entries} entries, more than ${limits.maxEntries}`,
      );
    }
    if (cdOffset + cdSize > size || entries * 46 > cdSize)
      throw new ZipFormatError('damaged zip archive: the central directory does not fit');
    const cd = await readAt(src, cdOffset, cdSize);
    const parts = new Map<string, ZipPart>();
    let p = 0;
    for (let k = 0; k < entries; k++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50)
        throw new ZipFormatError('damaged zip archive: bad central directory record');
      const flags = cd.readUInt16LE(p + 8);
      const method = cd.readUInt16LE(p + 10);
      let compressedSize = cd.readUInt32LE(p + 20);
      let uncompressedSize = cd.readUInt32LE(p + 24);
      const nameLength = cd.readUInt16LE(p + 28);
      const extraLength = cd.readUInt16LE(p + 30);
      const commentLength = cd.readUInt16LE(p + 32);
      let localOffset = cd.readUInt32LE(p + 42);
      const end = p + 46 + nameLength + extraLength + commentLength;
      if (end > cd.length) throw new ZipFormatError('damaged zip archive: bad central directory record');
      const name = cd.subarray(p + 46, p + 46 + nameLength).toString('utf8');
      // zip64 sizes and offset, in this order, for the fields set to 0xffffffff.
      let e = p + 46 + nameLength;
      const extraEnd = e + extraLength;
      while (e + 4 <= extraEnd) {
        const id = cd.readUInt16LE(e);
        const len = cd.readUInt16LE(e + 2);
        if (id === 0x0001) {
          let q = e + 4;
          const next = () => {
            if (q + 8 > e + 4 + len) throw new ZipFormatError('damaged zip64 extra field');
            const v = cd.readBigUInt64LE(q);
            q += 8;
            return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
          };
          if (uncompressedSize === 0xffffffff) uncompressedSize = next();
          if (compressedSize === 0xffffffff) compressedSize = next();
          if (localOffset === 0xffffffff) localOffset = next();
        }
        e += 4 + len;
      }
      const path = name.replace(/^\/+/, '');
      if (parts.has(path)) throw new ZipFormatError(`damaged zip archive: ${path} appears twice`);
      parts.set(path, { path, method, flags, compressedSize, uncompressedSize, localOffset });
      p = end;
    }
    return new ZipReader(src, size, parts, limits);
  }

  /**
   * A part's content, inflated and counted. `meta`: one of the small parts (relationships,
   * workbook, styles), held to a lower limit. Refusals arrive as the stream's error.
   */
  async stream(part: ZipPart, meta = false): Promise<Readable> {
    const L = this.limits;
    if (part.flags & 0x1) throw new ZipFormatError(`${part.path} is encrypted`);
    if (part.method !== 0 && part.method !== 8)
      throw new ZipFormatError(`${part.path} uses compression method ${part.method}`);
    if (part.method === 0 && part.compressedSize !== part.uncompressedSize)
      throw new ZipFormatError(`${part.path}: stored sizes differ`);
    const cap = meta ? Math.min(L.maxMetaBytes, L.maxEntryBytes) : L.maxEntryBytes;
    const over = (what: string, zhWhat: string) =>
      new ZipLimitError(
        `文件中的 ${part.path} 解压后${zhWhat}`,
        `${part.path} in the file ${what} once unpacked`,
      );
    // What the archive says, before anything is inflated.
    if (part.uncompressedSize > cap)
      throw over(
        `declares ${mb(part.uncompressedSize)}, more than the ${mb(cap)} allowed`,
        `为 ${mb(part.uncompressedSize)}，超过上限 ${mb(cap)}`,
      );
    if (this.declared + part.uncompressedSize > L.maxTotalBytes)
      throw over(
        `brings the archive to more than the ${mb(L.maxTotalBytes)} allowed in all`,
        `使整个文件超过上限 ${mb(L.maxTotalBytes)}`,
      );
    const ratio = part.uncompressedSize / Math.max(1, part.compressedSize);
    if (part.uncompressedSize > L.ratioGraceBytes && ratio > L.maxRatio)
      throw over(
        `grows ${Math.round(ratio)} times (${mb(part.uncompressedSize)}), more than ${L.maxRatio} times`,
        `膨胀 ${Math.round(ratio)} 倍（${mb(part.uncompressedSize)}），超过 ${L.maxRatio} 倍的上限`,
      );
    this.declared += part.uncompressedSize;

    const head = await readAt(this.src, part.localOffset, 30);
    if (head.length < 30 || head.readUInt32LE(0) !== 0x04034b50)
      throw new ZipFormatError(`damaged zip archive: no local header for ${part.path}`);
    const start = part.localOffset + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
    if (start + part.compressedSize > this.size)
      throw new ZipFormatError(`damaged zip archive: ${part.path} runs past the end`);
    const end = start + part.compressedSize;
    const raw: Readable =
      part.compressedSize === 0
        ? Readable.from([])
        : 'path' in this.src
          ? createReadStream(this.src.path, { start, end: end - 1, highWaterMark: CHUNK })
          : Readable.from(
              (function* (buf: Buffer) {
                for (let i = start; i < end; i += CHUNK) yield buf.subarray(i, Math.min(end, i + CHUNK));
              })(this.src.buffer),
              { objectMode: false },
            );

    // While inflating: what was declared, the limits, and no token longer than maxTokenBytes.
    let n = 0;
    let run = 0;
    const reader = this;
    const guard = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        n += chunk.length;
        reader.used += chunk.length;
        if (n > part.uncompressedSize)
          return cb(
            over(
              `unpacks to more than the ${part.uncompressedSize} bytes it declares`,
              `超过其声明的 ${part.uncompressedSize} 字节（文件头被篡改）`,
            ),
          );
        if (n > cap) return cb(over(`is larger than the ${mb(cap)} allowed`, `超过上限 ${mb(cap)}`));
        if (reader.used > L.maxTotalBytes)
          return cb(
            over(
              `brings the file to more than ${mb(L.maxTotalBytes)}`,
              `使整个文件超过上限 ${mb(L.maxTotalBytes)}`,
            ),
          );
        let i = chunk.indexOf(0x3c);
        if (i < 0) run += chunk.length;
        else {
          let longest = run + i;
          for (let j = chunk.indexOf(0x3c, i + 1); j >= 0; j = chunk.indexOf(0x3c, j + 1)) {
            if (j - i - 1 > longest) longest = j - i - 1;
            i = j;
          }
          if (longest > L.maxTokenBytes) run = longest;
          else run = chunk.length - i - 1;
        }
        if (run > L.maxTokenBytes)
          return cb(
            over(
              `holds one text or tag longer than ${mb(L.maxTokenBytes)}`,
              `含有长于 ${mb(L.maxTokenBytes)} 的单段文字或标签`,
            ),
          );
        cb(null, chunk);
      },
    });
    const inflate = part.method === 8 ? createInflateRaw({ chunkSize: CHUNK }) : null;
    const stages: (Readable | Transform)[] = inflate ? [raw, inflate, guard] : [raw, guard];
    const out = new PassThrough();
    const stop = () => {
      for (const st of stages) st.destroy();
    };
    const fail = (err: Error) => {
      stop();
      if (!out.destroyed) out.destroy(refusal(err, part.path));
    };
    for (const st of stages) st.on('error', fail);
    out.on('close', stop);
    (inflate ? raw.pipe(inflate).pipe(guard) : raw.pipe(guard)).pipe(out);
    this.streams.push(out);
    return out;
  }

  /** Stops every part stream still open. */
  close() {
    for (const s of this.streams) s.destroy();
  }
}

/** An inflate error is a damaged file; a limit stays what it is. */
function refusal(err: Error, path: string): Error {
  if (err instanceof ZipLimitError || err instanceof ZipFormatError) return err;
  return new ZipFormatError(`${path} cannot be unpacked: ${err.message}`);
}
