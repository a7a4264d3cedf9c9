import { type Category, leaves } from '../../../contract/case-codes.js';
import type { CaseTypeDef } from '../../engines/cases/definition.js';
import type { CaseTypeRegistry } from '../../engines/cases/registry.js';

/**
 * The GeoReport services: one per leaf category of every case type declared with `open311`
 * (today 网格事件 event and 居民诉求 request; disputes are sensitive and never offered). The case
 * engine's registry says which; this module imports no case type. service_code is
 * `<type>.<category>`, e.g. `event.fire.exit`.
 */

export interface AttributeDef {
  variable: boolean;
  code: string;
  datatype: 'singlevaluelist';
  required: boolean;
  datatype_description: string | null;
  order: number;
  description: string;
  values: { key: string; name: string }[];
}

export interface ServiceDef {
  service_code: string;
  service_name: string;
  description: string;
  metadata: true;
  type: 'realtime';
  keywords: string;
  group: string;
  /** Not part of the answer. */
  caseType: string;
  def: CaseTypeDef;
  category: Category;
}

const URGENCY: AttributeDef = {
  variable: true,
  code: 'urgency',
  datatype: 'singlevaluelist',
  required: false,
  datatype_description: null,
  order: 1,
  description: '紧急程度 / Urgency',
  values: [
    { key: 'normal', name: '一般 / Normal' },
    { key: 'urgent', name: '紧急 / Urgent' },
  ],
};

/** The attributes of a type's services: urgency, then those its declaration adds. */
export function attributesOf(def: CaseTypeDef): AttributeDef[] {
  return [
    URGENCY,
    ...(def.open311?.attributes ?? []).map((a, i) => ({
      variable: true,
      code: a.code,
      datatype: 'singlevaluelist' as const,
      required: false,
      datatype_description: null,
      order: i + 2,
      description: a.description,
      values: a.values,
    })),
  ];
}

function build(types: CaseTypeRegistry): ServiceDef[] {
  const out: ServiceDef[] = [];
  for (const def of types.open311()) {
    const type = def.code;
    for (const leaf of leaves(def.categories)) {
      const parent = def.categories.find((c) => c.code === leaf.parent);
      const keywords = [def.zh, parent?.zh, leaf.zh, leaf.en].filter((x): x is string => !!x);
      out.push({
        service_code: `${type}.${leaf.code}`,
        service_name: leaf.zh,
        description: `${def.zh}：${leaf.zh}（${def.en}: ${leaf.en}）`,
        metadata: true,
        type: 'realtime',
        keywords: [...new Set(keywords)].join(', '),
        group: parent?.zh ?? def.zh,
        caseType: type,
        def,
        category: leaf,
      });
    }
  }
  return out;
}

export interface Catalogue {
  services: ServiceDef[];
  /** The case types offered. */
  types: string[];
  byCode(code: string): ServiceDef | undefined;
}

const catalogues = new WeakMap<CaseTypeRegistry, Catalogue>();

/** The services of the app's opted-in case types, built once per app. */
export function catalogueOf(types: CaseTypeRegistry): Catalogue {
  let c = catalogues.get(types);
  if (!c) {
    const services = build(types);
    const byCode = new Map(services.map((s) => [s.service_code, s]));
    c = { services, types: types.open311().map((d) => d.code), byCode: (code) => byCode.get(code) };
    catalogues.set(types, c);
  }
  return c;
}

/** The service code of a case, when it is one GeoReport offers. */
export const serviceCodeOf = (type: string, category: string) => `${type}.${category}`;

/** The service as answered (without the internal fields). */
export function presentService(s: ServiceDef) {
  return {
    service_code: s.service_code,
    service_name: s.service_name,
    description: s.description,
    metadata: s.metadata,
    type: s.type,
    keywords: s.keywords,
    group: s.group,
  };
}
