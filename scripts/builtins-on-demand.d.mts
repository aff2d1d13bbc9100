import type { Plugin } from 'esbuild';

/** `node:fs` for `fs` and `node:fs`; undefined for anything that is not one of Node's modules. */
export declare function builtinName(specifier: string): string | undefined;
/** The esbuild plugin that loads Node's modules when their importer first runs. */
export declare function builtinsOnDemand(): Plugin;
