import ExcelJS from 'exceljs';
import { type Dashboard, UNASSIGNED_LABEL } from '../../../contract/dashboard.js';
import { safeCell } from '../../engines/sheets/xlsx.js';

/**
 * A dashboard view as .xlsx: the figures (value, previous period, change, one column per child
 * area) on the first sheet, their definitions on the second. Both carry the watermark in the
 * first row, the printed header and footer, and the workbook properties, like every export.
 */
const UNIT: Record<string, { zh: string; en: string }> = {
  count: { zh: '个', en: 'count' },
  rate: { zh: '%', en: '%' },
  hours: { zh: '小时', en: 'hours' },
  score: { zh: '分', en: 'score' },
};

const shown = (unit: string, v: number | null) =>
  v === null ? '—' : unit === 'rate' ? Math.round(v * 10000) / 100 : v;

export async function dashboardWorkbook(d: Dashboard, lang: 'zh' | 'en', watermark: string): Promise<Buffer> {
  const zh = lang === 'zh';
  const wb = new ExcelJS.Workbook();
  wb.creator = watermark;
  wb.lastModifiedBy = watermark;
  wb.description = watermark;
  wb.title = `${d.area.name} ${d.from}～${d.to}`;

  const sheet = (name: string, headers: string[], widths: number[]) => {
    const ws = wb.addWorksheet(name);
    ws.headerFooter.oddHeader = `&L${watermark.replace(/&/g, '&&')}`;
    ws.headerFooter.oddFooter = `&L${watermark.replace(/&/g, '&&')}&R&P / &N`;
    ws.addRow([watermark]);
    ws.mergeCells(1, 1, 1, Math.max(headers.length, 1));
    ws.getRow(1).font = { color: { argb: 'FF888888' }, size: 9 };
    const h = ws.addRow(headers.map(safeCell));
    h.font = { bold: true };
    widths.forEach((w, i) => {
      ws.getColumn(i + 1).width = w;
    });
    ws.views = [{ state: 'frozen', ySplit: 2 }];
    return ws;
  };

  const children = d.children;
  const figures = sheet(
    zh ? '指标' : 'Figures',
    [
      zh ? '指标' : 'Figure',
      zh ? '单位' : 'Unit',
      `${d.area.name} ${d.from}～${d.through}`,
      zh
        ? `${d.previous.compare === 'year' ? '去年同期' : d.previous.partial ? '上期同期' : '上期'} ${d.previous.from}～${d.previous.to}`
        : `${d.previous.compare === 'year' ? 'Same days a year earlier' : d.previous.partial ? 'Same days of the previous period' : 'Previous'} ${d.previous.from}–${d.previous.to}`,
      zh ? '分子' : 'Numerator',
      zh ? '分母' : 'Denominator',
      ...children.map((c) => c.name),
      ...(d.unassigned
        ? [UNASSIGNED_LABEL[d.childKind ?? '']?.[lang] ?? (zh ? '未落到下级' : 'In no area below')]
        : []),
    ],
    [30, 8, 18, 18, 10, 10, ...children.map(() => 12), ...(d.unassigned ? [12] : [])],
  );
  for (const f of d.figures) {
    figures.addRow([
      safeCell(f.name),
      UNIT[f.unit]![lang],
      shown(f.unit, f.value),
      f.kind === 'flow' ? shown(f.unit, f.previous) : zh ? '（时点数）' : '(as of now)',
      f.numerator ?? '',
      f.denominator ?? '',
      ...children.map((c) => shown(f.unit, c.values[f.key] ?? null)),
      ...(d.unassigned
        ? [d.unassigned.values[f.key] === undefined ? '' : shown(f.unit, d.unassigned.values[f.key] ?? null)]
        : []),
    ]);
  }

  const defs = sheet(
    zh ? '指标说明' : 'Definitions',
    [
      zh ? '指标' : 'Figure',
      zh ? '代码' : 'Key',
      zh ? '口径' : 'Kind',
      zh ? '计算方法' : 'How it is computed',
    ],
    [30, 32, 14, 90],
  );
  for (const f of d.figures) {
    defs.addRow([
      safeCell(f.name),
      f.key,
      f.kind === 'stock' ? (zh ? '时点数（当前）' : 'stock (now)') : zh ? '期间数' : 'flow (period)',
      safeCell(f.formula),
    ]);
  }
  defs.addRow([]);
  defs.addRow([
    safeCell(
      zh
        ? `数据计算于 ${d.computedAt}；比率以百分数显示，分母为 0 时显示“—”。`
        : `Computed at ${d.computedAt}; rates in per cent, "—" when the denominator is 0.`,
    ),
  ]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
