import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layering the README promises, checked on the import statements themselves: storage, exchange and
 * pipeline know nothing of commands or chat platforms; Slack and Discord never know each other; and no
 * module imports itself back through a cycle. A violation names the importing file and the import.
 */
const ROOT = process.cwd();
const SOURCE_DIRS = ['src', 'commands'];
const IMPORT = /^\s*(?:import|export)\b[^'"]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]/gm;

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Each source file (repo-relative) with the repo-relative source files it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of SOURCE_DIRS.flatMap(sourceFiles)) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const targets = [...text.matchAll(IMPORT)].map((match) => normalize(join(dirname(file), (match[1] ?? '').replace(/\.js$/, '.ts'))));
    graph.set(file, targets);
  }
  return graph;
}

const graph = importGraph();
const inside = (file: string, dir: string) => !relative(dir, file).startsWith('..');

/** [importer's folder, folders it must never import]. */
const FORBIDDEN: [string, string[]][] = [
  ['src/store', ['commands', 'src/slack', 'src/discord', 'src/console', 'src/pipeline', 'src/app']],
  ['src/binance', ['commands', 'src/slack', 'src/discord', 'src/console', 'src/pipeline', 'src/store', 'src/app']],
  ['src/pipeline', ['commands', 'src/slack', 'src/discord', 'src/console', 'src/app']],
  ['src/sinks', ['commands', 'src/slack', 'src/discord', 'src/console', 'src/pipeline', 'src/app']],
  ['src/format', ['commands', 'src/slack', 'src/discord', 'src/console', 'src/pipeline', 'src/store', 'src/app']],
  ['src/accounts', ['commands', 'src/slack', 'src/discord', 'src/console', 'src/pipeline', 'src/store', 'src/app']],
  ['src/slack', ['src/discord', 'src/app']],
  ['src/discord', ['src/slack', 'src/app']],
  ['commands', ['src/slack', 'src/discord', 'src/console', 'src/pipeline', 'src/store', 'src/app']],
  [
    'src/simulator',
    ['commands', 'src/slack', 'src/discord', 'src/console', 'src/pipeline', 'src/store', 'src/app', 'src/binance', 'src/stream'],
  ],
  ['src/stream', ['commands', 'src/slack', 'src/discord', 'src/console', 'src/pipeline', 'src/store', 'src/app', 'src/simulator']],
];

function violations(): string[] {
  const found: string[] = [];
  for (const [file, targets] of graph) {
    for (const [layer, banned] of FORBIDDEN) {
      if (!inside(file, layer)) continue;
      for (const target of targets) {
        const hit = banned.find((dir) => inside(target, dir));
        if (hit) found.push(`${file} imports ${target} (${layer} must not depend on ${hit})`);
      }
    }
  }
  return found;
}

/** Every import cycle, as the list of files around it (depth-first search, each cycle reported once). */
function cycles(): string[][] {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (file: string) => {
    state.set(file, 'visiting');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 'visiting') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

describe('architecture', () => {
  it('reads the whole source tree (the checks below look at real files)', () => {
    expect(graph.size).toBeGreaterThan(40);
    expect(graph.get('src/main.ts')?.length).toBeGreaterThan(0);
  });

  it('keeps storage, exchange, pipeline and commands free of chat platforms, and Slack and Discord apart', () => {
    expect(violations()).toEqual([]);
  });

  it('has no import cycle, type-only imports included', () => {
    expect(cycles().map((cycle) => cycle.join(' -> '))).toEqual([]);
  });
});
