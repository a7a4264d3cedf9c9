/**
 * COPY … TO STDOUT / FROM STDIN over a `pg` client, without another dependency: a minimal
 * "submittable" (the hook `pg` offers for custom protocol flows, as pg-copy-streams uses).
 * Both directions apply back-pressure: the socket is paused while the sink is full, and the
 * source waits while the socket is.
 */
import type pg from 'pg';

interface Connection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(msg: string): void;
  stream: NodeJS.ReadWriteStream & { writableNeedDrain?: boolean };
}

/** Streams the output of `COPY … TO STDOUT` into `onChunk`; resolves when the command ends. */
export function copyOut(
  client: pg.Client,
  text: string,
  onChunk: (chunk: Buffer) => boolean | undefined,
  waitDrain: () => Promise<void>,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let paused = false;
    const submittable = {
      submit(connection: Connection) {
        connection.query(text);
      },
      handleCopyData(msg: { chunk: Buffer }, connection: Connection) {
        // Messages already read keep coming after the pause: one waiter is enough.
        if (onChunk(msg.chunk) === false && !paused) {
          paused = true;
          connection.stream.pause();
          void waitDrain().then(() => {
            paused = false;
            connection.stream.resume();
          });
        }
      },
      handleCommandComplete() {},
      handleRowDescription() {},
      handleDataRow() {},
      handleEmptyQuery() {},
      handleCopyInResponse(connection: Connection) {
        connection.sendCopyFail('not a COPY FROM');
      },
      // pg drops its active query on an error: no ReadyForQuery reaches us after one.
      handleError(e: Error) {
        reject(e);
      },
      handleReadyForQuery() {
        resolve();
      },
    };
    client.query(submittable as never);
  });
}

/** Feeds `source` chunks to `COPY … FROM STDIN`; resolves with the rows copied. */
export function copyIn(client: pg.Client, text: string, source: AsyncIterable<Buffer>): Promise<number> {
  return new Promise((resolve, reject) => {
    let failed = false;
    let rows = 0;
    const submittable = {
      submit(connection: Connection) {
        connection.query(text);
      },
      handleCopyInResponse(connection: Connection) {
        void (async () => {
          try {
            for await (const chunk of source) {
              if (failed) return;
              connection.sendCopyFromChunk(chunk);
              if (connection.stream.writableNeedDrain)
                await new Promise((r) => connection.stream.once('drain', r));
            }
            connection.endCopyFrom();
          } catch (e) {
            connection.sendCopyFail(String((e as Error)?.message ?? e));
          }
        })();
      },
      handleCopyData() {},
      handleCommandComplete(msg: { text?: string }) {
        const m = /COPY (\d+)/.exec(msg.text ?? '');
        if (m) rows = Number(m[1]);
      },
      handleRowDescription() {},
      handleDataRow() {},
      handleEmptyQuery() {},
      // pg drops its active query on an error: no ReadyForQuery reaches us after one. The server
      // ignores the rest of our copy data once it has failed the command.
      handleError(e: Error) {
        failed = true;
        reject(e);
      },
      handleReadyForQuery() {
        resolve(rows);
      },
    };
    client.query(submittable as never);
  });
}
