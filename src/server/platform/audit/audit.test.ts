import { describe, expect, it } from 'vitest';
import { canonical, chainHash, diff, payloadOf } from './audit.js';

describe('canonical JSON', () => {
  it('sorts keys at every depth so equal objects hash equally', () => {
    expect(canonical({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[1,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonical({ x: 1, y: 2 })).toBe(canonical({ y: 2, x: 1 }));
  });

  it('drops undefined fields, writes null for null/undefined and ISO text for dates', () => {
    expect(canonical({ a: undefined, b: null })).toBe('{"b":null}');
    expect(canonical(undefined)).toBe('null');
    expect(canonical([undefined, 1])).toBe('[null,1]');
    expect(canonical(new Date('2026-01-02T03:04:05.006Z'))).toBe('"2026-01-02T03:04:05.006Z"');
  });

  it('escapes strings exactly like JSON (quotes, control characters, unicode)', () => {
    const s = 'a"b\\c\n\u0000☃😀';
    expect(canonical({ [s]: s })).toBe(`{${JSON.stringify(s)}:${JSON.stringify(s)}}`);
    expect(JSON.parse(canonical({ k: s })).k).toBe(s);
  });

  it('survives a JSONB round trip: the stored value canonicalizes to the same text', () => {
    // PostgreSQL reorders jsonb keys; the hash must not depend on the order.
    const written = { name: { before: '旧', after: '新' }, code: { before: null, after: '1' } };
    const readBack = JSON.parse(JSON.stringify({ code: written.code, name: written.name }));
    expect(canonical(readBack)).toBe(canonical(written));
  });
});

describe('diff', () => {
  it('keeps only the changed fields, with before and after', () => {
    expect(diff({ name: 'a', code: '1', n: 1 }, { name: 'b', code: '1', n: 1 })).toEqual({
      name: { before: 'a', after: 'b' },
    });
  });

  it('compares structurally, not by identity or key order', () => {
    expect(diff({ p: { x: 1, y: [1, 2] } }, { p: { y: [1, 2], x: 1 } })).toEqual({});
    expect(diff({ p: [1, 2] }, { p: [2, 1] })).toEqual({ p: { before: [1, 2], after: [2, 1] } });
  });

  it('treats a creation as every field going from null', () => {
    expect(diff(null, { name: 'x', parentId: null })).toEqual({ name: { before: null, after: 'x' } });
  });

  it('records a field set to null or cleared', () => {
    expect(diff({ boundary: '((1,2))' }, { boundary: null })).toEqual({
      boundary: { before: '((1,2))', after: null },
    });
    expect(diff({ a: 1 }, { a: undefined })).toEqual({ a: { before: 1, after: null } });
  });
});

describe('hash chain', () => {
  const row = {
    at: new Date('2026-11-21T08:00:00.000Z'),
    actorId: 7,
    actorName: 'grid_a',
    action: 'area.update',
    entityType: 'area',
    entityId: '4',
    success: true,
    ip: '127.0.0.1',
    requestId: 'r-1',
    changes: { name: { before: 'a', after: 'b' } },
    detail: null,
  };
  const genesis = Buffer.alloc(32);

  it('is deterministic and binds the previous hash, the sequence number and every field', () => {
    const h = chainHash(genesis, 1, payloadOf(row));
    expect(h).toHaveLength(32);
    expect(chainHash(genesis, 1, payloadOf({ ...row }))).toEqual(h);
    expect(chainHash(genesis, 2, payloadOf(row))).not.toEqual(h);
    expect(chainHash(Buffer.alloc(32, 1), 1, payloadOf(row))).not.toEqual(h);
    for (const [k, v] of Object.entries({
      at: new Date('2026-11-21T08:00:00.001Z'),
      actorId: 8,
      actorName: 'grid_b',
      action: 'area.delete',
      entityType: 'user',
      entityId: '5',
      success: false,
      ip: '10.0.0.1',
      requestId: 'r-2',
      changes: { name: { before: 'a', after: 'c' } },
      detail: { x: 1 },
    })) {
      expect(chainHash(genesis, 1, payloadOf({ ...row, [k]: v })), k).not.toEqual(h);
    }
  });
});
