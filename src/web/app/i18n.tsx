import { ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import 'dayjs/locale/en';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import type { Lang } from '../../contract/common.js';
import { en } from './messages.en.js';
import { type MessageKey, zh } from './messages.zh-CN.js';

export type { MessageKey };
export type Params = Record<string, string | number | null | undefined>;
export type TFunction = (key: MessageKey, params?: Params) => string;

const STORAGE_KEY = 'jy_lang';
const dictionaries: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zh, en };

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
  format(dictionaries[currentLang][key] ?? zh[key] ?? key, params);

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
      applyLang(next);
      try {
        localStorage.setItem(STORAGE_KEY, next);
      } catch {
        // ignore: the choice lasts for this page only
      }
      setLangState(next);
      onChange?.(next);
    },
    [onChange],
  );
  const value = useMemo<I18nValue>(() => {
    const dict = dictionaries[lang];
    return {
      lang,
      setLang,
      t: (key, params) => format(dict[key] ?? zh[key] ?? key, params),
    };
  }, [lang, setLang]);
  return (
    <I18nContext.Provider value={value}>
      <ConfigProvider
        locale={lang === 'zh-CN' ? zhCN : enUS}
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
