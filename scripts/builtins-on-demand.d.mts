import type { Plugin } from 'esbuild';

/** The bundle's first line, which defines `require` for the stand-ins and CommonJS libraries. */
export declare const REQUIRE_BANNER: string;
/** `node:fs` for `fs` and `node:fs`; undefined for anything that is not one of Node's modules. */
export declare function builtinName(specifier: string): string | undefined;
/** The esbuild plugin that loads Node's modules when their importer first runs. */
export declare function builtinsOnDemand(): Plugin;
