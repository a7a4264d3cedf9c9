// The part of unzipper (ExcelJS's zip library) the ledger reader uses: the central directory.
declare module 'unzipper' {
  import type { Readable } from 'node:stream';

  interface Entry {
    path: string;
    stream(password?: string): Readable;
  }
  interface Directory {
    files: Entry[];
  }
  const unzipper: {
    Open: { file(path: string): Promise<Directory>; buffer(data: Buffer): Promise<Directory> };
  };
  export default unzipper;
}
