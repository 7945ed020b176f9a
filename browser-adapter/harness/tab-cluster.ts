// A cluster of headless Chromium tabs for the e2e tests and the benchmark: an introducer serving
// the built pages, one tab per node on its own origin, and helpers to close, reopen and reload
// tabs and to wait for conditions inside them (no sleeps: every wait polls with a timeout).

import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startIntroducer, type IntroducerHandle } from '../../introducer';
import { buildBrowserAssets } from '../build';
import { launchChromium } from './chromium';
import { clusterUrls } from './cluster-urls';

export interface TabClusterOptions {
  readonly ids?: readonly string[];
  /** The initial voters (default every id); the other tabs wait to be added. */
  readonly voters?: readonly string[];
  readonly page?: 'index.html' | 'todo.html' | 'bench.html';
  readonly params?: Readonly<Record<string, string>>;
  /** Forwarded page console errors go here (default: ignored). */
  readonly onConsole?: (id: string, text: string) => void;
}

export class TabCluster {
  readonly pages = new Map<string, Page>();
  private constructor(
    readonly introducer: IntroducerHandle,
    readonly browser: Browser,
    readonly context: BrowserContext,
    readonly urls: Map<string, string>,
    readonly ids: readonly string[],
    private readonly onConsole?: (id: string, text: string) => void,
  ) {}

  static async start(o: TabClusterOptions = {}): Promise<TabCluster> {
    const ids = o.ids ?? ['n1', 'n2', 'n3'];
    // Launch first: without Chromium there is nothing to clean up.
    const browser = await launchChromium();
    let introducer: IntroducerHandle | null = null;
    try {
      const staticDir = await buildBrowserAssets();
      const secret = randomBytes(24).toString('hex');
      introducer = await startIntroducer({ secret, port: 0, host: '127.0.0.1', staticDir, heartbeatIntervalMs: 0, stopGraceMs: 200 });
      const { urls } = clusterUrls({ port: introducer.port, secret, ids, voters: o.voters, page: o.page ?? 'index.html', params: { gum: '1', ...o.params } });
      const context = await browser.newContext();
      return new TabCluster(introducer, browser, context, urls, ids, o.onConsole);
    } catch (e) {
      await introducer?.stop();
      await browser.close();
      throw e;
    }
  }

  /** Opens (or reopens) the tab of `id` and waits until its page API is up. */
  async open(id: string, timeoutMs = 20_000): Promise<Page> {
    const page = await this.context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') this.onConsole?.(id, m.text());
    });
    page.on('pageerror', (e) => this.onConsole?.(id, `pageerror: ${e.message}`));
    await page.goto(this.urls.get(id) as string);
    // The KV and bench pages publish window.raftbed, the to-do page window.todoNode.
    await page.waitForFunction(() => window.raftbed !== undefined || window.todoNode !== undefined || window.raftbedError !== undefined || window.todoError !== undefined, undefined, { timeout: timeoutMs });
    const error = await page.evaluate(() => window.raftbedError ?? window.todoError ?? null);
    if (error) throw new Error(`tab ${id} failed to start: ${error}`);
    this.pages.set(id, page);
    return page;
  }

  async openAll(): Promise<void> {
    await Promise.all(this.ids.map((id) => this.open(id)));
  }

  page(id: string): Page {
    const p = this.pages.get(id);
    if (!p) throw new Error(`tab ${id} is not open`);
    return p;
  }

  async close(id: string): Promise<void> {
    const p = this.pages.get(id);
    this.pages.delete(id);
    await p?.close();
  }

  async reload(id: string, timeoutMs = 20_000): Promise<void> {
    const page = this.page(id);
    await page.reload();
    await page.waitForFunction(() => window.raftbed !== undefined || window.todoNode !== undefined, undefined, { timeout: timeoutMs });
  }

  /** Waits until `predicate(arg)` is truthy inside the tab; fails with `what` on timeout. */
  /**
   * Puts `value-of-<key>` for every key from the tab of `id`, all at once; a put that fails (its
   * leader changed under it) is retried, up to five attempts, puts being idempotent. Returns the
   * acknowledged [key, value] pairs.
   */
  async putFrom(id: string, keys: readonly string[]): Promise<[string, string][]> {
    return this.page(id).evaluate(async (ks) => {
      const done: [string, string][] = [];
      await Promise.all(ks.map(async (k) => {
        const v = `value-of-${k}`;
        for (let attempt = 0; ; attempt++) {
          try {
            await window.raftbed!.put(k, v);
            done.push([k, v]);
            return;
          } catch (e) {
            if (attempt >= 4) throw e;
          }
        }
      }));
      return done;
    }, keys as string[]);
  }

  /** Waits until the tab of `id` holds every [key, value] of `pairs` (`what` names them in a timeout). */
  async waitContents(id: string, what: string, pairs: readonly [string, string][], timeoutMs = 20_000): Promise<void> {
    await this.waitIn(id, `${pairs.length} ${what} keys visible`, (exp) => {
      const have = new Map(window.raftbed!.contents());
      return exp.every(([k, v]) => have.get(k) === v);
    }, pairs as [string, string][], timeoutMs);
  }

  async waitIn<A>(id: string, what: string, predicate: (arg: A) => unknown, arg: A, timeoutMs = 20_000): Promise<void> {
    try {
      await this.page(id).waitForFunction(predicate as (a: unknown) => unknown, arg as unknown, { timeout: timeoutMs, polling: 50 });
    } catch (e) {
      throw new Error(`tab ${id}: timed out after ${timeoutMs} ms waiting for ${what} (${(e as Error).message.split('\n')[0]})`);
    }
  }

  async stop(): Promise<void> {
    await this.context.close().catch(() => undefined);
    await this.browser.close().catch(() => undefined);
    await this.introducer.stop();
  }
}
