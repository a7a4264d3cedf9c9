import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkCreditCode,
  checkIdNumber,
  checkPhone,
  cleanText,
  idCheckDigit,
  isMasked,
  maskAddress,
  maskId,
  maskName,
  maskPhone,
  toHalfWidth,
} from './identifiers.js';

const TODAY = new Date(2026, 10, 21);

/** any real date between 1900-01-01 and 2025-12-31 as YYYYMMDD */
const birth = fc
  .date({ min: new Date(Date.UTC(1900, 0, 1)), max: new Date(Date.UTC(2025, 11, 31)), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10).replace(/-/g, ''));
const digits = (n: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });
const first17 = fc.tuple(digits(6), birth, digits(3)).map(([a, b, c]) => a + b + c);

describe('checkIdNumber', () => {
  it('passes the STANDARDS.md examples', () => {
    for (const id of [
      '11010519491231002X',
      '34052419800101001X',
      '370101190102039973',
      '360426199101010071',
    ]) {
      const r = checkIdNumber(id, TODAY);
      expect(r.ok, id).toBe(true);
    }
    expect(checkIdNumber('11010519491231002X', TODAY)).toEqual({
      ok: true,
      value: '11010519491231002X',
      birthDate: '1949-12-31',
      sex: 'F',
      converted15: false,
    });
    expect(checkIdNumber('370101190102039973', TODAY)).toMatchObject({ birthDate: '1901-02-03', sex: 'M' });
  });

  it('cleans: trims, full-width, inner spaces, lower-case x', () => {
    expect(checkIdNumber('  11010519491231002x ', TODAY)).toMatchObject({
      ok: true,
      value: '11010519491231002X',
    });
    expect(checkIdNumber('１１０１０５１９４９１２３１００２ｘ', TODAY)).toMatchObject({
      ok: true,
      value: '11010519491231002X',
    });
    expect(checkIdNumber('110105 19491231 002X', TODAY)).toMatchObject({ ok: true });
  });

  it('converts a 15-digit number and says so', () => {
    expect(checkIdNumber('110105491231002', TODAY)).toEqual({
      ok: true,
      value: '11010519491231002X',
      birthDate: '1949-12-31',
      sex: 'F',
      converted15: true,
    });
  });

  it('refuses with a reason', () => {
    const reason = (s: string) => {
      const r = checkIdNumber(s, TODAY);
      return r.ok ? 'ok' : r.reason;
    };
    expect(reason('')).toBe('empty');
    expect(reason('   ')).toBe('empty');
    expect(reason('4.10105E+17')).toBe('scientific');
    expect(reason('4.10105199001012E17')).toBe('scientific');
    expect(reason('1101051949123100')).toBe('length');
    expect(reason('11010519491231002A')).toBe('chars');
    expect(reason('1101051949123100X2')).toBe('chars');
    expect(reason('110105194902300021')).toBe('birthdate'); // 30 February
    expect(reason('11010519491231002Y')).toBe('chars');
    expect(reason('110105194912310021')).toBe('checksum');
    const future = `110105202701010${'01'}`;
    expect(reason(future + idCheckDigit(future))).toBe('future');
    const r = checkIdNumber('4.10105E+17', TODAY);
    expect(!r.ok && r.message.zh).toBe(
      '身份证号为科学计数法（4.10105E+17），精度已丢失，请将该列设为文本后重新导出',
    );
    const c = checkIdNumber('110105194912310021', TODAY);
    expect(!c.ok && c.message.zh).toContain('校验位');
    expect(!c.ok && c.message.en).toContain('check');
  });

  it('birth date today is fine, tomorrow is not', () => {
    const today = `430681${'20261121'}123`;
    const tomorrow = `430681${'20261122'}123`;
    expect(checkIdNumber(today + idCheckDigit(today), TODAY).ok).toBe(true);
    expect(checkIdNumber(tomorrow + idCheckDigit(tomorrow), TODAY)).toMatchObject({
      ok: false,
      reason: 'future',
    });
  });

  it('property: any valid 17 digits + computed check digit passes, with sex and birth date', () => {
    fc.assert(
      fc.property(first17, (f) => {
        const r = checkIdNumber(f + idCheckDigit(f), TODAY);
        expect(r.ok).toBe(true);
        if (r.ok) {
          expect(r.value).toBe(f + idCheckDigit(f));
          expect(r.birthDate.replace(/-/g, '')).toBe(f.slice(6, 14));
          expect(r.sex).toBe(Number(f[16]) % 2 ? 'M' : 'F');
          expect(r.converted15).toBe(false);
        }
      }),
    );
  });

  it('property: changing one character fails the checksum', () => {
    fc.assert(
      fc.property(first17, fc.nat(17), fc.integer({ min: 1, max: 10 }), (f, pos, delta) => {
        const id = f + idCheckDigit(f);
        const alphabet = pos === 17 ? '0123456789X' : '0123456789';
        const cur = alphabet.indexOf(id[pos]!);
        const repl = alphabet[(cur + delta) % alphabet.length]!;
        fc.pre(repl !== id[pos]);
        const changed = id.slice(0, pos) + repl + id.slice(pos + 1);
        const r = checkIdNumber(changed, TODAY);
        // a changed date digit may make the date unreal or future first; otherwise the checksum catches it
        expect(r.ok).toBe(false);
        if (!r.ok) expect(['checksum', 'birthdate', 'future']).toContain(r.reason);
        if (!r.ok && (pos < 6 || pos >= 14)) expect(r.reason).toBe('checksum');
      }),
    );
  });

  it('property: 15-digit conversion keeps sex and birth date and round-trips', () => {
    const birth15 = fc
      .date({
        min: new Date(Date.UTC(1900, 0, 1)),
        max: new Date(Date.UTC(1999, 11, 31)),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString().slice(2, 10).replace(/-/g, ''));
    fc.assert(
      fc.property(digits(6), birth15, digits(3), (area, yymmdd, seq) => {
        const old = area + yymmdd + seq;
        const r = checkIdNumber(old, TODAY);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.converted15).toBe(true);
        expect(r.birthDate).toBe(`19${yymmdd.slice(0, 2)}-${yymmdd.slice(2, 4)}-${yymmdd.slice(4, 6)}`);
        expect(r.sex).toBe(Number(seq[2]) % 2 ? 'M' : 'F');
        // dropping the century and the check digit gives the old number back
        expect(r.value.slice(0, 6) + r.value.slice(8, 17)).toBe(old);
        expect(checkIdNumber(r.value, TODAY)).toMatchObject({ ok: true, value: r.value, converted15: false });
      }),
    );
  });

  it('idCheckDigit: the worked example and bad input', () => {
    expect(idCheckDigit('11010519491231002')).toBe('X');
    expect(() => idCheckDigit('1234')).toThrow();
  });
});

describe('checkCreditCode', () => {
  it('GB 32100 example passes, the one quoted online fails', () => {
    expect(checkCreditCode('91110000600037341L')).toEqual({ ok: true, value: '91110000600037341L' });
    expect(checkCreditCode(' 91110000600037341l ')).toEqual({ ok: true, value: '91110000600037341L' });
    expect(checkCreditCode('91310115MA1G4L1WXK').ok).toBe(false);
    expect(checkCreditCode('9111000060003734').ok).toBe(false);
    const bad = checkCreditCode('91110000600037341I');
    expect(!bad.ok && bad.message.zh).toContain('I');
    expect(checkCreditCode('').ok).toBe(false);
  });
});

describe('checkPhone', () => {
  it('mobiles', () => {
    expect(checkPhone('13812345678')).toEqual({ ok: true, value: '13812345678', warning: null });
    expect(checkPhone('+86 138-1234-5678')).toEqual({ ok: true, value: '13812345678', warning: null });
    expect(checkPhone('0086 13812345678')).toMatchObject({ value: '13812345678' });
    expect(checkPhone('８６１３８１２３４５６７８')).toMatchObject({ value: '13812345678' });
    expect(checkPhone('１３８ １２３４ ５６７８')).toMatchObject({ value: '13812345678', warning: null });
    for (const p of ['16612345678', '17712345678', '19912345678', '16101234567', '17401234567']) {
      expect(checkPhone(p), p).toMatchObject({ ok: true, warning: null });
    }
    // outside libphonenumber's ranges but plausible: accepted with a warning
    const w = checkPhone('14012345678');
    expect(w.ok && w.warning?.zh).toContain('号段');
    expect(checkPhone('12345678901').ok).toBe(false);
    expect(checkPhone('1381234567').ok).toBe(false);
    expect(checkPhone('').ok).toBe(false);
    expect(checkPhone('无').ok).toBe(false);
  });

  it('fixed lines normalised as area-number', () => {
    expect(checkPhone('0730-5223456')).toEqual({ ok: true, value: '0730-5223456', warning: null });
    expect(checkPhone('07305223456')).toMatchObject({ ok: true, value: '0730-5223456' });
    expect(checkPhone('(0730)5223456')).toMatchObject({ ok: true, value: '0730-5223456' });
    expect(checkPhone('010-62345678')).toMatchObject({ ok: true, value: '010-62345678' });
    expect(checkPhone('01062345678')).toMatchObject({ ok: true, value: '010-62345678' });
    expect(checkPhone('021 5234 5678')).toMatchObject({ ok: true, value: '021-52345678' });
    expect(checkPhone('+86 10 62345678')).toMatchObject({ ok: true, value: '010-62345678' });
    expect(checkPhone('5223456').ok).toBe(false);
    expect(checkPhone('0730-0223456').ok).toBe(false);
  });
});

describe('masks', () => {
  it('worked examples', () => {
    expect(maskId('11010519491231002X')).toBe('1***************2X');
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('0730-5223456')).toBe('0730-***3456');
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName('张')).toBe('*');
    expect(maskAddress('湖南省常德市津市市襄阳街道办事处12号')).toBe('湖南省常德市津市市襄阳****');
    expect(maskAddress('短地址')).toBe('****');
    for (const f of [maskId, maskPhone, maskName, maskAddress]) expect(f(null)).toBeNull();
  });

  it('isMasked', () => {
    expect(isMasked('1***************2X')).toBe(true);
    expect(isMasked('138****5678')).toBe(true);
    expect(isMasked('11010519491231002X')).toBe(false);
    for (const f of [maskId, maskPhone, maskName, maskAddress])
      expect(isMasked(f('some value 1234')!)).toBe(true);
  });

  const text = fc.string({ unit: 'binary', minLength: 0, maxLength: 40 }).filter((s) => !s.includes('*'));
  const shown = (masked: string) => Array.from(masked).filter((c) => c !== '*').length;

  it('property: masks never reveal more than stated', () => {
    fc.assert(
      fc.property(text, (v) => {
        const n = Array.from(v).length;
        const id = maskId(v)!;
        expect(shown(id)).toBeLessThanOrEqual(Math.min(3, Math.max(0, n - 1)));
        expect(Array.from(id).length).toBe(n);
        const name = maskName(v)!;
        expect(shown(name)).toBeLessThanOrEqual(n > 1 ? 1 : 0);
        const addr = maskAddress(v)!;
        expect(shown(addr)).toBe(Math.max(0, n - 8));
        expect(
          addr.startsWith(
            Array.from(v)
              .slice(0, Math.max(0, n - 8))
              .join(''),
          ),
        ).toBe(true);
      }),
    );
    fc.assert(
      fc.property(digits(11), (d) => {
        const m = maskPhone(d)!;
        expect(m).toBe(`${d.slice(0, 3)}****${d.slice(7)}`);
      }),
    );
    fc.assert(
      fc.property(fc.constantFrom('010', '0730', '021'), digits(8), (area, local) => {
        const m = maskPhone(`${area}-${local}`)!;
        expect(m).toBe(`${area}-****${local.slice(4)}`);
      }),
    );
    fc.assert(
      fc.property(text, (v) => {
        const n = Array.from(v).length;
        const m = maskPhone(v)!;
        expect(shown(m)).toBeLessThanOrEqual(
          n >= 11 ? 7 : n > 4 ? 4 : 0 + (v.match(/^0\d{2,3}-/)?.[0].length ?? 0),
        );
      }),
    );
  });
});

describe('text', () => {
  it('toHalfWidth', () => {
    expect(toHalfWidth('１２３ＡＢｃ，（）－　＠')).toBe('123ABc,()- @');
    expect(toHalfWidth('张三')).toBe('张三');
  });
  it('cleanText', () => {
    expect(cleanText('  张　 三  ')).toBe('张 三');
    expect(cleanText('　')).toBeNull();
    expect(cleanText('')).toBeNull();
    expect(cleanText(null)).toBeNull();
    expect(cleanText(undefined)).toBeNull();
    expect(cleanText('a\u200bb\n c')).toBe('ab c');
  });
});
