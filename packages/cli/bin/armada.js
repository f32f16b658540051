#!/usr/bin/env node
// Kept outside dist so the bin exists (and is executable) before the first build.
try {
  await import('../dist/src/bin.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/src/bin.js')) throw error;
  console.error('armada is not built yet: run `npm run build` in the Armada clone first');
  process.exit(1);
}
