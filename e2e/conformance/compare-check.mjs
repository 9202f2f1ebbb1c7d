// Checks compare.mjs on made-up results (no server, no suite): it must fail when the runs give it nothing
// to compare, and when a run differs from the reference in a scenario that fails in both.
//
//   node e2e/conformance/compare-check.mjs      (exit 1 and a line per case that compare.mjs lets pass;
//                                               e2e/conformance/run runs it before it compares)
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const compare = join(dirname(fileURLToPath(import.meta.url)), 'compare.mjs');
const STAMP = '2026-12-01T20-06-38-861Z';
const ok = (id) => ({ id, status: 'SUCCESS' });

/** runs: label -> { scenario -> checks }; returns compare.mjs's exit status. */
function compareExit(scenarios, runs) {
    const dir = mkdtempSync(join(tmpdir(), 'compare-check-'));
    writeFileSync(join(dir, 'list.txt'), 'Server scenarios (test against a server):\n'
        + scenarios.map((s) => `  - ${s} [2025-11-25]\n`).join(''));
    const args = [join(dir, 'list.txt')];
    for (const [label, results] of Object.entries(runs)) {
        mkdirSync(join(dir, label));
        for (const [scenario, checks] of Object.entries(results)) {
            const at = join(dir, label, `server-${scenario}-${STAMP}`);
            mkdirSync(at);
            writeFileSync(join(at, 'checks.json'), JSON.stringify(checks));
        }
        args.push(`${label}=${join(dir, label)}`);
    }
    return spawnSync(process.execPath, [compare, ...args], { encoding: 'utf8' }).status;
}

const cases = {
    'no results in any run (a suite that wrote nothing, or result directories named otherwise)':
        compareExit(['ping', 'tools-list'], { unguarded: {}, guarded: {}, gateway: {} }),
    'a scenario failing in the reference gets a FAILURE guarded where the reference had a WARNING':
        compareExit(['server-sse-polling'], {
            unguarded: { 'server-sse-polling': [ok('a'), { id: 'b', status: 'WARNING' }] },
            guarded: { 'server-sse-polling': [ok('a'), { id: 'b', status: 'FAILURE' }] },
            gateway: { 'server-sse-polling': [ok('a'), { id: 'b', status: 'WARNING' }] },
        }),
    'a scenario failing in the reference gets a new FAILURE check guarded':
        compareExit(['server-sse-polling'], {
            unguarded: { 'server-sse-polling': [ok('a'), { id: 'b', status: 'WARNING' }] },
            guarded: { 'server-sse-polling': [ok('a'), { id: 'b', status: 'WARNING' },
                { id: 'server-sse-post-request', status: 'FAILURE' }] },
            gateway: { 'server-sse-polling': [ok('a'), { id: 'b', status: 'WARNING' }] },
        }),
    'a scenario missing from every run':
        compareExit(['ping', 'tools-list'], {
            unguarded: { ping: [ok('ping')] }, guarded: { ping: [ok('ping')] }, gateway: { ping: [ok('ping')] },
        }),
};
let failed = 0;
for (const [name, status] of Object.entries(cases)) {
    if (status === 0) {
        console.log(`compare.mjs passes: ${name}`);
        failed++;
    }
}
process.exit(failed ? 1 : 0);
