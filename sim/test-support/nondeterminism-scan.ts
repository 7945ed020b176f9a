// A static scan for the ways code can read the outside world's clock, randomness or environment.
// It walks the TypeScript syntax tree, so mentions in comments or strings do not count, while
// calls, references (`const f = setTimeout`) and constructions do.

import * as ts from 'typescript';

export interface Finding {
  readonly file: string;
  readonly line: number;
  readonly what: string;
}

const FORBIDDEN_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  Date: ['now'],
  Math: ['random'],
  performance: ['now'],
  process: ['env', 'hrtime'],
};
const FORBIDDEN_GLOBALS = new Set(['setTimeout', 'setInterval', 'setImmediate']);

export function scanSource(file: string, text: string): Finding[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, file.endsWith('.js') ? ts.ScriptKind.JS : ts.ScriptKind.TS);
  const findings: Finding[] = [];
  const report = (node: ts.Node, what: string) => {
    findings.push({ file, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1, what });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
      const owner = node.expression.text;
      if (FORBIDDEN_MEMBERS[owner]?.includes(node.name.text)) report(node, `${owner}.${node.name.text}`);
    } else if (ts.isElementAccessExpression(node) && ts.isIdentifier(node.expression) && ts.isStringLiteral(node.argumentExpression)) {
      const owner = node.expression.text;
      if (FORBIDDEN_MEMBERS[owner]?.includes(node.argumentExpression.text)) report(node, `${owner}[${node.argumentExpression.text}]`);
    } else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Date') {
      report(node, 'new Date(');
    } else if (ts.isIdentifier(node) && FORBIDDEN_GLOBALS.has(node.text) && !isDeclarationName(node)) {
      report(node, node.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return findings;
}

const GLOBAL_OBJECTS = new Set(['globalThis', 'global', 'window', 'self']);

/** `obj.setTimeout` is somebody's own member unless `obj` is the global object. */
function isDeclarationName(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return !(ts.isIdentifier(parent.expression) && GLOBAL_OBJECTS.has(parent.expression.text));
  return (ts.isPropertyAssignment(parent) || ts.isMethodDeclaration(parent) || ts.isPropertySignature(parent) || ts.isMethodSignature(parent)) && parent.name === node;
}
