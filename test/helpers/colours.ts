/**
 * A colour audit of a page in the browser: backgrounds that are light (in a dark theme) and text
 * that does not stand out from what is behind it (WCAG's contrast ratio, with the background
 * found through transparent ancestors and partly transparent layers blended, and an element's
 * opacity applied to its text), once running transitions have finished. Canvases and SVG are left out: they paint, they have no CSS
 * background or text colour to read.
 */
import type { Page } from 'playwright-core';

export interface ColourFinding { what: string; value: number }

export interface ColourAudit {
  /** Boxes of 20 x 20 px or more whose own background's relative luminance is over `maxBackground`. */
  lightBackgrounds: ColourFinding[];
  /** Visible text (not of a disabled control) whose contrast with its background is under `minContrast`. */
  lowContrast: ColourFinding[];
}

export function auditColours(page: Page, limits: { maxBackground: number; minContrast: number }, scope = 'body'): Promise<ColourAudit> {
  return page.evaluate(({ maxBackground, minContrast, scope }) => {
    // Colours as they settle, not half way through a fade (a title bar's buttons after a hover).
    for (const a of document.getAnimations()) try { a.finish(); } catch { /* an endless animation: left as it is */ }
    type RGBA = [number, number, number, number];
    const parse = (c: string): RGBA => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      if (!m) return [0, 0, 0, 0];
      const [r, g, b, a = 1] = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
      return [r, g, b, a];
    };
    const over = (top: RGBA, under: RGBA): RGBA => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3])).concat(1) as RGBA;
    const luminance = ([r, g, b]: RGBA) => {
      const lin = (v: number) => { const c = v / 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    const contrast = (a: RGBA, b: RGBA) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
    const cache = new Map<Element, RGBA>();
    const background = (el: Element | null): RGBA => {
      if (!el) return parse(getComputedStyle(document.body).backgroundColor);
      let bg = cache.get(el);
      if (!bg) {
        const own = parse(getComputedStyle(el).backgroundColor);
        bg = own[3] >= 1 ? own : over(own, background(el.parentElement));
        cache.set(el, bg);
      }
      return bg;
    };
    const opacity = (el: Element | null): number => (el ? Number(getComputedStyle(el).opacity) * opacity(el.parentElement) : 1);
    const describe = (el: Element) => {
      const id = el.getAttribute('data-testid');
      const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
      return `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''}${id ? `[${id}]` : ''} "${text}"`;
    };
    const out = { lightBackgrounds: [] as { what: string; value: number }[], lowContrast: [] as { what: string; value: number }[] };
    for (const el of document.querySelectorAll(`${scope}, ${scope} *`)) {
      if (el.closest('svg, canvas') || !(el instanceof HTMLElement)) continue;
      const box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (!box.width || !box.height || style.visibility !== 'visible') continue;
      const own = parse(style.backgroundColor);
      if (own[3] > 0 && box.width * box.height >= 400) {
        const l = luminance(background(el));
        if (l > maxBackground) out.lightBackgrounds.push({ what: describe(el), value: Number(l.toFixed(3)) });
      }
      const hasText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim());
      if (!hasText || el.closest(':disabled, [aria-disabled="true"]')) continue;
      const alpha = opacity(el);
      if (alpha < 0.1) continue; // not shown (a title bar's buttons before hover)
      const bg = background(el);
      const text = parse(style.color);
      const c = contrast(over([text[0], text[1], text[2], text[3] * alpha], bg), bg);
      if (c < minContrast) out.lowContrast.push({ what: describe(el), value: Number(c.toFixed(2)) });
    }
    return out;
  }, { ...limits, scope });
}
