// Wall-clock time in microseconds since the epoch, taken from one monotonic clock: read once against
// Date.now() at start-up, then advanced by process.hrtime. Two readings in this process never go
// backwards, so the intervals the tools report can be compared with each other.

const startMicros = BigInt(Date.now()) * 1000n;
const startNanos = process.hrtime.bigint();

/** Microseconds since the epoch (a safe integer until the year 2255). */
export function nowMicros() {
  return Number(startMicros + (process.hrtime.bigint() - startNanos) / 1000n);
}
