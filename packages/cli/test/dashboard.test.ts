/// <reference lib="dom" />
import { expect } from 'chai';
import { fork } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { RecordingLogger } from '@armada/actors/testkit';
import { Cluster } from '@armada/scheduler';
import { startNatsServer, type NatsServerHandle } from '@armada/transport-nats';
import { CommandFailedError, startDashboard, type Dashboard, type DashboardSnapshot } from '../src/index.js';
import { allReady, ARMADA_BIN, startArmadaMachine, type ArmadaMachine } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = fileURLToPath(new URL('../../../../test-output/', import.meta.url));
const MASTER = { deadAfterMs: 2_000, tickMs: 100 } as const;
const INTERVAL_MS = 200;
const HEARTBEAT_MS = 250;

/** Text of `selector` as a number (thousands separators dropped). */
async function numberAt(page: Page, selector: string): Promise<number> {
  return Number((await page.textContent(selector))!.replaceAll(',', ''));
}

/** GET on the dashboard with an explicit Host header. */
function get(url: string, host?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, host === undefined ? {} : { headers: { host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.setTimeout(5_000, () => req.destroy(new Error(`GET ${url} timed out`)));
  });
}

/** Reads the dashboard's event stream until a snapshot satisfies `done`; rejects after `timeoutMs`. */
function untilEvent(url: string, done: (s: DashboardSnapshot) => boolean, timeoutMs: number): Promise<DashboardSnapshot> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    let last: DashboardSnapshot | undefined;
    const req = http.get(`${url}events`, (res) => {
      res.on('data', (c: Buffer) => {
        buffer += c.toString('utf8');
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const chunk = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!chunk.startsWith('data: ')) continue;
          last = JSON.parse(chunk.slice('data: '.length)) as DashboardSnapshot;
          if (done(last)) {
            clearTimeout(timer);
            req.destroy();
            resolve(last);
            return;
          }
        }
      });
    });
    const timer = setTimeout(() => (req.destroy(), reject(new Error(`no matching snapshot within ${timeoutMs} ms; last: ${JSON.stringify(last)?.slice(0, 500)}`))), timeoutMs);
    req.on('error', (e) => (clearTimeout(timer), reject(e)));
  });
}

describe('armada dashboard', function () {
  this.timeout(120_000);
  let server: NatsServerHandle;
  const machines: ArmadaMachine[] = [];
  let cluster: Cluster;
  let dashboard: Dashboard;
  let browser: Browser;

  /** The master's log, with when each machine was declared dead. */
  const log = new (class extends RecordingLogger {
    readonly declaredDead = new Map<string, number>();
    override warn(message: string, fields?: Record<string, unknown>): void {
      if (message === 'machine declared dead') this.declaredDead.set(String(fields?.machine), performance.now());
      super.warn(message, fields);
    }
  })();

  before(async () => {
    // Chromium first: its start-up is the heaviest moment of the test on a small machine.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    server = await startNatsServer();
    // Half the agents are slow, so fast agents run out of work and steal.
    const flags = ['--agents', '2', '--heartbeat-ms', String(HEARTBEAT_MS), '--slow-fraction', '0.5', '--slow-factor', '3'];
    machines.push(...(await allReady(['m1', 'm2', 'm3'].map((name) => startArmadaMachine(server.url, ['--name', name, ...flags])))));
    cluster = await Cluster.start({ nats: server.url, master: MASTER, logger: log });
    await cluster.waitForMachines(3, 10_000);
    dashboard = await startDashboard(cluster, { port: 0, intervalMs: INTERVAL_MS, title: server.url });
  });

  after(async () => {
    await browser?.close();
    await dashboard?.close();
    await cluster?.close();
    await Promise.all(machines.map((m) => m.kill()));
    await server?.stop();
  });

  it('shows machines and agents, counts moving to the total, steals, and a SIGKILLed machine dead within the failure-detection time', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(15_000);
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
    await page.goto(dashboard.url);
    for (const name of ['m1', 'm2', 'm3']) await page.waitForSelector(`tr.machine[data-machine="${name}"][data-state="alive"]`);
    expect(await page.locator('tr.agent').count()).to.equal(6);
    expect(await page.locator('tr.agent[data-agent="m2/agent-1"]').count()).to.equal(1);
    expect(await numberAt(page, '#total-done')).to.equal(0);

    // A run of ~3 s (1,200 timer tasks of 10 ms on 6 agents, 3 of them 3x slower): the page shows it move.
    const total = 1_200;
    const xs = Array.from({ length: total }, (_, i) => i);
    const task = async (x: number) => (await new Promise((r) => setTimeout(r, 10)), 2 * x);
    const run = cluster.dmap(task, xs);
    await page.waitForFunction((n) => {
      const done = Number(document.getElementById('total-done')!.textContent!.replaceAll(',', ''));
      return done > 0 && done < n;
    }, total);
    expect(await numberAt(page, '#total-running')).to.be.above(0);
    expect(await run).to.deep.equal(xs.map((x) => 2 * x));
    await page.waitForFunction((n) => document.getElementById('total-done')!.textContent!.replaceAll(',', '') === String(n), total);
    // Every agent's done count adds up to the total.
    const perAgent = await page.$$eval('tr.agent td:nth-child(5)', (tds) => tds.map((td) => Number(td.textContent!.replaceAll(',', ''))));
    expect(perAgent.reduce((a, b) => a + b, 0)).to.equal(total);
    expect(perAgent.filter((n) => n > 0).length).to.be.at.least(3);
    await page.waitForSelector('#steals tr[data-steal]');
    // The agents' own counts (from heartbeats, so up to one heartbeat later): done reaches the job's
    // packets, and every packet stolen in was stolen out of another agent. At least, not exactly:
    // a packet may run twice (a tail copy, or taken for lost with heartbeats this frequent; the
    // master keeps one result; `armada status`'s test checks the exact sum with copies off). A copy
    // of the job's last packet may still be running when the job ends, until it ends by itself or
    // its grace runs out, so the page is waited on until nothing runs.
    const column = (cls: string) => page.$$eval(`tr.agent td.${cls}`, (tds) => tds.map((td) => Number(td.textContent!.replaceAll(',', ''))));
    // If the page never settles, the expectations below say which count is off.
    await page
      .waitForFunction((n) => {
        const sum = (cls: string) => Array.from(document.querySelectorAll(`tr.agent td.${cls}`)).reduce((a, td) => a + Number(td.textContent!.replaceAll(',', '')), 0);
        return sum('fleet-done') >= n && sum('fleet-running') === 0 && sum('fleet-stolen-in') === sum('fleet-stolen-out');
      }, total)
      .catch(() => undefined);
    const sum = async (cls: string) => (await column(cls)).reduce((a, b) => a + b, 0);
    expect(await sum('fleet-done')).to.be.at.least(total);
    expect(await sum('fleet-running')).to.equal(0);
    const stolenIn = await sum('fleet-stolen-in');
    expect(stolenIn).to.be.above(0);
    expect(await sum('fleet-stolen-out')).to.equal(stolenIn);

    // Second run; m3 is SIGKILLed a third of the way in.
    const victim = machines[2]!;
    const streamedDead = untilEvent(dashboard.url, (snap) => snap.machines.some((m) => m.name === 'm3' && m.state === 'dead'), 30_000).then(() => performance.now());
    let killedAt = 0;
    const second = cluster.dmap(task, xs, {
      progress: (done) => {
        if (killedAt === 0 && done >= total / 3) {
          killedAt = performance.now();
          victim.child.kill('SIGKILL');
        }
      },
    });
    await page.waitForSelector('tr.machine[data-machine="m3"][data-state="dead"]', { timeout: MASTER.deadAfterMs + 10_000 });
    const shownDeadMs = performance.now() - killedAt;
    await mkdir(OUTPUT, { recursive: true });
    const shot = `${OUTPUT}dashboard.png`;
    await page.screenshot({ path: shot, fullPage: true });
    const declaredMs = (log.declaredDead.get('m3') ?? Infinity) - killedAt;
    const streamedMs = (await streamedDead) - killedAt;
    console.log(`      m3 shown dead ${Math.round(shownDeadMs)} ms after SIGKILL (on the event stream after ${Math.round(streamedMs)} ms), declared dead by the master after ${Math.round(declaredMs)} ms (deadAfterMs ${MASTER.deadAfterMs}); screenshot: ${shot}`);
    // No later than the failure detector's verdict plus one page update, with a second for delivery and
    // rendering on a busy 2-core machine; the page may be earlier, as it shows a machine silent for
    // deadAfterMs as dead before the verdict.
    expect(shownDeadMs).to.be.at.most(declaredMs + INTERVAL_MS + 1_000);
    expect(await page.locator('tr.agent.dead').count()).to.equal(2);
    expect(await second).to.deep.equal(xs.map((x) => 2 * x));
    await page.waitForFunction((n) => document.getElementById('total-done')!.textContent!.replaceAll(',', '') === String(n), 2 * total);
    expect(await numberAt(page, '#total-alive')).to.equal(2);
    expect(await numberAt(page, '#total-failed')).to.equal(0);
    await page.screenshot({ path: `${OUTPUT}dashboard-after.png`, fullPage: true });
    // Nothing the page did was refused by its Content-Security-Policy or threw.
    expect(pageErrors).to.deep.equal([]);
    await page.close();
  });

  it('serves only requests addressed to 127.0.0.1 or localhost, and the snapshot as JSON', async () => {
    expect((await get(`${dashboard.url}snapshot.json`, `evil.example:${dashboard.port}`)).status).to.equal(403);
    const res = await get(`${dashboard.url}snapshot.json`);
    expect(res.status).to.equal(200);
    const snapshot = JSON.parse(res.body) as DashboardSnapshot;
    expect(snapshot.type).to.equal('snapshot');
    expect(snapshot.machines.map((m) => m.name)).to.include.members(['m1', 'm2']);
    expect((await get(`${dashboard.url}nope`)).status).to.equal(404);
  });

  it('refuses a port that is taken with a typed error naming the port', async () => {
    let error: unknown;
    await startDashboard(cluster, { port: dashboard.port }).then(
      (d) => d.close(),
      (e: unknown) => (error = e),
    );
    expect(error).to.be.instanceOf(CommandFailedError);
    expect(error).to.include({ code: 'ERR_DASHBOARD_PORT' });
    expect((error as Error).message).to.include(`port ${dashboard.port} on 127.0.0.1 is taken`);
  });

  it('runs as `armada dashboard --nats URL --port 0`, says where, and stops on SIGTERM', async () => {
    const child = fork(ARMADA_BIN, ['dashboard', '--nats', server.url, '--port', '0', '--interval', '200'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ready message within 15 s; stderr:\n${stderr}`)), 15_000);
        child.on('message', (m: { type?: string; url?: string }) => m?.type === 'ready' && (clearTimeout(timer), resolve(m.url!)));
        child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`exited (${code}) before ready; stderr:\n${stderr}`))));
      });
      expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(stderr).to.include('dashboard ready');
      const page = await get(url);
      expect(page.status).to.equal(200);
      expect(page.body).to.include('<script type="module" src="/app.js">');
      // The live machines register with the new master within a heartbeat or a hello; the stream shows it.
      const names = await untilEvent(url, (snap) => snap.machines.map((m) => m.name).filter((n) => n === 'm1' || n === 'm2').length === 2, 10_000);
      expect(names.machines.map((m) => m.name)).to.include.members(['m1', 'm2']);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).to.equal(0);
  });
});
