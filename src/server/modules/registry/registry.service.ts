import type { Services } from '../../platform/services.js';
import { registryContext } from './services/common.js';
import { historyService } from './services/history.js';
import { householdsService } from './services/households.js';
import { housesService } from './services/houses.js';
import { organisationsService } from './services/organisations.js';
import { peopleService } from './services/people.js';
import { revealService } from './services/reveal.js';
import { searchService } from './services/search.js';
import { tagsService } from './services/tags.js';

export { addDays, invalid, todayOf } from './services/common.js';
export { REVEAL_LIMIT } from './services/reveal.js';
export { IDENTIFIER_SEARCH_LIMIT } from './services/search.js';

/**
 * The registry's service, one part per concern (services/): people (registering, changing,
 * moving; their ID numbers placed and handed over in id-numbers.ts), search (the list, the
 * export's filter, identifier searches and their limit), reveal, tags, history, houses and
 * rentals, households, organisations. Queries live in registry.repository.ts (people),
 * houses.repository.ts and organisations.repository.ts; answers are shaped in registry.presenter.ts; the ledger import is
 * import.service.ts and the export registry.export.ts.
 */
export function registryService(s: Services) {
  const c = registryContext(s);
  return {
    today: c.today,
    repo: c.repo,
    houses: c.houses,
    namesFor: (paths: string[]) => c.repo().names(paths),
    ...peopleService(c),
    ...searchService(c),
    ...revealService(c),
    ...tagsService(c),
    ...historyService(c),
    ...housesService(c),
    ...householdsService(c),
    ...organisationsService(c),
  };
}

export type RegistryService = ReturnType<typeof registryService>;
