import type { z } from 'zod';
import { en, zhCN } from 'zod/locales';
import type { ErrorIssue } from '../../../contract/common.js';
import { pickMsg } from '../../../contract/common.js';

const locales = { zh: zhCN(), en: en() };
const english = locales.en;

type RawIssue = z.core.$ZodIssue;

function pathOf(prefix: string | undefined, path: PropertyKey[]): string {
  const parts = path.map((p) => String(p));
  if (prefix) parts.unshift(prefix);
  return parts.join('.');
}

/**
 * Zod issues → envelope issues with every field's path, in the request's language. Custom
 * messages in the contract are bilingual (`msg(zh, en)`); built-in ones come from zod's locales.
 */
export function toIssues(issues: readonly RawIssue[], lang: 'zh' | 'en', prefix?: string): ErrorIssue[] {
  const out: ErrorIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({
          path: pathOf(prefix, [...issue.path, key]),
          code: 'unrecognized_key',
          message: lang === 'zh' ? '不允许的字段' : 'unknown field',
        });
      }
      continue;
    }
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      out.push(...toIssues(issue.errors[0]!, lang, prefix));
      continue;
    }
    const generic = english.localeError(issue as never);
    const genericText = typeof generic === 'string' ? generic : generic?.message;
    let message: string;
    if (issue.message && issue.message !== genericText && issue.code !== 'invalid_type') {
      message = pickMsg(issue.message, lang);
    } else {
      const local = locales[lang].localeError(issue as never);
      message = (typeof local === 'string' ? local : (local?.message ?? issue.message))
        .replace(/，实际接收 undefined$/, '')
        .replace(/, received undefined$/, '');
      if (issue.code === 'invalid_type' && / received undefined$/.test(issue.message)) {
        message = lang === 'zh' ? '必填' : 'required';
      }
    }
    out.push({ path: pathOf(prefix, issue.path), code: issue.code, message });
  }
  return out;
}
