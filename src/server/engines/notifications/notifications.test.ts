import { describe, expect, it } from 'vitest';
import type { Services } from '../../platform/services.js';
import {
  deliver,
  type Message,
  RecordingTransport,
  registerTransports,
  type Transport,
} from './notifications.js';

const message = (userId: number): Message => ({
  userId,
  kind: 'accept',
  titleZh: '【SJ1】楼道堆物',
  titleEn: '[SJ1] Corridor',
  bodyZh: '受理',
  bodyEn: 'Accepted',
  caseId: 1,
});

function services() {
  const warnings: string[] = [];
  const s = { log: { info() {}, warn: (m: string) => warnings.push(m), error() {} } } as unknown as Services;
  return { s, warnings };
}

describe('notification transports', () => {
  it('hand committed messages to every transport; a recording transport keeps what it would send', async () => {
    const { s } = services();
    const a = new RecordingTransport();
    const b = new RecordingTransport();
    registerTransports(s, [a, b]);
    await deliver(s, [message(1), message(2)]);
    expect(a.sent.map((m) => m.userId)).toEqual([1, 2]);
    expect(b.sent).toEqual(a.sent);
  });

  it('send nothing without transports or messages, and a failing transport is logged, not thrown', async () => {
    const { s, warnings } = services();
    await deliver(s, [message(1)]);
    const rec = new RecordingTransport();
    const failing: Transport = {
      name: 'sms',
      send: async () => {
        throw new Error('gateway down');
      },
    };
    registerTransports(s, [failing, rec]);
    await deliver(s, []);
    expect(rec.sent).toEqual([]);
    await deliver(s, [message(3)]);
    expect(rec.sent.map((m) => m.userId)).toEqual([3]);
    expect(warnings).toEqual(['notification transport sms failed: gateway down']);
  });
});
