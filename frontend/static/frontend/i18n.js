/* The page's translated strings. The template gathers them into ONE json_script blob, <script
   type="application/json" id="i18n"> (the page_strings tag in frontend/templatetags/site_tags.py), so
   the scripts have no strings of their own and are translated with the page. */

let table = null;

function strings() {
  if (table === null) {
    const node = document.getElementById("i18n");
    try { table = node ? JSON.parse(node.textContent) || {} : {}; } catch (err) { table = {}; }
  }
  return table;
}

/** A string with its {name} placeholders filled in; unknown placeholders stay as they are. */
export function fill(text, vars) {
  return String(text).replace(/\{(\w+)\}/g, (all, name) => (vars && name in vars ? vars[name] : all));
}

/** The translated string under key, filled in ("" when the page has none). */
export function t(key, vars) {
  const text = strings()[key];
  return fill(typeof text === "string" ? text : "", vars);
}

/** A label out of a group of the blob (e.g. t.label("RoomStates", "live")), or the value itself. */
export function label(group, value) {
  const labels = strings()[group];
  return (labels && typeof labels[value] === "string" && labels[value]) || value;
}
