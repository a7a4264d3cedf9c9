import type { ErrorIssue } from '../../../contract/common.js';
import { ERRORS, type ErrorCode } from './catalogue.js';

export type Params = Record<string, string | number>;

/** A coded, expected error: the handler turns it into the envelope with the catalogue's message. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly params: Params = {},
    readonly issues?: ErrorIssue[],
  ) {
    super(code);
    this.status = ERRORS[code].status;
  }
}

export const notFound = () => new AppError('NOT_FOUND');
export const forbidden = () => new AppError('FORBIDDEN');
export const conflict = (reason: string) => new AppError('CONFLICT', { reason });

export function formatMessage(code: ErrorCode, lang: 'zh' | 'en', params: Params = {}): string {
  const template = ERRORS[code][lang];
  return template.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? ''));
}
