import { z } from 'zod';

/** The home workbench: what waits for the person signed in, each a count opening its list. */
export const TodoGroup = z.enum(['todo', 'alert', 'today', 'expiring', 'notice']);
export type TodoGroup = z.infer<typeof TodoGroup>;

export const TodoItem = z.object({
  /** `<module>.<name>`: stable, for tests and test ids (never shown). */
  key: z.string(),
  group: TodoGroup,
  /** In the reader's language. */
  label: z.string(),
  count: z.number().int(),
  /** The web path of the list and its filters (the list pages read them from the URL). */
  path: z.string(),
  query: z.record(z.string(), z.string()),
});
export type TodoItem = z.infer<typeof TodoItem>;

export const Workbench = z.object({
  items: z.array(TodoItem),
  /** Today in China (YYYY-MM-DD). */
  today: z.string(),
});
export type Workbench = z.infer<typeof Workbench>;
