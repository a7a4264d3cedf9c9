// pdfkit ships no types; the few calls the window's printouts make.
declare module 'pdfkit' {
  interface TextOptions {
    width?: number;
    align?: 'left' | 'center' | 'right' | 'justify';
    continued?: boolean;
    lineGap?: number;
    indent?: number;
  }
  class PDFDocument {
    constructor(opts?: { size?: string; margin?: number; info?: Record<string, string>; lang?: string });
    registerFont(name: string, src: string | Buffer): this;
    font(name: string): this;
    fontSize(n: number): this;
    text(t: string, opts?: TextOptions): this;
    text(t: string, x: number, y: number, opts?: TextOptions): this;
    moveDown(n?: number): this;
    moveTo(x: number, y: number): this;
    lineTo(x: number, y: number): this;
    stroke(): this;
    rect(x: number, y: number, w: number, h: number): this;
    fillColor(c: string): this;
    strokeColor(c: string): this;
    addPage(): this;
    end(): void;
    on(ev: 'data', fn: (b: Buffer) => void): this;
    on(ev: 'end', fn: () => void): this;
    on(ev: 'error', fn: (e: Error) => void): this;
    x: number;
    y: number;
    page: {
      width: number;
      height: number;
      margins: { left: number; right: number; top: number; bottom: number };
    };
  }
  export default PDFDocument;
}
