import type { TagCode } from '../../../contract/tags.js';

/**
 * The colour of each care/attention tag. Its own small module: the grid worker's day shows tags
 * without loading the registry's pickers and dialogs (registry/shared.tsx re-exports it).
 */
const TAG_COLORS: Record<TagCode, string> = {
  dibao: 'gold',
  disability: 'purple',
  elderly_alone: 'cyan',
  empty_nest: 'cyan',
  living_alone: 'cyan',
  hardship: 'orange',
  unemployed: 'lime',
  veteran: 'green',
  left_behind: 'geekblue',
  released: 'volcano',
  correction: 'red',
  petition: 'magenta',
  key_youth: 'volcano',
  mental: 'red',
  dispute_family: 'magenta',
};

export function tagColor(code: TagCode): string {
  return TAG_COLORS[code] ?? 'default';
}
