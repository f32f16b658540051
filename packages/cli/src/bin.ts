import { main } from './main.js';

// Commands that run until a signal (machine, status --watch) resolve once they are done.
process.exit(await main(process.argv.slice(2)));
