import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthState } from '../../src/ops/HealthState.js';
import { Metrics } from '../../src/ops/Metrics.js';
import { type OpsServer, startOpsServer } from '../../src/ops/startOpsServer.js';

const ROOT = resolve(import.meta.dirname, '../..');
/** The build goes under node_modules so the compiled code resolves the installed packages, as in the image. */
const OUT = join(ROOT, 'node_modules', '.cache', `forcewatch-deploy-test-${process.pid}`);
const run = promisify(execFile);

let dockerfile: string;
let emptyCwd: string;

/** The JSON-array (exec form) instruction `name` of the Dockerfile, continuation lines joined. */
function execForm(name: 'CMD' | 'HEALTHCHECK'): string[] {
  const joined = dockerfile.replace(/\\\n\s*/g, ' ');
  const line = joined.split('\n').find((l) => l.startsWith(`${name} `));
  const json = line?.slice(line.indexOf('['));
  if (!json) throw new Error(`no exec-form ${name} in the Dockerfile`);
  return JSON.parse(json) as string[];
}

/** Runs `node args` in an empty directory with only `env`, resolving with its exit code and output. */
function node(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { cwd: emptyCwd, env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => done({ code, output }));
  });
}

/** A path inside the image (`dist/...`, relative to WORKDIR /app) mapped onto this test's build output. */
function inBuild(path: string): string {
  return join(OUT, path.replace(/^dist\//, ''));
}

beforeAll(async () => {
  dockerfile = await readFile(join(ROOT, 'Dockerfile'), 'utf8');
  emptyCwd = await mkdtemp(join(tmpdir(), 'forcewatch-deploy-'));
  // `npm run build`, as the image's build stage runs it, into a directory of our own.
  await run('npm', ['run', 'build', '--', '--outDir', OUT], { cwd: ROOT });
}, 120_000);

afterAll(async () => {
  await rm(OUT, { recursive: true, force: true });
  await rm(emptyCwd, { recursive: true, force: true });
});

describe('the Dockerfile against the build output', () => {
  it('CMD names a file npm run build emits, and it starts: an empty environment exits 2 with the config message', async () => {
    const cmd = execForm('CMD');
    expect(cmd).toEqual(['node', 'dist/src/main.js']);
    expect(existsSync(inBuild(cmd[1] as string))).toBe(true);
    const started = await node([inBuild(cmd[1] as string)], {});
    expect(started.code).toBe(2);
    expect(started.output).toMatch(
      /^forcewatch cannot start; fix these settings \(see \.env\.example\):\n {2}- BINANCE_API_KEY is not set/,
    );
  });

  it('the doctor and test-alert entry points the docs name are in the build and run', async () => {
    for (const cli of ['dist/src/doctor/cli.js', 'dist/src/testAlert/cli.js']) expect(existsSync(inBuild(cli)), cli).toBe(true);
    const doctor = await node([inBuild('dist/src/doctor/cli.js')], {});
    expect(doctor.code).toBe(1);
    expect(doctor.output).toMatch(/✘ configuration: BINANCE_API_KEY is not set/);
  });

  it('keeps the store on /data, runs as a non-root user, and builds in a separate stage', () => {
    expect(dockerfile).toMatch(/^FROM node:\$\{NODE_VERSION\}-bookworm-slim AS build$/m);
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev/m);
    expect(dockerfile).toMatch(/FORCEWATCH_DB=\/data\/forcewatch\.json/);
    expect(dockerfile).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
  });
});

describe('the production build', () => {
  it('leaves out the simulator and the demo, and nothing it emits imports them', async () => {
    expect(existsSync(inBuild('dist/src/main.js'))).toBe(true);
    expect(existsSync(inBuild('dist/src/simulator'))).toBe(false);
    expect(existsSync(inBuild('dist/src/demo.js'))).toBe(false);
    const emitted = (await readdir(OUT, { recursive: true })).filter((file) => file.endsWith('.js'));
    expect(emitted.length).toBeGreaterThan(0);
    for (const file of emitted) expect(await readFile(join(OUT, file), 'utf8'), file).not.toMatch(/simulator\/|demo\.js/);
  });
});

describe('every path the deploy files name', () => {
  const deployFiles = ['Dockerfile', 'compose.yaml', '.dockerignore', join('deploy', 'forcewatch.service')];

  it('exists: compiled entry points in the build, documentation and repository files in the checkout', async () => {
    const named: string[] = [];
    for (const file of deployFiles) {
      const text = await readFile(join(ROOT, file), 'utf8');
      for (const [path] of text.matchAll(/\bdist\/[\w./-]+\.js\b/g)) {
        named.push(path);
        expect(existsSync(inBuild(path)), `${file} names ${path}`).toBe(true);
      }
      // The unit's Documentation= and its comments name files of the checkout installed at /opt/forcewatch.
      for (const [, path = ''] of text.matchAll(/file:\/\/\/opt\/forcewatch\/(\S+)/g)) {
        named.push(path);
        expect(existsSync(join(ROOT, path)), `${file} names ${path}`).toBe(true);
      }
      for (const [path] of text.matchAll(/(?<![\w./-])(?:deploy|docs|src|commands)\/[\w./-]*\w/g)) {
        named.push(path);
        expect(existsSync(join(ROOT, path)), `${file} names ${path}`).toBe(true);
      }
    }
    expect(named).toContain('README.md');
    expect(named).toContain('dist/src/doctor/cli.js');
  });

  it('exists for every file the Dockerfile copies from the build context', () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap(([, list = '']) => list.split(/\s+/));
    expect(sources).toContain('tsconfig.build.json');
    for (const source of sources) expect(existsSync(join(ROOT, source)), source).toBe(true);
  });
});

describe('the HEALTHCHECK command', () => {
  let server: OpsServer | undefined;
  afterAll(() => server?.close());

  it('exits 0 while /healthz says healthy, 1 when it says unhealthy or nothing listens', async () => {
    const check = execForm('HEALTHCHECK').slice(execForm('HEALTHCHECK').indexOf('node') + 1);
    let now = 1_000_000;
    const health = new HealthState(() => now, 60_000);
    server = await startOpsServer({ port: 0, host: '127.0.0.1', health, metrics: new Metrics() });
    const port = new URL(server.url).port;

    expect((await node(check, { METRICS_PORT: port })).code).toBe(1); // no successful poll yet
    health.pollSucceeded(now);
    expect((await node(check, { METRICS_PORT: port })).code).toBe(0);
    now += 120_000; // the poller hung: stale
    expect((await node(check, { METRICS_PORT: port })).code).toBe(1);
    await server.close();
    server = undefined;
    expect((await node(check, { METRICS_PORT: port })).code).toBe(1);
  });
});

describe('.dockerignore and compose.yaml', () => {
  it('keeps secrets, state and local builds out of the build context', async () => {
    const ignored = (await readFile(join(ROOT, '.dockerignore'), 'utf8')).split('\n');
    for (const entry of ['.env', 'data/', 'node_modules/', 'dist/', '*.pem']) expect(ignored).toContain(entry);
  });

  it('puts the store on a named volume at /data, the path the image expects', async () => {
    const compose = await readFile(join(ROOT, 'compose.yaml'), 'utf8');
    expect(compose).toMatch(/FORCEWATCH_DB: \/data\/forcewatch\.json/);
    expect(compose).toMatch(/- forcewatch-data:\/data/);
    expect(compose).toMatch(/"127\.0\.0\.1:9464:9464"/);
  });
});

describe('deploy/forcewatch.service', () => {
  const unitPath = join(ROOT, 'deploy', 'forcewatch.service');

  it('starts the built entry point, keeps the store in its StateDirectory, and is hardened', async () => {
    const unit = await readFile(unitPath, 'utf8');
    const value = (key: string) => unit.match(new RegExp(`^${key}=(.*)$`, 'm'))?.[1];
    expect(value('ExecStart')).toBe('/usr/bin/node dist/src/main.js');
    expect(existsSync(inBuild('dist/src/main.js'))).toBe(true);
    expect(value('Environment=FORCEWATCH_DB')).toBe(`/var/lib/${value('StateDirectory')}/forcewatch.json`);
    expect(value('DynamicUser')).toBe('yes');
    expect(value('ProtectSystem')).toBe('strict');
    expect(value('Restart')).toBe('on-failure');
    expect(value('RestartPreventExitStatus')).toBe('2');
    expect(value('EnvironmentFile')).toBe('/etc/forcewatch/forcewatch.env');
  });

  it.skipIf(!existsSync('/usr/bin/systemd-analyze'))('passes systemd-analyze verify', async () => {
    const { stderr } = await run('systemd-analyze', ['verify', unitPath]);
    expect(stderr).toBe('');
  });
});
