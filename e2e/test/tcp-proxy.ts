import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/** A TCP relay on 127.0.0.1 that a test can cut (Redis looks unreachable) and mend. */
export interface Relay {
  port: number;
  /** Destroys every open connection and drops new ones until `mend()`. */
  cut(): void;
  mend(): void;
  /** How many connections were dropped because the relay was cut. */
  readonly refused: number;
  close(): Promise<void>;
}

export function startRelay(targetPort: number, targetHost = '127.0.0.1'): Promise<Relay> {
  const open = new Set<Socket>();
  let isCut = false;
  let refused = 0;
  const server = createServer((inbound) => {
    if (isCut) {
      refused += 1;
      inbound.destroy();
      return;
    }
    const outbound = connect(targetPort, targetHost);
    open.add(inbound).add(outbound);
    const drop = (): void => {
      inbound.destroy();
      outbound.destroy();
      open.delete(inbound);
      open.delete(outbound);
    };
    for (const socket of [inbound, outbound]) socket.on('error', drop).on('close', drop);
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        cut() {
          isCut = true;
          for (const socket of open) socket.destroy();
          open.clear();
        },
        mend() {
          isCut = false;
        },
        get refused() {
          return refused;
        },
        close: () =>
          new Promise<void>((done) => {
            for (const socket of open) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
