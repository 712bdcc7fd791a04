// A webhook receiver in its own process, as a real one would be: answers after DELAY_MS (or never,
// with DELAY_MS=hang), counts requests, and notes when each event (by its `x-bench-seq` body field) arrived.
import http from 'node:http';

const delay = process.env.DELAY_MS ?? '0';
let count = 0;
const arrivals = [];
/** FAIL_SEQ=N: the first request carrying event N (`"name":"fifo-N"`) is answered 500, once. */
const failSeq = process.env.FAIL_SEQ;
let hasFailed = false;
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    count++;
    if (process.env.RECORD_ARRIVALS) {
      const body = Buffer.concat(chunks).toString();
      const match = /"name":"lat-(\d+)"/.exec(body);
      if (match)
        arrivals.push([
          Number(match[1]),
          performance.timeOrigin + performance.now(),
          req.headers['webhook-id'],
        ]);
    }
    if (process.env.RECORD_IDS) arrivals.push(req.headers['webhook-id']);
    if (process.env.RECORD_TIMES) arrivals.push(performance.timeOrigin + performance.now());
    if (process.env.RECORD_ORDER) {
      const match = /"name":"fifo-(\d+)"/.exec(Buffer.concat(chunks).toString());
      if (match && failSeq === match[1] && !hasFailed) {
        hasFailed = true;
        res.statusCode = 500;
        return res.end('injected failure');
      }
      if (match) arrivals.push(Number(match[1]));
    }
    if (delay === 'hang') return;
    const answer = () => res.end('ok');
    if (delay === '0') answer();
    else setTimeout(answer, Number(delay));
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (message) => {
  if (message === 'count') process.send({ count });
  if (message === 'arrivals') process.send({ arrivals });
  if (message === 'reset') {
    count = 0;
    arrivals.length = 0;
    process.send({ reset: true });
  }
});
