// Where the raftbed package lives on disk: the folder holding package.json and README.md. The CLI
// runs from the TypeScript sources (cli/*.ts, under jest or ts-node) or from the build
// (dist/cli/*.js), one folder deeper; dist/ mirrors the source tree, so the depth is fixed.

import { join } from 'node:path';

export const PACKAGE_ROOT = __filename.endsWith('.ts') ? join(__dirname, '..') : join(__dirname, '..', '..');
