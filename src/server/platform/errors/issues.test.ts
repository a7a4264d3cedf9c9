import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AreaCreate } from '../../../contract/areas.js';
import { LoginBody } from '../../../contract/auth.js';
import { msg } from '../../../contract/common.js';
import { UserCreate } from '../../../contract/users.js';
import { toIssues } from './issues.js';

function issuesOf(schema: z.ZodType, value: unknown, lang: 'zh' | 'en', prefix?: string) {
  const r = schema.safeParse(value);
  if (r.success) throw new Error('expected the value to be rejected');
  return toIssues(r.error.issues, lang, prefix);
}

describe('zod issues → envelope issues', () => {
  it('says "required" for a missing field, in both languages', () => {
    expect(issuesOf(LoginBody, { password: 'x' }, 'zh')).toEqual([
      { path: 'username', code: 'invalid_type', message: '必填' },
    ]);
    expect(issuesOf(LoginBody, { password: 'x' }, 'en')).toEqual([
      { path: 'username', code: 'invalid_type', message: 'required' },
    ]);
  });

  it('names every unknown key as its own issue', () => {
    const zh = issuesOf(LoginBody, { username: 'a', password: 'b', isAdmin: true, role: 'x' }, 'zh');
    expect(zh).toEqual([
      { path: 'isAdmin', code: 'unrecognized_key', message: '不允许的字段' },
      { path: 'role', code: 'unrecognized_key', message: '不允许的字段' },
    ]);
    const nested = issuesOf(
      AreaCreate,
      { parentId: 1, kind: 'grid', name: 'x', boundary: { type: 'Polygon', coordinates: [], crs: 1 } },
      'en',
    );
    expect(nested).toContainEqual({
      path: 'boundary.crs',
      code: 'unrecognized_key',
      message: 'unknown field',
    });
  });

  it('gives a wrong type a localized message without "received …" noise', () => {
    const zh = issuesOf(LoginBody, { username: 5, password: 'x' }, 'zh');
    expect(zh).toHaveLength(1);
    expect(zh[0]).toMatchObject({ path: 'username', code: 'invalid_type' });
    expect(zh[0]!.message).toMatch(/[\u4e00-\u9fff]/);
    const en = issuesOf(LoginBody, { username: 5, password: 'x' }, 'en');
    expect(en[0]!.message).toMatch(/expected string/);
    expect(en[0]!.message).not.toMatch(/received undefined/);
  });

  it('picks the half of a bilingual contract message for the language', () => {
    const bad = { username: '1abc', displayName: 'x', areaId: 1 };
    expect(issuesOf(UserCreate, bad, 'zh')).toEqual([
      { path: 'username', code: 'invalid_format', message: '3–32 位字母、数字或 _ . -，以字母开头' },
    ]);
    expect(issuesOf(UserCreate, bad, 'en')).toEqual([
      {
        path: 'username',
        code: 'invalid_format',
        message: '3–32 letters, digits, _ . -, starting with a letter',
      },
    ]);
    const custom = z.object({ a: z.string().refine(() => false, { message: msg('中文', 'English') }) });
    expect(issuesOf(custom, { a: 'x' }, 'zh')[0]!.message).toBe('中文');
    expect(issuesOf(custom, { a: 'x' }, 'en')[0]!.message).toBe('English');
  });

  it('joins nested paths with dots and array indexes, after the request-part prefix', () => {
    const ring = [
      [113, 28],
      [114, 28],
      [114, 29],
      [113, 30],
    ];
    const open = issuesOf(
      AreaCreate,
      { parentId: 1, kind: 'grid', name: 'x', boundary: { type: 'Polygon', coordinates: [ring] } },
      'en',
    );
    expect(open).toEqual([
      {
        path: 'boundary.coordinates',
        code: 'custom',
        message: 'ring must be closed (first position equals last)',
      },
    ]);
    const lat = issuesOf(
      AreaCreate,
      {
        parentId: 1,
        kind: 'grid',
        name: 'x',
        boundary: { type: 'Polygon', coordinates: [[...ring.slice(0, 2), [114, 95], ring[0]]] },
      },
      'en',
    );
    expect(lat.map((i) => i.path)).toEqual(['boundary.coordinates.0.2.1']);
    const q = issuesOf(
      z.strictObject({ page: z.coerce.number().int().min(1) }),
      { page: '0', x: '1' },
      'en',
      'query',
    );
    expect(q.map((i) => i.path).sort()).toEqual(['query.page', 'query.x']);
  });

  it('reports every failing field, not just the first', () => {
    const r = issuesOf(UserCreate, { username: '', displayName: '', areaId: -1 }, 'en');
    expect(new Set(r.map((i) => i.path))).toEqual(new Set(['username', 'displayName', 'areaId']));
  });
});
