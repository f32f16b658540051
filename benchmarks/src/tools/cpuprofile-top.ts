/**
 * Prints the functions with the most self time in V8 `.cpuprofile` files (as written by
 * `node --cpu-prof`): `node benchmarks/dist/tools/cpuprofile-top.js [--top N] [--group] file...`.
 * `--group` adds up self time per package (npm package, Armada package, node internals) instead.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName === '' ? '(anonymous)' : functionName;
  if (url === '') return name;
  const short = url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '').replace(/^.*\/(packages|benchmarks)\//, '$1/');
  return `${name}  ${short}:${lineNumber + 1}`;
}

/** The package a frame belongs to: an npm package, an Armada package, node internals, or V8. */
function group(node: ProfileNode): string {
  const url = node.callFrame.url;
  if (url === '') return node.callFrame.functionName.startsWith('(') ? node.callFrame.functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg !== null) return pkg[1]!;
  const own = /\/(packages\/[^/]+|benchmarks|examples\/[^/]+)\//.exec(url);
  return own !== null ? own[1]! : url;
}

async function report(file: string, top: number, byGroup: boolean): Promise<void> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!);
    const dt = profile.timeDeltas[i] ?? 0;
    if (node === undefined) continue;
    const key = byGroup ? group(node) : label(node);
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  }
  const busy = [...self.entries()].filter(([k]) => k !== '(idle)' && k !== '(program)').reduce((s, [, v]) => s + v, 0);
  console.log(`\n${basename(file)}: ${(total / 1000).toFixed(0)} ms sampled, ${(busy / 1000).toFixed(0)} ms outside (idle)/(program)`);
  const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [key, us] of rows) {
    console.log(`${(us / 1000).toFixed(1).padStart(9)} ms ${((100 * us) / total).toFixed(1).padStart(5)} %  ${key}`);
  }
}

const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '10' }, group: { type: 'boolean', default: false } }, allowPositionals: true });
const top = Number(values.top);
if (positionals.length === 0 || !Number.isInteger(top) || top < 1) {
  console.error('usage: cpuprofile-top [--top N] [--group] file.cpuprofile...');
  process.exit(2);
}
for (const file of positionals) await report(file, top, values.group === true);
