extension Browser {
    /// Checks the current page against the essential RGAA rules that a script can decide on its own.
    /// Each violation reads `rule: what is wrong at css-path <html excerpt>`; an empty array means clean.
    func accessibilityViolations() async throws -> [String] {
        try await execute(accessibilityChecker)
    }
}

/// Hand-written because no third-party checker (axe) is available offline. Rules: html-lang, document-title,
/// single-h1, heading-order, skip-link, form-label, accessible-name, aria-invalid-description, table-caption,
/// table-header, th-scope, img-alt, svg-name, duplicate-id, contrast, focus-visible.
private let accessibilityChecker = #"""
const out = [];
const norm = s => (s || '').replace(/\s+/g, ' ').trim();
const cssPath = el => {
  const parts = [];
  for (let e = el; e && e.nodeType === Node.ELEMENT_NODE && parts.length < 4; e = e.parentElement) {
    if (e.id) { parts.unshift(e.localName + '#' + CSS.escape(e.id)); break; }
    const twins = e.parentElement ? [...e.parentElement.children].filter(s => s.localName === e.localName) : [e];
    parts.unshift(e.localName + (twins.length > 1 ? ':nth-of-type(' + (twins.indexOf(e) + 1) + ')' : ''));
  }
  return parts.join(' > ');
};
const excerpt = el => { const h = norm(el.outerHTML); return h.length > 90 ? h.slice(0, 89) + '…' : h; };
const report = (rule, message, el) => out.push(rule + ': ' + message + (el ? ' at ' + cssPath(el) + ' ' + excerpt(el) : ''));
const byIds = value => norm(value).split(' ').filter(Boolean).map(id => document.getElementById(id));
const labelledBy = el => {
  const targets = byIds(el.getAttribute('aria-labelledby'));
  return targets.length && targets.every(Boolean) ? norm(targets.map(t => t.textContent).join(' ')) : '';
};
const svgName = svg => {
  const title = [...svg.children].find(c => c.localName === 'title');
  return norm(svg.getAttribute('aria-label')) || labelledBy(svg) || norm(title && title.textContent);
};
const textName = node => norm([...node.childNodes].map(c => {
  if (c.nodeType === Node.TEXT_NODE) return c.textContent;
  if (c.nodeType !== Node.ELEMENT_NODE || c.getAttribute('aria-hidden') === 'true') return '';
  if (c.localName === 'img') return c.getAttribute('alt') || '';
  if (c.localName === 'svg') return svgName(c);
  return norm(c.getAttribute('aria-label')) || textName(c);
}).join(' '));
const accessibleName = el => norm(el.getAttribute('aria-label')) || labelledBy(el) || textName(el);

// Document
const lang = document.documentElement.getAttribute('lang') || '';
if (!lang.toLowerCase().startsWith('fr')) report('html-lang', '<html> must have lang="fr" (found "' + lang + '")');
if (!norm(document.title)) report('document-title', 'the page has no non-empty <title>');

// Headings
const h1Count = document.querySelectorAll('h1').length;
if (h1Count !== 1) report('single-h1', 'expected exactly one <h1>, found ' + h1Count);
let previous = 0;
for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
  const level = Number(h.localName[1]);
  if (previous && level > previous + 1) report('heading-order', 'h' + previous + ' followed by h' + level, h);
  previous = level;
}

// Skip link: the first stop of the keyboard must lead to the content.
const focusable = [...document.body.querySelectorAll(
  'a[href], area[href], button, input, select, textarea, iframe, summary, [tabindex], [contenteditable]')]
  .filter(e => !e.disabled && e.tabIndex >= 0 && !(e.localName === 'input' && e.type === 'hidden')
    && e.getClientRects().length > 0 && getComputedStyle(e).visibility === 'visible');
const first = focusable[0];
const href = first && first.localName === 'a' ? first.getAttribute('href') || '' : '';
let target = null;
try { target = href.length > 1 && href.startsWith('#') ? document.getElementById(decodeURIComponent(href.slice(1))) : null; } catch (e) {}
if (!target) report('skip-link', 'the first focusable element must be a link to an existing #id', first);

// Names
const exempt = ['hidden', 'submit', 'button', 'reset', 'image'];
for (const field of document.querySelectorAll('input, select, textarea')) {
  if (field.localName === 'input' && exempt.includes(field.type)) continue;
  const labelled = [...(field.labels || [])].some(l => norm(l.textContent)) || norm(field.getAttribute('aria-label')) || labelledBy(field);
  if (!labelled) report('form-label', 'form field without <label>, aria-label or aria-labelledby', field);
}
for (const el of document.querySelectorAll('button, a[href]')) {
  if (!accessibleName(el)) report('accessible-name', '<' + el.localName + '> without an accessible name', el);
}
for (const el of document.querySelectorAll('[aria-invalid="true"]')) {
  if (!byIds(el.getAttribute('aria-describedby')).some(d => d && norm(d.textContent)))
    report('aria-invalid-description', 'aria-invalid="true" without aria-describedby naming a non-empty message', el);
}

// Tables
for (const table of document.querySelectorAll('table')) {
  if (!norm(table.caption && table.caption.textContent)) report('table-caption', '<table> without a non-empty <caption>', table);
  if (!table.querySelector('th')) report('table-header', '<table> without any <th>', table);
}
for (const th of document.querySelectorAll('th')) {
  if (!th.hasAttribute('scope') && !th.closest('thead')) report('th-scope', '<th> without scope outside <thead>', th);
}

// Images
for (const img of document.querySelectorAll('img:not([alt])')) report('img-alt', '<img> without alt', img);
for (const svg of document.querySelectorAll('svg')) {
  if (svg.parentElement && svg.parentElement.closest('svg')) continue;
  if (svg.getAttribute('aria-hidden') === 'true' || (svg.getAttribute('role') === 'img' && svgName(svg))) continue;
  report('svg-name', 'inline <svg> needs aria-hidden="true", or role="img" and a name', svg);
}

// Ids
const idCounts = new Map();
for (const el of document.querySelectorAll('[id]')) if (el.id) idCounts.set(el.id, (idCounts.get(el.id) || 0) + 1);
for (const [id, count] of idCounts) if (count > 1) report('duplicate-id', 'id "' + id + '" used ' + count + ' times');

// Contrast (WCAG 2 ratio), on the colours the browser actually computed.
const canvas = document.createElement('canvas');
canvas.width = canvas.height = 1;
const ctx = canvas.getContext('2d', { willReadFrequently: true });
const rgba = value => {
  const m = /^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/.exec(value);
  if (m) return [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]];
  // Other notations (oklch(), color(), …): let the canvas convert them to sRGB.
  ctx.clearRect(0, 0, 1, 1);
  ctx.fillStyle = value;
  ctx.fillRect(0, 0, 1, 1);
  const d = ctx.getImageData(0, 0, 1, 1).data;
  return [d[0], d[1], d[2], d[3] / 255];
};
const over = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3])).concat(1);
const background = el => {
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const style = getComputedStyle(e);
    if (style.backgroundImage !== 'none') return null; // gradient or picture: not decidable here
    const colour = rgba(style.backgroundColor);
    if (colour[3] > 0) layers.push(colour);
    if (colour[3] >= 1) break;
  }
  return layers.reverse().reduce((bottom, top) => over(top, bottom), [255, 255, 255, 1]);
};
const channel = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
const luminance = c => 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2]);
const hex = c => '#' + c.slice(0, 3).map(v => Math.round(v).toString(16).padStart(2, '0')).join('');
const visuallyHidden = el => {
  const r = el.getBoundingClientRect();
  if (el.getClientRects().length === 0 || r.width <= 1 || r.height <= 1) return true;
  if (r.right + scrollX <= 0 || r.bottom + scrollY <= 0) return true;
  for (let e = el; e; e = e.parentElement) {
    const style = getComputedStyle(e), box = e.getBoundingClientRect();
    if (style.visibility !== 'visible' || Number(style.opacity) === 0) return true;
    if (style.clipPath.startsWith('inset(50%')) return true;
    if ((style.overflow !== 'visible' || style.clip !== 'auto') && (box.width <= 1 || box.height <= 1)) return true;
  }
  return false;
};
for (const el of [document.body, ...document.body.querySelectorAll('*')]) {
  if (['script', 'style', 'noscript', 'template', 'option', 'optgroup'].includes(el.localName) || el.closest('svg')) continue;
  if (![...el.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim())) continue;
  if (visuallyHidden(el)) continue;
  const bg = background(el);
  if (!bg) continue;
  const style = getComputedStyle(el);
  const fg = over(rgba(style.color), bg);
  const [light, dark] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
  const ratio = (light + 0.05) / (dark + 0.05);
  const size = parseFloat(style.fontSize), weight = parseInt(style.fontWeight, 10) || 400;
  const needed = size >= 24 || (size >= 18.66 && weight >= 700) ? 3 : 4.5;
  if (ratio < needed)
    report('contrast', 'ratio ' + Math.floor(ratio * 100) / 100 + ':1 (' + hex(fg) + ' on ' + hex(bg) + '), needs ' + needed + ':1', el);
}

// Focus visible: some :focus or :focus-visible rule must draw an outline or a shadow.
const drawsFocus = rules => [...rules].some(rule => {
  if (rule.selectorText && /:focus(-visible)?(?![\w-])/.test(rule.selectorText)) {
    const s = rule.style;
    const outline = ['outline-style', 'outline-width', 'outline-color'].some(p => s.getPropertyValue(p))
      && s.getPropertyValue('outline-style') !== 'none' && !/^0(px)?$/.test(s.getPropertyValue('outline-width'));
    const shadow = s.getPropertyValue('box-shadow');
    // A shorthand written with var() leaves its longhands empty in the CSSOM: read the declaration text too.
    const declared = /(^|;)\s*(outline|box-shadow)\s*:\s*(?!none\b|0(px)?\s*(;|$))/.test(s.cssText);
    if (outline || declared || (shadow && shadow !== 'none')) return true;
  }
  return rule.cssRules ? drawsFocus(rule.cssRules) : false;
});
const focusStyled = [...document.styleSheets].some(sheet => { try { return drawsFocus(sheet.cssRules); } catch (e) { return false; } });
if (!focusStyled) report('focus-visible', 'no :focus or :focus-visible rule sets outline or box-shadow');

return out;
"""#
