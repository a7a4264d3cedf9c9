import { ConfigProvider } from 'antd';
import type { Locale } from 'antd/es/locale';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import 'dayjs/locale/en';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import type { Lang } from '../../contract/common.js';
import { type MessageKey, zh } from './messages.zh-CN.js';

export type { MessageKey };
export type Params = Record<string, string | number | null | undefined>;
export type TFunction = (key: MessageKey, params?: Params) => string;

const STORAGE_KEY = 'jy_lang';
type Dictionary = Record<MessageKey, string>;
/**
 * Chinese is in the first load; English is a chunk of its own (with antd's English texts), fetched
 * when chosen — most people never switch, and on a phone's link every first-load byte counts.
 */
const dictionaries: Partial<Record<Lang, Dictionary>> = { 'zh-CN': zh };
let enLocale: Locale | null = null;

/** Loads a language's texts; resolves at once when they are here. Call before showing the language. */
export async function loadLang(lang: Lang): Promise<void> {
  if (dictionaries[lang]) return;
  const [{ en }, antdEn] = await Promise.all([import('./messages.en.js'), import('antd/locale/en_US')]);
  enLocale = antdEn.default;
  dictionaries.en = en;
}

const dictionaryOf = (lang: Lang): Dictionary => dictionaries[lang] ?? zh;

function readStoredLang(): Lang {
  try {
    const v = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (v === 'en' || v === 'zh-CN') return v;
  } catch {
    // storage disabled: fall through to the default
  }
  return 'zh-CN';
}

let currentLang: Lang = readStoredLang();

/** The UI language outside React (the request adapter sends it as Accept-Language). */
export function getLang(): Lang {
  return currentLang;
}

/**
 * The language chosen since this module loaded, outside React (the quick sign-in of index.html
 * stores it under the same key): applied before the app's first render.
 */
export function adoptStoredLang(): Lang {
  const stored = readStoredLang();
  if (stored !== currentLang) applyLang(stored);
  return stored;
}

function applyLang(lang: Lang) {
  currentLang = lang;
  dayjs.locale(lang === 'zh-CN' ? 'zh-cn' : 'en');
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}
applyLang(currentLang);

function format(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    return v === undefined || v === null ? whole : String(v);
  });
}

/** Translate outside React, in the current language. */
export const translate: TFunction = (key, params) =>
  format(dictionaryOf(currentLang)[key] ?? zh[key] ?? key, params);

/** True when `key` names a message (for keys built from server data, e.g. module names). */
export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(zh, key);
}

interface I18nValue {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: TFunction;
}

const I18nContext = createContext<I18nValue | null>(null);

export function I18nProvider({
  children,
  onChange,
}: {
  children: ReactNode;
  /** Called after the language changed (refetch data whose text comes from the server). */
  onChange?: (lang: Lang) => void;
}) {
  const [lang, setLangState] = useState<Lang>(currentLang);
  const setLang = useCallback(
    (next: Lang) => {
      // The texts first (a chunk for English), then the switch: never a page half in each language.
      loadLang(next).then(
        () => {
          applyLang(next);
          try {
            localStorage.setItem(STORAGE_KEY, next);
          } catch {
            // ignore: the choice lasts for this page only
          }
          setLangState(next);
          onChange?.(next);
        },
        () => {
          // Out of reach (offline): the language stays as it is; the user may try again.
        },
      );
    },
    [onChange],
  );
  const value = useMemo<I18nValue>(() => {
    const dict = dictionaryOf(lang);
    return {
      lang,
      setLang,
      t: (key, params) => format(dict[key] ?? zh[key] ?? key, params),
    };
  }, [lang, setLang]);
  return (
    <I18nContext.Provider value={value}>
      <ConfigProvider
        locale={lang === 'en' && enLocale ? enLocale : zhCN}
        theme={{ token: { colorPrimary: '#1f6feb', borderRadius: 6 } }}
      >
        {children}
      </ConfigProvider>
    </I18nContext.Provider>
  );
}

export function useI18n(): I18nValue {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}

export function useT(): TFunction {
  return useI18n().t;
}
