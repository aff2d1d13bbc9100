import type { Plugin } from 'esbuild';

export interface DeferredImport { importer: string; module: string; form: string }
export declare const DEFERRED_IMPORTS: DeferredImport[];
/** The esbuild plugin that puts the imports `rules` name off until first use. */
export declare function deferredImports(rules?: DeferredImport[]): Plugin;
