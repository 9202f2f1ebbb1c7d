// How a tool spends its hold_ms. Without a progress token it waits; with one (params._meta.progressToken)
// it waits in steps of STEP_MS and sends notifications/progress before each step. Either way it stops early
// when the call's abort signal fires: the SDK fires it when the client cancels the call or when the HTTP
// exchange ends before the answer (the client, or a gateway in front, closed the connection), which
// MCP 2026-07-28 treats as the cancellation. The tool then reports the outcome client_gone.
import { setTimeout as sleep } from 'node:timers/promises';
import { nowMicros } from './clock.mjs';

/** Milliseconds between two progress notifications. */
export const STEP_MS = 100;

export const COMPLETED = 'completed';
export const CLIENT_GONE = 'client_gone';

/** Holds for holdMs; resolves with { interval: { startedAtMicros, endedAtMicros }, outcome }. */
export async function hold(ctx, holdMs) {
  const startedAtMicros = nowMicros();
  const token = ctx.mcpReq._meta?.progressToken;
  const outcome = token === undefined ? await wait(ctx.mcpReq.signal, holdMs) : await stepped(ctx, token, holdMs);
  return { interval: { startedAtMicros, endedAtMicros: nowMicros() }, outcome };
}

/** Holds for holdMs without progress notifications (confirm_refund, audit_note and list_calls hold so). */
export async function plainHold(ctx, holdMs) {
  const startedAtMicros = nowMicros();
  const outcome = await wait(ctx.mcpReq.signal, holdMs);
  return { interval: { startedAtMicros, endedAtMicros: nowMicros() }, outcome };
}

async function stepped(ctx, token, holdMs) {
  const begin = performance.now();
  for (;;) {
    const done = Math.min(holdMs, Math.floor(performance.now() - begin));
    if (!(await progress(ctx, token, done, holdMs))) {
      return CLIENT_GONE;
    }
    if (done >= holdMs) {
      return COMPLETED;
    }
    if ((await wait(ctx.mcpReq.signal, Math.min(STEP_MS, holdMs - done))) === CLIENT_GONE) {
      return CLIENT_GONE;
    }
  }
}

/** Waits ms milliseconds, or less when the signal fires. */
export async function wait(signal, ms) {
  if (signal.aborted) {
    return CLIENT_GONE;
  }
  if (ms <= 0) {
    return COMPLETED;
  }
  try {
    await sleep(ms, undefined, { signal });
    return COMPLETED;
  } catch {
    return CLIENT_GONE;
  }
}

/** Sends one progress notification; false when the exchange has ended and it cannot be sent. */
async function progress(ctx, token, done, total) {
  if (ctx.mcpReq.signal.aborted) {
    return false;
  }
  try {
    await ctx.mcpReq.notify({
      method: 'notifications/progress',
      params: { progressToken: token, progress: done, total, message: `held ${done} of ${total} ms` },
    });
    return !ctx.mcpReq.signal.aborted;
  } catch {
    return false;
  }
}
