/** The files of a new project, by path; `deps` are the package.json dependencies on Armada. */
export function projectFiles(name: string, deps: Record<string, string>, source: string): Record<string, string> {
  return {
    'package.json':
      JSON.stringify(
        {
          name,
          version: '0.1.0',
          private: true,
          type: 'module',
          scripts: {
            start: 'armada run src/main.ts',
            test: 'node --import @armada/cli/register --test test/main.test.ts',
            check: 'tsc --noEmit',
          },
          dependencies: deps,
          devDependencies: { '@types/node': '^20.19.0', typescript: '~5.9.3' },
          // nats.js 3.4 pulls @nats-io/nuid 3, which declares Node >= 22 (npm's EBADENGINE warning);
          // 2.0.3 has the same API and supports Node 20, as in Armada's own package.json.
          overrides: { '@nats-io/nuid': '2.0.3' },
        },
        null,
        2,
      ) + '\n',
    'tsconfig.json':
      JSON.stringify(
        {
          compilerOptions: {
            target: 'ES2022',
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            lib: ['ES2023'],
            types: ['node'],
            strict: true,
            experimentalDecorators: true,
            emitDecoratorMetadata: true,
            skipLibCheck: true,
            noEmit: true,
          },
          include: ['src', 'test'],
        },
        null,
        2,
      ) + '\n',
    '.gitignore': 'node_modules/\n',
    'src/greeter.ts': GREETER,
    'src/squares.ts': SQUARES,
    'src/functions.ts': FUNCTIONS,
    'src/primes.ts': PRIMES,
    'src/main.ts': MAIN,
    'test/main.test.ts': TEST,
    'README.md': readme(name, source),
  };
}

const GREETER = `import { Actor, injectable } from '@armada/actors';

/** A service the actor gets injected by its type (decorator metadata at work). */
@injectable()
export class Salutation {
  readonly word = 'hello';
}

export type GreeterMsg = { type: 'greet'; name: string } | { type: 'count' };

/** A sample actor: one message at a time, so its counter needs no locks. */
@injectable()
export class Greeter extends Actor<GreeterMsg> {
  private greeted = 0;

  constructor(private readonly salutation: Salutation) {
    super();
  }

  receive(msg: GreeterMsg): string | number {
    if (msg.type === 'count') return this.greeted;
    this.greeted++;
    return \`\${this.salutation.word} \${msg.name}\`;
  }
}
`;

const SQUARES = `import type { Cluster } from '@armada/scheduler';

/**
 * A sample dmap: the function travels to the machines as source, so it must be self-contained
 * (its parameter, standard globals, and the names passed in \`env\`).
 */
export async function sumOfSquares(cluster: Cluster, n: number): Promise<number> {
  const xs = Array.from({ length: n }, (_, i) => i);
  const squares = await cluster.dmap((x: number) => x * x, xs);
  return squares.reduce((a, b) => a + b, 0);
}
`;

const FUNCTIONS = `/**
 * A sample function file: shipped to the machines as a bundled module (imports included), by
 * its sha256, once per machine. Its exports may import anything; unlike an inline dmap function
 * they need not be self-contained. Machines started with --trust run only files like this one.
 */
export function countPrimes(from: number, to: number): number {
  let count = 0;
  for (let n = Math.max(2, from); n < to; n++) if (isPrime(n)) count++;
  return count;
}

function isPrime(n: number): boolean {
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}
`;

const PRIMES = `import { fileURLToPath } from 'node:url';
import { Gluster, type Cluster } from '@armada/scheduler';

const FUNCTIONS = fileURLToPath(new URL('./functions.ts', import.meta.url));

/** A sample runDist: counts the primes below \`n\` in \`jobs\` ranges, one job per range. */
export async function primesBelow(cluster: Cluster, n: number, jobs = 4): Promise<number> {
  const g = new Gluster(cluster);
  await g.importFunctionFile(FUNCTIONS);
  const step = Math.ceil(n / jobs);
  const ids: string[] = [];
  for (let from = 0; from < n; from += step) ids.push(g.runDist('functions.countPrimes', from, Math.min(n, from + step)));
  const counts = (await g.all(ids)) as number[];
  return counts.reduce((a, b) => a + b, 0);
}
`;

const MAIN = `import { ActorSystem } from '@armada/actors';
import { Cluster } from '@armada/scheduler';
import { Greeter } from './greeter.js';
import { primesBelow } from './primes.js';
import { sumOfSquares } from './squares.js';

// An actor, in memory.
const system = await ActorSystem.create();
const greeter = system.spawn(Greeter, { name: 'greeter' });
console.log(await greeter.ask({ type: 'greet', name: 'Armada' }, { timeoutMs: 1000 }));
await system.terminate();

// A dmap: on the fleet when ARMADA_NATS_URL is set (\`armada run --nats URL src/main.ts\` sets it, and
// \`nats: undefined\` reads it with the token, cluster and other ARMADA_* settings armada run
// exports beside it); else on an embedded cluster of two in-process machines.
const onFleet = Boolean(process.env.ARMADA_NATS_URL);
const cluster = await Cluster.start(onFleet ? { nats: undefined } : { machines: 2, agentsPerMachine: 1 });
try {
  if (onFleet) await cluster.waitForMachines(1, 30_000);
  console.log('sum of squares below 1000:', await sumOfSquares(cluster, 1000));
  console.log('primes below 100000:', await primesBelow(cluster, 100_000));
} finally {
  await cluster.close();
}
`;

const TEST = `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ActorSystem } from '@armada/actors';
import { Cluster } from '@armada/scheduler';
import { Greeter } from '../src/greeter.js';
import { primesBelow } from '../src/primes.js';
import { sumOfSquares } from '../src/squares.js';

test('the greeter answers and counts', async () => {
  const system = await ActorSystem.create();
  try {
    const greeter = system.spawn(Greeter, { name: 'greeter' });
    assert.equal(await greeter.ask({ type: 'greet', name: 'test' }, { timeoutMs: 1000 }), 'hello test');
    assert.equal(await greeter.ask({ type: 'count' }, { timeoutMs: 1000 }), 1);
  } finally {
    await system.terminate();
  }
});

test('dmap sums squares on an embedded cluster', async () => {
  const cluster = await Cluster.start({ machines: 1, agentsPerMachine: 1 });
  try {
    assert.equal(await sumOfSquares(cluster, 100), 328350);
  } finally {
    await cluster.close();
  }
});

test('runDist counts primes with the function file on an embedded cluster', async () => {
  const cluster = await Cluster.start({ machines: 1, agentsPerMachine: 1 });
  try {
    assert.equal(await primesBelow(cluster, 1000), 168);
  } finally {
    await cluster.close();
  }
});
`;

function readme(name: string, source: string): string {
  return `# ${name}

A project that uses Armada: an actor (\`src/greeter.ts\`), a \`dmap\`
(\`src/squares.ts\`) and a function file (\`src/functions.ts\`) run with \`runDist\`
(\`src/primes.ts\`), started from \`src/main.ts\`.

\`\`\`sh
npm install        # once (armada init already did)
npm start          # armada run src/main.ts: embedded cluster, two in-process machines
npm test           # node:test, TypeScript through @armada/cli/register
npm run check      # type-check with tsc
\`\`\`

On a fleet (see "Run a fleet" in Armada's README):

\`\`\`sh
nats-server -a 127.0.0.1 -p 4222 &
npx armada machine --nats nats://127.0.0.1:4222 --name m1 &
npx armada run --nats nats://127.0.0.1:4222 src/main.ts
npx armada status --nats nats://127.0.0.1:4222
\`\`\`

## How Armada is installed here

Armada's packages are not published to a registry yet. \`armada init\` packed the four packages
(\`@armada/actors\`, \`@armada/transport-nats\`, \`@armada/scheduler\`, \`@armada/cli\`) of the clone
it ran from (${source}) with \`npm pack\` into \`vendor/\`, and \`package.json\` depends on those
tarballs (\`file:vendor/...\`); \`npm install\` installs them and their own dependencies.

To take a newer Armada: in the clone, \`git pull && npm ci && npm run build\`, then pack again into
this project, \`npm pack <clone>/packages/{actors,transport-nats,scheduler,cli} --pack-destination vendor\`,
and \`npm install\`. Or depend on the clone directly, with paths instead of tarballs:
\`npm install <clone>/packages/actors <clone>/packages/transport-nats <clone>/packages/scheduler <clone>/packages/cli\`
(the clone must stay where it is, installed and built).

## Notes

- ESM only (\`"type": "module"\`; a CommonJS project gets TS1309 on top-level await).
- Decorators: \`experimentalDecorators\` and \`emitDecoratorMetadata\` in \`tsconfig.json\`; \`armada run\`
  and \`@armada/cli/register\` compile with the same settings. Import types with \`import type\`:
  a type-only name imported as a value fails at run time when a decorated constructor mentions it.
- A function given to \`dmap\` must be self-contained; pass what it needs in \`{ env: { ... } }\`.
- Functions in a function file (\`importFunctionFile\`, \`runDist\`) may import what they like: the
  file is bundled with its imports and shipped by hash. Machines started with \`--trust\` run only
  such files, signed with the key in \`ARMADA_SIGNING_KEY\` (\`armada keygen\`); inline \`dmap\`
  functions are refused there.
`;
}
