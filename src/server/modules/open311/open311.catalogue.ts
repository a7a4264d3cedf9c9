import { type Category, leaves } from '../../../contract/case-codes.js';
import { CASE_TYPE_DEFS } from '../cases/types/index.js';

/**
 * The GeoReport services: one per leaf category of the two public case types, 网格事件 (event) and
 * 居民诉求 (request). Disputes are sensitive (parties, family matters) and are never offered.
 * service_code is `<type>.<category>`, e.g. `event.fire.exit`.
 */
export const OPEN311_TYPES = ['event', 'request'] as const;
export type Open311Type = (typeof OPEN311_TYPES)[number];

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
  caseType: Open311Type;
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

const HAZARD_LEVEL: AttributeDef = {
  variable: true,
  code: 'hazard_level',
  datatype: 'singlevaluelist',
  required: false,
  datatype_description: null,
  order: 2,
  description: '危害程度 / Hazard level',
  values: [
    { key: 'low', name: '低 / Low' },
    { key: 'medium', name: '中 / Medium' },
    { key: 'high', name: '高 / High' },
  ],
};

export function attributesOf(type: Open311Type): AttributeDef[] {
  return type === 'event' ? [URGENCY, HAZARD_LEVEL] : [URGENCY];
}

function build(): ServiceDef[] {
  const out: ServiceDef[] = [];
  for (const type of OPEN311_TYPES) {
    const def = CASE_TYPE_DEFS[type];
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
        category: leaf,
      });
    }
  }
  return out;
}

export const SERVICES: ServiceDef[] = build();
const BY_CODE = new Map(SERVICES.map((s) => [s.service_code, s]));

export const serviceByCode = (code: string): ServiceDef | undefined => BY_CODE.get(code);

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
