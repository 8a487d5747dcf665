/**
 * The browser globals read by callbacks that run in the page (`page.evaluate`, `addInitScript`,
 * `waitForFunction`). The tests are type-checked against Node's globals without the DOM library (its
 * fetch and body types differ from Node's), so a file whose callbacks read one declares it, module
 * scoped, from these types: `declare const document: PageDocument;`. In the page they are the real ones.
 */

export interface PageElement {
  readonly tagName: string;
  readonly className: string;
  readonly children: Iterable<PageElement>;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { readonly right: number };
}

export interface PageInput extends PageElement {
  readonly value: string;
}

export interface PageDocument {
  readonly documentElement: PageElement & { readonly scrollWidth: number; readonly outerHTML: string };
  readonly body: PageElement & { readonly innerText: string };
  readonly activeElement: PageElement | null;
  querySelector(selectors: string): PageElement | null;
  querySelectorAll(selectors: string): Iterable<PageElement> & { readonly length: number };
}

/** Web storage: its methods and, spread (`{ ...sessionStorage }`), its items. */
export type PageStorage = {
  readonly length: number;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
} & { readonly [item: string]: string };

export interface PageWindow {
  readonly innerWidth: number;
}

export interface PageNavigator {
  readonly clipboard: { readText(): Promise<string> };
}

export type PageMutationObserver = new (
  callback: () => void,
) => { observe(target: PageDocument, options: { childList?: boolean; subtree?: boolean }): void };
