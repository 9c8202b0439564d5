// The viewer page end to end in a real browser: Playwright (playwright-core, from web/'s npm
// packages) drives Debian's chromium against `spineload serve` on a free loopback port.
// Environment: SPINELOAD_BIN (the CLI), SPINELOAD_WEB (web/, for playwright-core), CHROMIUM
// (default /usr/bin/chromium). Exit code 77 (CTest: skipped) only when chromium is absent.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

const bin = process.env.SPINELOAD_BIN;
const web = process.env.SPINELOAD_WEB;
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
if (!fs.existsSync(chromiumPath)) {
  console.log(`SKIPPED: ${chromiumPath} not found; install Debian's chromium (scripts/setup.sh does) to run the browser tests`);
  process.exit(77);
}
assert.ok(bin && fs.existsSync(bin), 'SPINELOAD_BIN must name the spineload binary');
const { chromium } = createRequire(path.join(web, 'package.json'))('playwright-core');

const TASK = 'carry-on-hip';
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'spineload-e2e-'));
let server, context, page, url;
const consoleErrors = [];

// The stage slider's axis (web/src/stage.js): 0-40 pregnancy weeks, then 40 + postpartum week.
const slider = (stage, week) => (stage === 'pregnant' ? week : 40 + week);

function startServer() {
  return new Promise((resolve, reject) => {
    server = spawn(bin, ['serve', '--port', '0', '--threads', '2'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:\d+/);
      if (m) resolve(m[0]);
    });
    server.on('exit', (code) => reject(new Error(`spineload serve exited with ${code}: ${out}`)));
  });
}

// The page's woman (default controls) at a stage, as a subject file in a fresh folder.
function subjectFile(stage, week) {
  const dir = fs.mkdtempSync(path.join(scratch, 'cli-'));
  const subject = path.join(dir, 'subject.yaml');
  fs.writeFileSync(subject, `name: viewer\nheight_m: 1.65\npre_pregnancy_mass_kg: 62\nstage: ${stage}\nweek: ${week}\n` +
                            (stage === 'postpartum' ? 'delivery: vaginal\nbreastfeeding: {active: true}\n' : ''));
  return { dir, subject };
}

// L5/S1 compression from the command line for the same woman, stage and task.
function cliL5S1(stage, week) {
  const { dir, subject } = subjectFile(stage, week);
  execFileSync(bin, ['analyze', '--task', TASK, '--subject', subject, '-o', path.join(dir, 'out'), '--format', 'json']);
  const file = fs.readdirSync(path.join(dir, 'out')).find((f) => f.endsWith('.json') && !f.endsWith('_indices.json'));
  const j = JSON.parse(fs.readFileSync(path.join(dir, 'out', file), 'utf8'));
  return Math.max(...j.frames.map((f) => f.summary.L5_S1_compression_N));
}

async function settled() {
  await page.waitForFunction(() => document.body.dataset.busy === 'false', null, { timeout: 60000 });
}

async function shownL5S1() {
  const el = page.locator('#l5s1');
  return { text: (await el.textContent()).trim(), value: Number(await el.getAttribute('data-value')) };
}

before(async () => {
  url = await startServer();
  context = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(scratch, 'profile-')), {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync',
           // WebGL without a GPU: chromium's software renderer, which it only uses when asked.
           '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
  });
  page = context.pages()[0] || (await context.newPage());
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById('l5s1').dataset.value !== '', null, { timeout: 60000 });
  await settled();
});

after(async () => {
  await context?.close();
  server?.kill();
  fs.rmSync(scratch, { recursive: true, force: true });
});

test('the page loads with its notice, tasks and a result, and no console errors', async () => {
  assert.match(await page.locator('#notice').textContent(), /not a diagnosis/);
  assert.ok(await page.locator('#notice').isVisible());
  assert.ok((await page.locator('#task option').count()) >= 10);
  assert.equal(await page.locator('#task').inputValue(), TASK);
  const { value } = await shownL5S1();
  assert.ok(value > 300 && value < 6000, `L5/S1 ${value} N`);
  assert.deepEqual(consoleErrors, []);
});

test('moving the stage slider shows the L5/S1 compression the command line gives', async () => {
  const seen = [];
  for (const [stage, week] of [['pregnant', 32], ['postpartum', 6]]) {
    const before = (await shownL5S1()).value;
    await page.locator('#stage').fill(String(slider(stage, week)));
    await page.waitForFunction((v) => Number(document.getElementById('l5s1').dataset.value) !== v, before, { timeout: 60000 });
    await settled();
    const shown = await shownL5S1();
    const cli = cliL5S1(stage, week);
    assert.ok(Math.abs(shown.value - cli) <= 1e-6 * cli, `${stage} ${week}: page ${shown.value} N, CLI ${cli} N`);
    assert.equal(shown.text, String(Math.round(cli)));
    assert.match(await page.locator('#stage-label').textContent(), new RegExp(`${stage}, week ${week}`));
    seen.push(shown.value);
  }
  assert.notEqual(seen[0], seen[1]);
  assert.deepEqual(consoleErrors, []);
});

test('the 3D view renders the model (the canvas is not blank)', async () => {
  await page.locator('#view canvas').screenshot({ path: path.join(scratch, 'view.png') });
  // Pixels of the WebGL canvas (drawn with preserveDrawingBuffer) that differ from the background.
  const stats = await page.evaluate(() => {
    const gl = document.querySelector('#view canvas');
    const c = document.createElement('canvas');
    c.width = gl.width;
    c.height = gl.height;
    const ctx = c.getContext('2d');
    ctx.drawImage(gl, 0, 0);
    const px = ctx.getImageData(0, 0, c.width, c.height).data;
    const bg = [0x1d, 0x24, 0x30];
    let drawn = 0, greenish = 0;
    for (let i = 0; i < px.length; i += 4) {
      if (Math.abs(px[i] - bg[0]) + Math.abs(px[i + 1] - bg[1]) + Math.abs(px[i + 2] - bg[2]) > 30) drawn++;
      if (px[i + 1] > 120 && px[i + 1] > px[i] + 30 && px[i + 1] > px[i + 2] + 30) greenish++;
    }
    return { drawn, greenish, total: px.length / 4 };
  });
  assert.ok(stats.total > 10000, `canvas of ${stats.total} pixels`);
  assert.ok(stats.drawn > 0.01 * stats.total, `${stats.drawn} of ${stats.total} pixels drawn`);
  assert.ok(stats.greenish > 20, `${stats.greenish} green pixels (discs below the action limit, base of support)`);
});

test('the charts have their data: nine levels, the timeline across stages, the day', async () => {
  await page.locator('#stage').fill(String(slider('postpartum', 10)));
  await page.waitForFunction(() => /lowest capacity/.test(document.getElementById('day-summary').textContent), null,
                             { timeout: 60000 });
  await settled();
  const points = async (id) => Number(await page.locator(`#${id}`).getAttribute('data-points'));
  assert.equal(await points('chart-levels'), 9);
  assert.equal(await points('chart-timeline'), 11 + 14);  // pregnancy weeks 0-40 and postpartum 0-52, every 4 weeks
  assert.ok((await points('chart-day')) > 10);
  for (const id of ['chart-levels', 'chart-timeline', 'chart-day']) {
    const box = await page.locator(`#${id}`).boundingBox();
    assert.ok(box && box.width > 100 && box.height > 100, id);
  }
  assert.match(await page.locator('#day-summary').textContent(), /lowest capacity \d+ % at/);
  // The day's load per task: the four tasks of the schedule, each with its peak L5/S1 in newtons.
  const rows = page.locator('#day-tasks tbody tr');
  assert.equal(await rows.count(), 4);
  assert.equal(await rows.nth(2).locator('td').first().textContent(), 'lift-from-crib');
  assert.ok(Number(await rows.nth(2).locator('td').nth(2).textContent()) > 500);
});

test('a bad parameter shows the error message and marks the input', async () => {
  const input = page.locator('[data-param="hip_share"]');
  await input.fill('7');
  await page.waitForSelector('#error:not([hidden])', { timeout: 60000 });
  assert.equal(await page.locator('#error').textContent(), 'settings.hip_share: 7 fraction is outside 0 to 1 fraction');
  assert.equal(await input.getAttribute('aria-invalid'), 'true');
  await input.fill('0.6');
  await page.locator('#error').waitFor({ state: 'hidden', timeout: 60000 });
  assert.equal(await input.getAttribute('aria-invalid'), null);
  // The browser logs the 400 answers it was given; nothing else went wrong.
  assert.ok(consoleErrors.every((m) => /status of 400/.test(m)), consoleErrors.join('\n'));
  consoleErrors.length = 0;
});

test('a what-if sweep shows what `spineload compare` gives', async () => {
  await page.locator('#task').selectOption(TASK);
  await page.locator('#stage').fill(String(slider('postpartum', 6)));
  await page.waitForTimeout(300);
  await settled();
  await page.locator('#whatif-param').selectOption('lean_deg');
  await page.locator('#whatif-run').click();
  await page.waitForFunction(() => document.getElementById('chart-whatif').dataset.points === '9', null, { timeout: 60000 });
  await settled();
  const shown = JSON.parse(await page.locator('#chart-whatif').getAttribute('data-values'));
  const { dir, subject } = subjectFile('postpartum', 6);
  execFileSync(bin, ['compare', '--task', TASK, '--vary', 'lean_deg=0:20:2.5', '--subject', subject, '-o', dir]);
  const [header, ...rows] = fs.readFileSync(path.join(dir, 'compare.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
  const value = header.indexOf('value'), l5 = header.indexOf('L5_S1_compression_N');
  assert.equal(rows.length, 9);
  rows.forEach((r, k) => {
    assert.equal(shown[k][0], Number(r[value]));
    assert.ok(Math.abs(shown[k][1] - Number(r[l5])) < 1e-3, `lean ${r[value]} deg: page ${shown[k][1]} N, CLI ${r[l5]} N`);
  });
  // Leaning further to the side moves her trunk off the hip: the load changes across the sweep.
  assert.notEqual(shown[0][1], shown[8][1]);
  assert.deepEqual(consoleErrors, []);
});

test('the claims panel answers all ten with a chart each, as `spineload claims` does', async () => {
  await page.locator('#stage').fill(String(slider('postpartum', 6)));
  await page.waitForTimeout(300);
  await settled();
  await page.locator('#claims-run').click();
  await page.waitForFunction(() => document.querySelectorAll('#claims-list details.claim').length === 10, null,
                             { timeout: 120000 });
  const verdicts = await page.locator('#claims-list details.claim').evaluateAll((ds) => ds.map((d) => d.dataset.verdict));
  assert.equal(verdicts[2], 'not supported');           // walking backwards
  assert.equal(verdicts[9], 'outside what the model can say');  // warmth
  // Every claim with figures has its chart; the walking chart's values are the command line's.
  assert.equal(await page.locator('#claims-list canvas').count(), 9);
  const shown = new Map(JSON.parse(await page.locator('#chart-claim-3').getAttribute('data-values')));
  const { dir, subject } = subjectFile('postpartum', 6);
  execFileSync(bin, ['claims', '--subject', subject, '-o', dir]);
  const rows = fs.readFileSync(path.join(dir, 'claims.csv'), 'utf8').trim().split('\n').slice(1);
  const fw = rows.find((r) => r.includes('"mean L5/S1 compression forwards, before pregnancy"'));
  const value = Number(fw.split(',').at(-2));
  assert.ok(Math.abs(shown.get('mean L5/S1 compression forwards, before pregnancy') - value) < 1e-3);
  assert.deepEqual(consoleErrors, []);
});

test('a report opens offline: charts inline, no request leaves the file', async () => {
  const dir = fs.mkdtempSync(path.join(scratch, 'report-'));
  execFileSync(bin, ['analyze', '--task', 'change-diaper', '-o', path.join(dir, 'results'), '--format', 'json']);
  execFileSync(bin, ['compare', '--task', 'change-diaper', '--vary', 'table_height_cm=80:100:10', '-o', path.join(dir, 'results')]);
  execFileSync(bin, ['report', path.join(dir, 'results'), '-o', path.join(dir, 'report.html')]);
  const report = await context.newPage();
  const requests = [];
  report.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
  await report.goto(`file://${path.join(dir, 'report.html')}`);
  assert.equal(await report.locator('svg').count(), 2);  // levels and the what-if
  assert.match(await report.locator('.notice').textContent(), /not a diagnosis/);
  const bars = await report.locator('svg').first().boundingBox();
  assert.ok(bars.width > 300 && bars.height > 150);
  assert.deepEqual(requests, []);
  await report.close();
});
