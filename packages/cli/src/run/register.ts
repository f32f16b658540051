/**
 * `node --import @armada/cli/register app.ts`: installs the TypeScript hooks (see `ts-hooks.ts`)
 * before the program loads, so `.ts` files run with decorator metadata. `armada run` uses it.
 */
import { register } from 'node:module';

register('./ts-hooks.js', import.meta.url);
