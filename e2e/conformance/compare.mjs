// Reads the results of the conformance suite's runs (the checks.json files of `conformance server -o DIR`)
// and compares them with the first run, the reference (the example server without Turnstile):
//
//   node compare.mjs SCENARIOS_FILE LABEL=DIR [LABEL=DIR ...]
//
// SCENARIOS_FILE: the output of `conformance list --server` (every scenario the suite has: M). A scenario
// passes when it has checks and none of them is a FAILURE or a WARNING (INFO checks only log the traffic):
// the rule the suite applies to an expected-failures file. Prints "LABEL: N of M server scenarios pass" per
// run, and fails (exit 1) when a scenario has no results in some run, or when any scenario's checks differ
// from the reference's in another run: the same check ids, each with the same status (INFO aside), also in
// the scenarios that fail without Turnstile.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const RESULT_DIR = /^server-(.+)-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/;

function scenarioNames(listFile) {
    const text = readFileSync(listFile, 'utf8');
    const server = text.split(/Client scenarios/)[0];
    return [...server.matchAll(/^\s+-\s+([a-z0-9-]+)/gm)].map((m) => m[1]);
}

/** scenario name -> its checks, from the result directories the CLI wrote under dir. */
function readRun(dir) {
    const checks = new Map();
    for (const entry of existsSync(dir) ? readdirSync(dir) : []) {
        const match = RESULT_DIR.exec(entry);
        const file = join(dir, entry, 'checks.json');
        if (match && existsSync(file)) {
            checks.set(match[1], JSON.parse(readFileSync(file, 'utf8')));
        }
    }
    return checks;
}

function passes(checks) {
    return checks !== undefined && checks.length > 0
        && !checks.some((c) => c.status === 'FAILURE' || c.status === 'WARNING');
}

/** "id" -> status of the checks that count (SUCCESS, FAILURE, WARNING); INFO checks only log traffic. */
function verdicts(checks) {
    const byId = new Map();
    for (const c of checks ?? []) {
        if (c.status !== 'INFO') {
            byId.set(c.id, byId.has(c.id) && byId.get(c.id) !== c.status ? 'MIXED' : c.status);
        }
    }
    return byId;
}

function summarize(label, names, run) {
    const failed = names.filter((n) => !passes(run.get(n)));
    console.log(`${label}: ${names.length - failed.length} of ${names.length} server scenarios pass`
        + (failed.length ? `; not: ${failed.join(', ')}` : ''));
}

/** Where run differs from the reference: a scenario's outcome, or any check's status (or presence). */
function differences(names, reference, run) {
    const found = [];
    for (const name of names) {
        if (passes(reference.get(name)) !== passes(run.get(name))) {
            found.push(passes(run.get(name)) ? `${name}: fails without Turnstile, passes here`
                : `${name}: passes without Turnstile, fails here`);
        }
        const ours = verdicts(reference.get(name));
        const theirs = verdicts(run.get(name));
        for (const id of new Set([...ours.keys(), ...theirs.keys()])) {
            if (ours.get(id) !== theirs.get(id)) {
                found.push(`${name}: check ${id} is ${ours.get(id) ?? 'missing'} without Turnstile,`
                    + ` here ${theirs.get(id) ?? 'missing'}`);
            }
        }
    }
    return found;
}

/** The scenarios a run has no results for (the suite did not run them, or they were not found). */
function missing(names, run) {
    return names.filter((n) => run.get(n) === undefined || run.get(n).length === 0);
}

const [listFile, ...runArgs] = process.argv.slice(2);
if (!listFile || runArgs.length < 2) {
    console.error('usage: node compare.mjs SCENARIOS_FILE LABEL=DIR LABEL=DIR [LABEL=DIR ...]');
    process.exit(2);
}
const names = scenarioNames(listFile);
if (names.length === 0) {
    console.error(`compare.mjs: no server scenarios in ${listFile}`);
    process.exit(2);
}
const runs = runArgs.map((arg) => {
    const at = arg.indexOf('=');
    return { label: arg.slice(0, at), run: readRun(arg.slice(at + 1)) };
});
runs.forEach(({ label, run }) => summarize(label, names, run));
const [reference, ...others] = runs;
let ok = true;
for (const { label, run } of runs) {
    for (const name of missing(names, run)) {
        console.log(`MISSING ${label}: ${name} has no results`);
        ok = false;
    }
}
for (const { label, run } of others) {
    for (const difference of differences(names, reference.run, run)) {
        console.log(`DIFFERENT ${label}: ${difference}`);
        ok = false;
    }
}
if (!ok) {
    console.log('the runs differ: Turnstile changed the outcome of the suite');
    process.exit(1);
}
