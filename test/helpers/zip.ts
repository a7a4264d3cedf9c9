import { constants, crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';

/**
 * Zip archives built byte by byte, for hostile uploads: entries whose declared sizes lie, ratios
 * far beyond any real workbook, compression methods nobody uses. Small to make: a bomb's
 * compressed entry is deflated here in chunks, never held whole.
 */
export interface ZipPart {
  name: string;
  /** Content, deflated here (or stored, with `store`). */
  data?: Buffer | string;
  /** Content already deflated (`deflated`: raw deflate), with its real size and CRC. */
  deflated?: { bytes: Buffer; size: number; crc: number };
  store?: boolean;
  /** Sizes written in the headers instead of the real ones (a lie). */
  declare?: { size?: number; compressed?: number };
  /** Compression method written in the headers (8 deflate, 0 stored; anything else is a lie). */
  method?: number;
  /** General-purpose flags (bit 0: encrypted). */
  flags?: number;
}

export function zip(parts: ZipPart[], opts: { declareEntries?: number } = {}): Buffer {
  const local: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name, 'utf8');
    let body: Buffer;
    let size: number;
    let crc: number;
    let method: number;
    if (p.deflated) {
      body = p.deflated.bytes;
      size = p.deflated.size;
      crc = p.deflated.crc;
      method = 8;
    } else {
      const data = typeof p.data === 'string' ? Buffer.from(p.data, 'utf8') : (p.data ?? Buffer.alloc(0));
      size = data.length;
      crc = crc32(data);
      body = p.store ? data : deflateRawSync(data, { level: constants.Z_BEST_COMPRESSION });
      method = p.store ? 0 : 8;
    }
    method = p.method ?? method;
    const declaredSize = p.declare?.size ?? size;
    const declaredCompressed = p.declare?.compressed ?? body.length;
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0);
    head.writeUInt16LE(20, 4);
    head.writeUInt16LE(p.flags ?? 0, 6);
    head.writeUInt16LE(method, 8);
    head.writeUInt32LE(0, 10);
    head.writeUInt32LE(crc >>> 0, 14);
    head.writeUInt32LE(declaredCompressed, 18);
    head.writeUInt32LE(declaredSize, 22);
    head.writeUInt16LE(name.length, 26);
    head.writeUInt16LE(0, 28);
    local.push(head, name, body);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(p.flags ?? 0, 8);
    dir.writeUInt16LE(method, 10);
    dir.writeUInt32LE(0, 12);
    dir.writeUInt32LE(crc >>> 0, 16);
    dir.writeUInt32LE(declaredCompressed, 20);
    dir.writeUInt32LE(declaredSize, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    central.push(dir, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  const n = opts.declareEntries ?? parts.length;
  end.writeUInt16LE(Math.min(n, 0xffff), 8);
  end.writeUInt16LE(Math.min(n, 0xffff), 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...local, cd, end]);
}

/** `unit` repeated until `bytes`, deflated as it is generated (memory: one chunk). */
export async function deflateRepeated(
  unit: string,
  bytes: number,
  head = '',
  tail = '',
): Promise<{ bytes: Buffer; size: number; crc: number }> {
  const d = createDeflateRaw({ level: constants.Z_BEST_COMPRESSION });
  const out: Buffer[] = [];
  d.on('data', (c: Buffer) => out.push(c));
  const done = new Promise<void>((resolve, reject) => {
    d.on('end', resolve);
    d.on('error', reject);
  });
  const u = Buffer.from(unit, 'utf8');
  const chunk = Buffer.alloc(Math.max(u.length, Math.floor((1 << 20) / u.length) * u.length));
  for (let i = 0; i < chunk.length; i += u.length) u.copy(chunk, i);
  const h = Buffer.from(head, 'utf8');
  const t = Buffer.from(tail, 'utf8');
  let crc = crc32(h);
  let size = h.length;
  d.write(h);
  while (size + chunk.length <= bytes) {
    d.write(chunk);
    crc = crc32(chunk, crc);
    size += chunk.length;
  }
  d.write(t);
  crc = crc32(t, crc);
  size += t.length;
  d.end();
  await done;
  return { bytes: Buffer.concat(out), size, crc };
}

/** The parts of a minimal workbook around a first worksheet (and shared strings, when given). */
export function workbookParts(sheet: ZipPart, sharedStrings?: ZipPart): ZipPart[] {
  return [
    {
      name: '[Content_Types].xml',
      data: '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    },
    {
      name: '_rels/.rels',
      data: '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    },
    {
      name: 'xl/workbook.xml',
      data: '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    },
    { ...sheet, name: 'xl/worksheets/sheet1.xml' },
    ...(sharedStrings ? [{ ...sharedStrings, name: 'xl/sharedStrings.xml' }] : []),
  ];
}

export const SHEET_HEAD =
  '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
export const SHEET_TAIL = '</sheetData></worksheet>';
/** A row of two inline strings (a header a ledger reader recognises: 姓名, 身份证号). */
export const HEADER_ROW =
  '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>身份证号</t></is></c></row>';
export const SST_HEAD =
  '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">';
export const SST_TAIL = '</sst>';
