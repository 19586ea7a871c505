import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthState } from '../../src/ops/HealthState.js';
import { Metrics } from '../../src/ops/Metrics.js';
import { startOpsServer } from '../../src/ops/startOpsServer.js';

const ROOT = resolve(import.meta.dirname, '../..');
const RULES_DIR = join(ROOT, 'deploy', 'prometheus');
const RULES = join(RULES_DIR, 'forcewatch.rules.yml');
const DASHBOARD = join(ROOT, 'deploy', 'grafana', 'forcewatch.dashboard.json');
const run = promisify(execFile);

/** Runs promtool; a missing promtool fails the test saying how to install it, a failed check shows promtool's own words. */
async function promtool(args: string[], cwd = ROOT): Promise<string> {
  try {
    const { stdout, stderr } = await run('promtool', args, { cwd });
    return `${stdout}${stderr}`;
  } catch (error) {
    const { code, stdout = '', stderr = '' } = error as { code?: unknown; stdout?: string; stderr?: string };
    if (code === 'ENOENT') {
      throw new Error(
        "promtool is missing: install Debian's prometheus package (apt-get install prometheus), which has /usr/bin/promtool; .ci/run installs it",
      );
    }
    throw new Error(`promtool ${args.join(' ')} failed:\n${stdout}${stderr}`);
  }
}

/** Every alert rule's PromQL, read from the rules file with a line-based YAML reader (the file's own layout). */
async function ruleExpressions(): Promise<string[]> {
  const text = await readFile(RULES, 'utf8');
  const exprs: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const match = /^(\s*)expr:\s*(.*)$/.exec(lines[i] ?? '');
    if (!match) continue;
    const [, indent = '', first = ''] = match;
    if (first !== '>-') {
      exprs.push(first);
      continue;
    }
    const folded: string[] = [];
    while ((lines[i + 1] ?? '').startsWith(`${indent}  `)) {
      i += 1;
      folded.push((lines[i] ?? '').trim());
    }
    exprs.push(folded.join(' '));
  }
  return exprs;
}

interface Dashboard {
  panels: { title: string; targets: { expr: string }[] }[];
}

/** Every query of every dashboard panel, with Grafana's `$__rate_interval` as Prometheus would get it. */
async function dashboardExpressions(): Promise<{ panel: string; expr: string }[]> {
  const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as Dashboard;
  return dashboard.panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, expr: t.expr.replaceAll('$__rate_interval', '5m') })));
}

const PROMQL_WORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

/**
 * The metric names a PromQL expression selects: what is left once strings, label matchers, ranges,
 * label lists, numbers and keywords are taken out, and that is not a function being called.
 */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\b\d+(\.\d+)?(e[+-]?\d+)?\b/gi, ' ');
  return [...bare.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)]
    .filter((m) => !/^\s*\(/.test(bare.slice((m.index ?? 0) + m[0].length)))
    .map((m) => m[0])
    .filter((name) => !PROMQL_WORDS.has(name.toLowerCase()));
}

/** The series names a real `/metrics` scrape of the ops server offers, by family: a histogram's `_bucket`, `_sum`, `_count`. */
async function scrapedNames(metrics: Metrics): Promise<Map<string, string>> {
  const health = new HealthState(() => Date.now(), 60_000);
  const server = await startOpsServer({ port: 0, host: '127.0.0.1', health, metrics });
  try {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const names = new Map<string, string>();
    for (const [, family = '', type] of text.matchAll(/^# TYPE (\S+) (\w+)$/gm)) {
      const series = type === 'histogram' ? ['_bucket', '_sum', '_count'] : type === 'summary' ? ['', '_sum', '_count'] : [''];
      for (const suffix of series) names.set(`${family}${suffix}`, family);
    }
    return names;
  } finally {
    await server.close();
  }
}

/** `up` is the one series Prometheus makes itself for every target: https://prometheus.io/docs/concepts/jobs_instances/ */
const PROMETHEUS_OWN = new Set(['up']);

describe('deploy/prometheus alert rules and the Grafana dashboard', () => {
  let exported: Map<string, string>;
  let ours: Set<string>;
  let temp: string;

  beforeAll(async () => {
    exported = await scrapedNames(new Metrics());
    ours = new Set((await scrapedNames(new Metrics({ processMetrics: false }))).values());
    temp = await mkdtemp(join(tmpdir(), 'forcewatch-monitoring-'));
  });
  afterAll(() => rm(temp, { recursive: true, force: true }));

  it('parses with promtool check rules', async () => {
    expect(await promtool(['check', 'rules', RULES])).toContain('SUCCESS: 6 rules found');
  });

  it('fires each alert on the failure it names, and not on a healthy bot (promtool test rules)', async () => {
    expect(await promtool(['test', 'rules', 'forcewatch.rules.test.yml'], RULES_DIR)).toContain('SUCCESS');
  });

  it('queries only valid PromQL on the dashboard (promtool checks each as a recording rule)', async () => {
    const queries = await dashboardExpressions();
    expect(queries.length).toBeGreaterThanOrEqual(12);
    const rules = queries.map((q, i) => `      - record: dashboard:query_${i}\n        expr: ${JSON.stringify(q.expr)}`).join('\n');
    const file = join(temp, 'dashboard.rules.yml');
    await writeFile(file, `groups:\n  - name: dashboard\n    rules:\n${rules}\n`);
    expect(await promtool(['check', 'rules', file])).toContain(`SUCCESS: ${queries.length} rules found`);
  });

  it('names only metrics the bot exports (a real /metrics scrape), and shows every forcewatch metric on the dashboard', async () => {
    const fromRules = (await ruleExpressions()).flatMap(metricNames);
    const fromDashboard = (await dashboardExpressions()).flatMap((q) => metricNames(q.expr));
    expect(fromRules.length).toBeGreaterThanOrEqual(6);
    const unknown = [...new Set([...fromRules, ...fromDashboard])].filter((name) => !exported.has(name) && !PROMETHEUS_OWN.has(name));
    expect(unknown, `not exported by the bot: ${unknown.join(', ')}`).toEqual([]);
    const shown = new Set(fromDashboard.map((name) => exported.get(name)));
    expect([...ours].filter((family) => !shown.has(family))).toEqual([]);
    for (const name of ['forcewatch_last_successful_poll_timestamp_seconds', 'forcewatch_outbox_depth', 'up']) {
      expect(fromRules).toContain(name);
    }
  });
});
