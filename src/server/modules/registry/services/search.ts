import { z } from 'zod';
import type { AgeBand, PersonListQuery } from '../../../../contract/registry.js';
import { type TagCode, tagPermission } from '../../../../contract/tags.js';
import { areaIdInScope } from '../../../platform/access/scope.js';
import { AppError } from '../../../platform/errors/app-error.js';
import { toIssues } from '../../../platform/errors/issues.js';
import { type Ctx, inTx } from '../../../platform/services.js';
import {
  AGE_BANDS,
  birthRange,
  classifySearch,
  IDENTIFIER_SEARCHES,
  revealsEverywhere,
  type SearchKind,
  visibleTags,
} from '../registry.policy.js';
import type { PersonFilter, PersonSort } from '../registry.repository.js';
import { addDays, type RegistryContext } from './common.js';

/**
 * Searches by identifier (ID number, phone or their tails) per user per hour by an actor who may
 * not reveal every number it can read (counted from the audit log, where each is recorded).
 */
export const IDENTIFIER_SEARCH_LIMIT = 30;

const SORTS = { name: 'name', birthDate: 'birthDate', updatedAt: 'updatedAt' } as const;

type ListQ = z.infer<typeof PersonListQuery>;

/**
 * Finding people: the list and the export's filter (scope, search, tags, age bands, expiring
 * registrations), the sort, and the audit and hourly limit of a search by identifier.
 */
export function searchService({ s, repo, today, personScope }: RegistryContext) {
  /**
   * A search by identifier (an ID number, a phone, or their tails) by an actor who may not reveal
   * every number it reads: audited (the kind, never the value) and limited to
   * IDENTIFIER_SEARCH_LIMIT an hour, counted in the audit log like reveals.
   */
  async function identifierSearch(ctx: Ctx, search: SearchKind) {
    if (!IDENTIFIER_SEARCHES.has(search.kind) || revealsEverywhere(ctx.actor)) return;
    await inTx(s, ctx, async (trx, audit) => {
      const r = repo(trx);
      await r.lockUser('idsearch', ctx.actor.userId);
      const since = new Date(s.clock.now().getTime() - 3600_000);
      const used = await r.auditCount(ctx.actor.userId, ['person.search.identifier'], since);
      if (used >= IDENTIFIER_SEARCH_LIMIT) throw new AppError('RATE_LIMITED');
      await audit({
        action: 'person.search.identifier',
        entityType: 'person',
        detail: { kind: search.kind },
      });
    });
  }

  /** The list/export filter from the query; a tag the actor may not see is refused like an unknown value. */
  function filterOf(
    ctx: Ctx,
    q: Omit<ListQ, 'page' | 'pageSize' | 'sort'>,
    permission: string,
  ): PersonFilter {
    const f: PersonFilter = {
      scope: personScope(ctx, permission),
      search: q.q ? classifySearch(q.q) : null,
      areaId: q.areaId,
      residenceType: q.residenceType,
      status: q.status,
    };
    // A whole ID number or phone, or 5–6 trailing ID characters, match only where the actor may
    // reveal the number: elsewhere the search would confirm what the mask hides.
    if (!revealsEverywhere(ctx.actor)) f.revealScope = personScope(ctx, 'person.reveal');
    if (q.tag) {
      f.tag = { code: q.tag, scope: areaIdInScope(ctx.actor, tagPermission(q.tag as TagCode), 'p.areaId') };
    }
    if (q.ageBand) {
      const [min, max] = AGE_BANDS[q.ageBand as z.infer<typeof AgeBand>];
      f.birth = birthRange(today(), min, max);
    }
    if (q.expiringWithinDays !== undefined) f.expiresBy = addDays(today(), q.expiringWithinDays);
    return f;
  }

  function sortOf(sort: string | undefined): PersonSort {
    const desc = sort?.startsWith('-') ?? false;
    const key = (sort?.replace(/^-/, '') ?? 'name') as keyof typeof SORTS;
    if (!SORTS[key]) {
      throw new AppError('VALIDATION_FAILED', {}, [
        { path: 'query.sort', code: 'invalid_value', message: 'name | birthDate | updatedAt' },
      ]);
    }
    return { key: SORTS[key], desc };
  }

  return {
    /** Validates `tag` against the tags this actor may see: others are unknown values (400). */
    checkTagFilter(ctx: Ctx, tag: string | undefined): void {
      if (tag === undefined) return;
      const allowed = visibleTags(ctx.actor);
      if ((allowed as string[]).includes(tag)) return;
      const parsed = allowed.length ? z.enum(allowed as [string, ...string[]]).safeParse(tag) : null;
      const issues = parsed?.error ? parsed.error.issues.map((i) => ({ ...i, path: ['tag'] })) : [];
      const out = issues.length
        ? toIssues(issues, ctx.lang, 'query')
        : [
            {
              path: 'query.tag',
              code: 'invalid_value',
              message: ctx.lang === 'zh' ? '无效选项' : 'Invalid option',
            },
          ];
      throw new AppError('VALIDATION_FAILED', {}, out);
    },

    async list(ctx: Ctx, q: ListQ) {
      const sort = sortOf(q.sort);
      const f = filterOf(ctx, q, 'person.read');
      if (f.search) await identifierSearch(ctx, f.search);
      return repo().list(f, sort, q.pageSize, (q.page - 1) * q.pageSize);
    },

    exportFilter(ctx: Ctx, q: Omit<ListQ, 'page' | 'pageSize' | 'sort'>) {
      return filterOf(ctx, q, 'person.export');
    },
  };
}
