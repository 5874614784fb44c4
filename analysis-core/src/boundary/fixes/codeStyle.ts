/**
 * The formatting a file already uses (indentation, semicolons, quotes, import
 * extensions), so that code a fix writes into it reads as if written there.
 */
import path from 'node:path';
import { ts } from '../compiler';
import { walkSyntax } from '../syntaxWalk';
import { toPosix } from '../planes';

export interface CodeStyle {
  indent: string;
  semicolons: boolean;
  quote: "'" | '"';
  /** Relative imports end in ".js" (ESM output of tsc). */
  jsExtensions: boolean;
}

export const DEFAULT_STYLE: CodeStyle = { indent: '  ', semicolons: true, quote: "'", jsExtensions: false };

export function detectStyle(source: ts.SourceFile): CodeStyle {
  const text = source.text;
  const indents = [...text.matchAll(/\n( +|\t+)[^\s*]/g)].map((match) => match[1]!);
  let indent = DEFAULT_STYLE.indent;
  if (indents.some((candidate) => candidate.startsWith('\t'))) indent = '\t';
  else if (indents.length > 0) indent = ' '.repeat(indents.reduce((narrowest, candidate) => Math.min(narrowest, candidate.length), Infinity));
  let withSemicolon = 0;
  let without = 0;
  const visit = (node: ts.Node): boolean | void => {
    if (ts.isExpressionStatement(node) || ts.isVariableStatement(node) || ts.isReturnStatement(node) || ts.isImportDeclaration(node)) {
      if (text[node.getEnd() - 1] === ';') withSemicolon += 1;
      else without += 1;
    }
  };
  walkSyntax(source, visit);
  const specifiers = source.statements.filter(ts.isImportDeclaration).map((statement) => statement.moduleSpecifier.getText(source));
  const doubleQuoted = specifiers.filter((specifier) => specifier.startsWith('"')).length;
  const relative = specifiers.map((specifier) => specifier.slice(1, -1)).filter((specifier) => specifier.startsWith('.'));
  return {
    indent,
    semicolons: withSemicolon + without === 0 ? true : withSemicolon >= without,
    quote: doubleQuoted * 2 > specifiers.length ? '"' : "'",
    jsExtensions: relative.length > 0 && relative.filter((specifier) => /\.js$/.test(specifier)).length * 2 >= relative.length,
  };
}

export function quoted(text: string, style: CodeStyle): string {
  const escaped = text.replace(/\\/g, '\\\\').split(style.quote).join(`\\${style.quote}`);
  return `${style.quote}${escaped}${style.quote}`;
}

/** A statement terminator in the file's style. */
export function semi(style: CodeStyle): string {
  return style.semicolons ? ';' : '';
}

/**
 * Restyles code written here with two-space indentation, semicolons and single
 * quotes: the templates never put a quote character inside a string, and
 * comment lines are left as they are.
 */
export function restyle(code: string, style: CodeStyle): string {
  return code
    .split('\n')
    .map((line) => {
      const leading = /^( {2})*/.exec(line)![0];
      let body = line.slice(leading.length);
      const isComment = /^(\/\/|\/\*\*?|\*)/.test(body.trimStart());
      if (!isComment) {
        if (style.quote === '"') body = body.replace(/'/g, '"');
        if (!style.semicolons) body = body.replace(/;(\s*(\/\/.*)?)$/, '$1');
      }
      return style.indent.repeat(leading.length / 2) + body;
    })
    .join('\n');
}

/** A relative module specifier from one file to another, in the importing file's style. */
export function specifierFrom(fromFile: string, toFile: string, style: CodeStyle): string {
  let relative = toPosix(path.relative(path.dirname(fromFile), toFile)).replace(/\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/, '');
  if (relative.endsWith('/index')) relative = relative.slice(0, -'/index'.length);
  if (!relative.startsWith('.')) relative = `./${relative}`;
  return style.jsExtensions ? `${relative}.js` : relative;
}

/** The indentation of the line `offset` is on. */
export function indentAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}
