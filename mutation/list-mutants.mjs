// Prints, as JSON, every mutant Stryker's instrumenter generates for the files given (paths
// relative to the working directory), with the options a Stryker run uses. A separate ES-module
// process: the instrumenter is an ES module, which CommonJS code (and jest's VM) cannot import.
import { readFileSync } from 'node:fs';
import { Instrumenter } from '@stryker-mutator/instrumenter';

const silent = new Proxy({}, { get: (_t, name) => (String(name).startsWith('is') ? () => false : () => undefined) });
const files = process.argv.slice(2);
const input = files.map((name) => ({ name, content: readFileSync(name, 'utf8'), mutate: true }));
const { mutants } = await new Instrumenter(silent).instrument(input, { plugins: null, excludedMutations: [], ignorers: [] });
process.stdout.write(JSON.stringify(mutants.map((m) => ({ fileName: m.fileName, location: m.location, mutatorName: m.mutatorName, replacement: m.replacement }))));
