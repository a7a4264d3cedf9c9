import type { Message, Transport } from '../../engines/notifications/notifications.js';
import type { Services } from '../../platform/services.js';

/**
 * The development transport (demo mode only; `onStart` never adds it in production): it keeps the
 * last sign-in code sent to each account so the demo's sign-in page can show it on screen, since
 * no SMS gateway is reachable in the demo. It is never registered when JIAYUAN_MODE=production.
 */
export class DevCodeTransport implements Transport {
  readonly name = 'dev-codes';
  readonly last = new Map<number, string>();
  async send(messages: Message[]): Promise<void> {
    for (const m of messages) {
      if (m.kind !== 'resident.code') continue;
      const code = /\d{6}/.exec(m.bodyZh)?.[0];
      if (code) this.last.set(m.userId, code);
    }
  }
}

const devs = new WeakMap<Services, DevCodeTransport>();

export function devTransportFor(s: Services): DevCodeTransport {
  let t = devs.get(s);
  if (!t) {
    t = new DevCodeTransport();
    devs.set(s, t);
  }
  return t;
}

/** The code the development transport just carried for the user (demo mode), once. */
export function devCodeOf(s: Services, userId: number): string | undefined {
  if (s.config.mode !== 'demo') return undefined;
  const t = devs.get(s);
  const code = t?.last.get(userId);
  t?.last.delete(userId);
  return code;
}
