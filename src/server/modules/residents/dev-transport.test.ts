import { describe, expect, it } from 'vitest';
import type { Services } from '../../platform/services.js';
import { devCodeOf, devTransportFor } from './dev-transport.js';
import { residentsModule } from './residents.manifest.js';

const services = (mode: 'demo' | 'production') => ({ config: { mode } }) as unknown as Services;
const codeMessage = (userId: number, code: string) => ({
  userId,
  kind: 'resident.code',
  titleZh: '登录验证码',
  titleEn: 'Sign-in code',
  bodyZh: `您的家园登录验证码是 ${code}，5 分钟内有效。`,
  bodyEn: `Your code is ${code}`,
  caseId: null,
});

describe('the development transport (codes on screen)', () => {
  it('gives the code it carried, once, in demo mode', async () => {
    const s = services('demo');
    await devTransportFor(s).send([
      codeMessage(7, '042917'),
      { ...codeMessage(8, '111111'), kind: 'case.accept' },
    ]);
    expect(devCodeOf(s, 7)).toBe('042917');
    expect(devCodeOf(s, 7)).toBeUndefined();
    expect(devCodeOf(s, 8)).toBeUndefined(); // only sign-in codes
  });

  it('never gives a code in production mode, and is never registered there', async () => {
    const s = services('production');
    await devTransportFor(s).send([codeMessage(7, '042917')]);
    expect(devCodeOf(s, 7)).toBeUndefined();
    // onStart registers nothing in production (the engine's list stays empty: nothing to deliver to)
    const p = services('production');
    await residentsModule.onStart!(p);
    const { deliver } = await import('../../engines/notifications/notifications.js');
    const before = devTransportFor(p).last.size;
    await deliver(p, [codeMessage(9, '123456')]);
    expect(devTransportFor(p).last.size).toBe(before);
  });
});
