export type { FunctionDef, SourceFunction, ModuleFunction } from './function-def.js';
export { describeFunction } from './describe-function.js';
export { compileFunction, type CompiledFunction } from './compile-function.js';
export { FunctionCache, type FunctionCacheOptions } from './function-cache.js';
export { analyseSource, SourceShape, type SourceAnalysis } from './analyse-source.js';
