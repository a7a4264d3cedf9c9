import type { PublicationKindDef } from '../../engines/publications/kinds.js';

const perms = { read: 'notice.read', draft: 'notice.draft', publish: 'notice.publish' };

/**
 * The kinds the notices module posts through the publications engine (docs/publications.md).
 * Periods rest on local rules read as urban defaults (⚠, transparency.md §2): the pages say so.
 */
export const NOTICE_KINDS: PublicationKindDef[] = [
  {
    // 通知公告: posted by the community or street for its residents; no approval step; up ≥ 3
    // working days (no rule found: a platform default ⚠).
    code: 'notice',
    zh: '通知公告',
    en: 'Notice',
    archiveClass: '居务',
    audiences: ['public', 'residents', 'party'],
    channels: ['online', 'board'],
    display: { days: 3, counting: 'wday' },
    steps: [],
    perms,
    unverified: true,
  },
  {
    // 居务公示: a decision or result shown for objections — reviewed by the supervisory committee
    // (监督委员会) first, displayed ≥ 5 days (山东 art. 13), objections within 5 days (art. 16),
    // counted the 民法典 way (participation.md rule 2: the default counting ⚠).
    code: 'affairs_notice',
    zh: '居务公示',
    en: 'Community affairs 公示',
    archiveClass: '居务',
    audiences: ['residents', 'public'],
    channels: ['online', 'board'],
    display: { days: 5, counting: 'civil' },
    objection: { days: 5 },
    steps: [
      { code: 'committee', zh: '监督委员会审核', en: 'Supervisory committee review', perm: 'notice.approve' },
    ],
    perms,
    unverified: true,
  },
  {
    // 党务公开: 提出 → 审核 (保密审查) → 审批 → 实施 (党务公开条例 art. 15).
    code: 'party_notice',
    zh: '党务公开',
    en: 'Party affairs notice',
    archiveClass: '党务',
    audiences: ['party', 'public'],
    channels: ['online', 'board'],
    display: { days: 5, counting: 'civil' },
    steps: [
      { code: 'secrecy', zh: '保密审查', en: 'Secrecy review', perm: 'notice.secrecy' },
      { code: 'approval', zh: '审批', en: 'Approval', perm: 'notice.approve' },
    ],
    perms,
    unverified: true,
  },
];
