// The run's results: the rows of the table printed on stdout, and bench/results/<run>.json with the rows, every
// scenario's raw figures (`raw`, filled by the scenarios), the machine and the failures.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROFILE, PROFILE_DIR, RESULTS, RUN_ID } from './config.mjs';

const rows = [];
export const raw = {};

export function row(scenario, measure, chatgate, baseline, unit, note = '') {
  const ratio =
    typeof chatgate === 'number' && typeof baseline === 'number' && baseline !== 0 ? chatgate / baseline : null;
  rows.push({ scenario, measure, chatgate, baseline, ratio, unit, note });
}

function table() {
  const head = ['scenario', 'measure', 'Chatgate', 'baseline', 'ratio', 'unit', 'note'];
  const body = rows.map((r) => [
    r.scenario,
    r.measure,
    String(r.chatgate ?? '–'),
    String(r.baseline ?? '–'),
    r.ratio === null ? '–' : r.ratio.toFixed(2),
    r.unit,
    r.note,
  ]);
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`];
  let last = null;
  for (const b of body) {
    if (b[0] === last) b[0] = '';
    else last = b[0];
    lines.push(`| ${b.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** Prints the heading and the table, writes the JSON results. */
export function report({ names, machine, t0, failures }) {
  const out = table();
  console.log(
    `\nChatgate bench ${RUN_ID} — ${machine.nproc} × ${machine.cpu}, Node ${machine.node}, load ${machine.loadavg} → ${machine.loadavgAfter}, ${Math.round((Date.now() - t0) / 1000)} s\n`,
  );
  console.log(out);
  mkdirSync(RESULTS, { recursive: true });
  const file = join(RESULTS, `${RUN_ID}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      {
        run: RUN_ID,
        scenarios: names,
        machine,
        seconds: Math.round((Date.now() - t0) / 1000),
        rows,
        raw,
        failures,
        profiles: PROFILE ? PROFILE_DIR : null,
      },
      null,
      2,
    ),
  );
  console.log(`\nwritten ${file}`);
}
