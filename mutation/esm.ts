// StrykerJS ships as ES modules; this project compiles to CommonJS, where TypeScript would turn
// `import()` into `require()` (which cannot load ES modules on Node 20). A real dynamic import
// is made through Function so that TypeScript leaves it alone.

import { pathToFileURL } from 'node:url';

const dynamicImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

/** Imports an ES-module package by name, resolved from this project's node_modules. */
export async function importEsm<T>(packageName: string): Promise<T> {
  return (await dynamicImport(pathToFileURL(require.resolve(packageName)).href)) as T;
}
