import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import { LIMIT_UNITS, type Material, NECESSITY } from '../../../contract/window.js';

/**
 * The printable 一次性告知单 (rule 7: everything needed, said once) and 容缺承诺书 (rule 9: the
 * missing materials, how and by when to bring them, what happens if not), with a Chinese font
 * embedded (Noto Sans SC from @embedpdf/fonts-sc, subset into the file), so they print the same on
 * any machine.
 */
let fontPath: string | null = null;
function cjkFont(): string {
  if (fontPath) return fontPath;
  const entry = createRequire(import.meta.url).resolve('@embedpdf/fonts-sc');
  const p = path.join(path.dirname(entry), '..', 'fonts', 'NotoSansHans-Regular.otf');
  if (!existsSync(p)) throw new Error(`CJK font missing: ${p}`);
  fontPath = p;
  return p;
}

export interface NoticeInput {
  kind: 'notice' | 'promise';
  matter: {
    name: string;
    baseCode: string;
    department: string;
    promisedLimit: number | null;
    legalLimit: number | null;
    limitUnit: string;
    place: string | null;
    hours: string | null;
    fees: string | null;
    contacts: string | null;
    conditions: string | null;
    version: number;
    materials: Material[];
  };
  missing: number[];
  applicant: string | null;
  /** 补正期限 as a China date, and the working days it counts */
  supplementDue: string;
  supplementDays: number;
  community: string;
  issuedOn: string;
  staff: string;
}

export function noticePdf(n: NoticeInput): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const title = n.kind === 'notice' ? '一次性告知单' : '容缺受理承诺书';
    const doc = new PDFDocument({
      size: 'A4',
      margin: 56,
      lang: 'zh-CN',
      info: { Title: `${title} ${n.matter.name}` },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (b) => chunks.push(b));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.registerFont('cjk', cjkFont());
    doc.font('cjk');
    const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
    doc.fontSize(20).text(title, { align: 'center' });
    doc
      .moveDown(0.3)
      .fontSize(10)
      .fillColor('#555')
      .text(`${n.community}  ·  ${n.issuedOn}`, { align: 'center' });
    doc.fillColor('#000').moveDown(1).fontSize(12);
    const limit =
      n.matter.promisedLimit === null
        ? '即办件（材料齐全当场办结）'
        : `承诺 ${n.matter.promisedLimit} ${LIMIT_UNITS[n.matter.limitUnit as 'wday']?.[0] ?? '个工作日'}（法定 ${n.matter.legalLimit}），自受理次日起计算`;
    const line = (k: string, v: string | null) => {
      if (v) doc.text(`${k}：${v}`, { width, lineGap: 3 });
    };
    line('申请人', n.applicant ?? '＿＿＿＿＿＿');
    line('办理事项', `${n.matter.name}（${n.matter.baseCode}，第 ${n.matter.version} 版）`);
    line('主管部门', n.matter.department);
    line('办理时限', limit);
    line('受理条件', n.matter.conditions);
    doc.moveDown(0.6);
    const missing = n.missing.map((i) => n.matter.materials[i]).filter((m): m is Material => !!m);
    if (n.kind === 'notice') {
      doc.fontSize(13).text('一、本事项所需全部材料', { width });
      doc.fontSize(11);
      n.matter.materials.forEach((m, i) => {
        const mark = n.missing.includes(i) ? '【尚缺】' : '';
        doc.text(
          `${i + 1}. ${mark}${m.name}（${NECESSITY[m.necessity][0]}，${m.form ?? '原件'} ${m.copies} 份${m.source ? `，来源：${m.source}` : ''}）${m.review ? `  要点：${m.review}` : ''}`,
          { width, lineGap: 2 },
        );
      });
      doc.moveDown(0.6).fontSize(13).text('二、您尚需补齐的材料', { width }).fontSize(11);
      if (missing.length === 0) doc.text('无。材料已齐全。', { width });
      missing.forEach((m, i) => {
        doc.text(`${i + 1}. ${m.name}（${m.form ?? '原件'} ${m.copies} 份）`, { width });
      });
      doc.moveDown(0.6);
      doc.text(
        `请于补齐后携带上述材料到窗口办理；补正材料到达次日起重新计算办理时限。我们一次性告知全部所需材料，不再要求您补充本告知单以外的材料。`,
        { width, lineGap: 3 },
      );
    } else {
      doc
        .fontSize(11)
        .text('本人申请办理上述事项，主要材料已齐全。对以下尚缺的次要材料，本人自愿申请容缺受理，并承诺：', {
          width,
          lineGap: 3,
        });
      doc.moveDown(0.4);
      missing.forEach((m, i) => {
        doc.text(`${i + 1}. ${m.name}（补正形式：${m.form ?? '原件'} ${m.copies} 份）`, { width });
      });
      doc.moveDown(0.4);
      doc.text(`补正期限：${n.supplementDays} 个工作日内，即 ${n.supplementDue} 前送达窗口。`, {
        width,
        lineGap: 3,
      });
      doc.text(
        '超期处理：逾期未补正或补正材料无效的，本申请终止办理，已作出的结果依法撤销；本人承担相应责任，并记入容缺失信记录。',
        { width, lineGap: 3 },
      );
      doc.text('容缺受理不停止计时，办理结果在原承诺时限内作出。本人可放弃容缺受理。', { width, lineGap: 3 });
    }
    doc.moveDown(0.8);
    line('办理地点', n.matter.place);
    line('办理时间', n.matter.hours);
    line('收费', n.matter.fees);
    line('咨询电话', n.matter.contacts);
    doc.moveDown(1.5);
    doc.text(`窗口经办人：${n.staff}          申请人签字：＿＿＿＿＿＿          日期：＿＿＿＿`, { width });
    doc.end();
  });
}
