import net from 'node:net';

/**
 * A connection flood for the server tests (lib/http/server.test.ts), in a process of its own (each
 * process may hold fewer than 20,000 sockets): `connection-flood.ts <port> <first> <addresses> <count>
 * <idle|trickle> <seconds>` opens `count` connections to 127.0.0.1:<port> from the loopback addresses
 * 127.0.0.<first> onwards (`addresses` of them, round robin), idle or trickling a header byte every
 * 5 s, holds them for `seconds`, printing `open N closed M` each second, then exits. Bounded in count
 * and time; loopback only.
 */
const [port, first, addresses, count, mode, seconds] = process.argv
  .slice(2)
  .map((v, i) => (i === 4 ? v : Number(v))) as [number, number, number, number, string, number];
const sockets = new Set<net.Socket>();
let closed = 0;
let failed = 0;

function open(i: number) {
  return new Promise<void>((resolve) => {
    const socket = net.connect({
      host: '127.0.0.1',
      port,
      localAddress: `127.0.0.${first + (i % addresses)}`,
    });
    socket.setNoDelay(true);
    socket.on('connect', () => {
      sockets.add(socket);
      if (mode === 'trickle') socket.write('GET /api/health HTTP/1.1\r\n');
      resolve();
    });
    socket.on('error', () => {
      failed++;
      resolve();
    });
    socket.on('close', () => {
      if (sockets.delete(socket)) closed++;
    });
  });
}

async function main() {
  for (let i = 0; i < count; i += 200)
    await Promise.all(Array.from({ length: Math.min(200, count - i) }, (_, j) => open(i + j)));
  console.log(`opened ${sockets.size} failed ${failed}`);
  const trickle =
    mode === 'trickle' ? setInterval(() => sockets.forEach((s) => s.write('X')), 5000) : undefined;
  const report = setInterval(() => console.log(`open ${sockets.size} closed ${closed}`), 1000);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  clearInterval(trickle);
  clearInterval(report);
  console.log(`done open ${sockets.size} closed ${closed}`);
  sockets.forEach((s) => s.destroy());
  process.exit(0);
}

void main();
