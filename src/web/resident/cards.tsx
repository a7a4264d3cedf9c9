import type { ReactNode } from 'react';
import type { ResidentMe } from '../../contract/residents.js';
import type { MessageKey, TFunction } from '../app/i18n.js';

/**
 * The resident home page grows by cards: a module adds one line here (its title, hint, where it
 * leads, whether an unverified account sees it). Order is the order of this list.
 * Notices (另一模块), appointments, activities and votes add theirs as they come.
 */
export interface ResidentCard {
  key: string;
  title: MessageKey;
  hint: (me: ResidentMe, t: TFunction) => string;
  to: string;
  /** A short mark in a circle (no icon font or emoji: WeChat's browser and old phones lack them). */
  icon: ReactNode;
  /** Shown to unverified accounts too (public things only). */
  public?: boolean;
}

export const RESIDENT_CARDS: ResidentCard[] = [
  {
    key: 'report',
    title: 'resident.card.report',
    hint: (_m, t) => t('resident.card.reportHint'),
    to: '/r/report',
    icon: '报',
  },
  {
    key: 'requests',
    title: 'resident.card.requests',
    hint: (_m, t) => t('resident.card.requestsHint'),
    to: '/r/requests',
    icon: '诉',
  },
  {
    key: 'notices',
    title: 'resident.card.notices',
    hint: (_m, t) => t('resident.card.noticesHint'),
    to: '/r/notices',
    icon: '告',
    public: true,
  },
  {
    key: 'activities',
    title: 'resident.card.activities',
    hint: (_m, t) => t('resident.card.activitiesHint'),
    to: '/my-activities',
    icon: '活',
  },
  {
    key: 'data',
    title: 'resident.card.data',
    hint: (_m, t) => t('resident.card.dataHint'),
    to: '/r/me',
    icon: '信',
  },
  {
    key: 'messages',
    title: 'resident.card.messages',
    hint: (m, t) =>
      m.unread ? t('resident.card.messagesHint', { n: m.unread }) : t('resident.card.messagesNone'),
    to: '/r/messages',
    icon: '息',
    public: true,
  },
  {
    key: 'settings',
    title: 'resident.card.settings',
    hint: (_m, t) => t('resident.card.settingsHint'),
    to: '/r/settings',
    icon: '设',
    public: true,
  },
];
