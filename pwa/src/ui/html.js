// Safe HTML from templates: every interpolated value is escaped unless it is
// itself the result of `html` (or explicitly `trusted`). Case data never
// reaches innerHTML unescaped.

const SAFE = Symbol("safe-html");

/** Markup built by `html` (or `trusted`): safe to put in the page as it is. */
export class SafeHtml {
  /** @param {string} text */
  constructor(text) {
    this[SAFE] = text;
  }
  toString() {
    return this[SAFE];
  }
}

const ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** @param {unknown} value */
export function escape(value) {
  return String(value ?? "").replace(/[&<>"']/g, (ch) => ENTITIES[ch]);
}

/**
 * @param {Html} value
 * @returns {string}
 */
function render(value) {
  if (value instanceof SafeHtml) {
    return value[SAFE];
  }
  if (Array.isArray(value)) {
    return value.map(render).join("");
  }
  if (value === null || value === undefined || value === false) {
    return "";
  }
  return escape(value);
}

/**
 * @param {TemplateStringsArray} strings
 * @param {...Html} values
 * @returns {SafeHtml}
 */
export function html(strings, ...values) {
  let out = strings[0];
  values.forEach((value, index) => {
    out += render(value) + strings[index + 1];
  });
  return new SafeHtml(out);
}

/**
 * @param {Element} element
 * @param {Html} content
 */
export function mount(element, content) {
  element.innerHTML = render(content);
}
