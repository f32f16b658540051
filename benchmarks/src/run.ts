/**
 * Runs one benchmark suite: `node benchmarks/dist/run.js <suite> [flags]` (or
 * `npm run bench -- <suite> [flags]` from the repository root). `--help` lists the suites, and
 * `<suite> --help` its flags. Exit codes: 0 done, 1 the suite failed, 2 bad usage.
 */
import { parseArgs } from 'node:util';
import { UsageError, type Suite } from './lib/suite.js';
import { report, REPORT_USAGE } from './report/report.js';
import { SUITES } from './suites/index.js';

function suiteList(): string {
  const width = Math.max(...SUITES.map((s) => s.name.length));
  return SUITES.map((s) => `  ${s.name.padEnd(width)}  ${s.description}`).join('\n');
}

function usage(): string {
  return [
    'usage: npm run bench -- <suite> [flags]',
    '       node benchmarks/dist/run.js <suite> [flags]',
    '',
    'suites:',
    suiteList(),
    '',
    'npm run bench -- --report [flags]: SVG charts from the results into benchmarks/report/',
    ...REPORT_USAGE.map((line) => `  ${line}`),
    '',
    '<suite> --help shows the flags of a suite. Results go to benchmarks/results/<suite>.json.',
  ].join('\n');
}

function suiteUsage(suite: Suite): string {
  return [`usage: npm run bench -- ${suite.name} [flags]`, '', suite.description, '', 'flags:', ...suite.usage.map((line) => `  ${line}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    console.error(`missing suite name\n\n${usage()}`);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return 0;
  }
  if (name === '--report') return runReport(rest);
  const suite = SUITES.find((s) => s.name === name);
  if (suite === undefined) {
    console.error(`unknown suite "${name}"; known suites: ${SUITES.map((s) => s.name).join(', ')}\n\n${usage()}`);
    return 2;
  }
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({ args: rest, options: { ...suite.options, help: { type: 'boolean', short: 'h', default: false } }, strict: true }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${suiteUsage(suite)}`);
    return 2;
  }
  if (values.help === true) {
    console.log(suiteUsage(suite));
    return 0;
  }
  try {
    await suite.run(values);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${suiteUsage(suite)}`);
      return 2;
    }
    console.error(`suite ${suite.name} failed:`, error);
    return 1;
  }
}

async function runReport(argv: string[]): Promise<number> {
  try {
    for (const line of await report(argv)) console.log(`${line.outcome === 'written' ? 'wrote  ' : 'skipped'} ${line.file}${line.outcome === 'skipped' ? `: ${line.note}` : ''}`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${usage()}`);
      return 2;
    }
    console.error('report failed:', error);
    return 1;
  }
}

// Ctrl-C still runs the exit hooks that kill peer processes and nats-server.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

process.exitCode = await main(process.argv.slice(2));
