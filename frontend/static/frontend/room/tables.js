/* Tables: the facilitator splits the room into small tables and brings everyone back; each person
   sees their own table (its members, its chat, its summary), the facilitator every table. */

import { t } from "../i18n.js";
import { $, me, setText, el, clear, button, send, status } from "./common.js";
import { news, showTab } from "./tabs.js";

let open = [];  // the open tables
const changeHooks = [];

/** fn runs whenever the tables change (who sits where): the outbox and the people list follow. */
export function onTablesChanged(fn) { changeHooks.push(fn); }

export function tableById(id) {
  for (let i = 0; i < open.length; i++) if (open[i].id === id) return open[i];
  return null;
}
function findMyTable() {
  for (let i = 0; i < open.length; i++) {
    const members = open[i].members;
    for (let j = 0; j < members.length; j++) if (members[j].user_id === me.id) return open[i];
  }
  return null;
}
function mayWriteSummary(table) {
  if (me.isFacilitator) return true;
  return table.facilitator_id ? table.facilitator_id === me.id : findMyTable() === table;
}
export function applyTables(list) {
  open = list || [];
  const mine = findMyTable(), wasAt = me.tableId;
  me.tableId = mine ? mine.id : null;
  if (me.tableId !== wasAt) clear($("table-chat-list"));
  setText($("table-me"), mine ? t("YourTable", { n: mine.number }) : t("NoTable"));
  $("table-me").hidden = me.isFacilitator && open.length > 0;  // the facilitator sees every table below
  if ($("split-form")) {  // one split at a time: split, or bring everyone back
    $("split-form").querySelector("[type=submit]").hidden = open.length > 0;
    $("split-form").querySelector("[data-action='tables.bring_back']").hidden = !open.length;
  }
  $("my-table").hidden = !mine;
  const members = $("table-members");
  clear(members);
  if (mine) mine.members.forEach((m) => {
    const li = el("li", "", m.name + (m.user_id === me.id ? " " + t("You") : ""));
    if (m.user_id === mine.facilitator_id) li.appendChild(el("span", "badge", t("TableLead")));
    members.appendChild(li);
  });
  const box = $("table-summary-box"), editor = $("table-summary-body");
  box.hidden = !(mine && mayWriteSummary(mine));
  if (mine && document.activeElement !== editor) editor.value = mine.summary || "";
  renderAllTables();
  renderSummaries(open, false);
  changeHooks.forEach((fn) => fn());
  if (!open.length) {  // the facilitator's view of every table's chat ends with the tables
    clear($("fac-table-chat-list"));
    $("fac-table-chat-list").hidden = $("fac-table-chat-title").hidden = true;
  }
  news("table");
}
function renderAllTables() {
  const box = $("all-tables-box"), list = $("all-tables");
  box.hidden = !me.isFacilitator || !open.length;
  clear(list);
  if (!me.isFacilitator) return;
  open.forEach((table) => {
    const li = el("li", "table-card");
    li.appendChild(el("h4", "", t("TableN", { n: table.number })));
    const members = el("ul", "plain-list");
    table.members.forEach((m) => {
      const row = el("li", "table-member", m.name);
      if (m.user_id === table.facilitator_id) row.appendChild(el("span", "badge", t("TableLead")));
      else row.appendChild(button(t("MakeLead"), "tables.set_facilitator", { tableId: table.id, userId: m.user_id }));
      const move = el("select", "table-move");
      move.setAttribute("aria-label", t("MoveTo") + " " + m.name);
      move.dataset.userId = m.user_id;
      open.forEach((other) => {
        const option = el("option", "", t("TableN", { n: other.number }));
        option.value = other.id;
        option.selected = other.id === table.id;
        move.appendChild(option);
      });
      row.appendChild(move);
      members.appendChild(row);
    });
    li.appendChild(members);
    const summary = el("textarea", "table-summary-edit");
    summary.maxLength = 2000;
    summary.rows = 2;
    summary.value = table.summary || "";
    summary.setAttribute("aria-label", t("TableN", { n: table.number }));
    li.appendChild(summary);
    li.appendChild(button(t("SummarySave"), "tables.summary", { tableId: table.id }));
    list.appendChild(li);
  });
}
function renderSummaries(list, closed) {
  const box = $("summaries-box"), ol = $("summaries");
  let any = false;
  clear(ol);
  (list || []).forEach((table) => {
    if (!table.summary && !closed) return;
    any = true;
    const li = el("li", "summary");
    li.appendChild(el("h4", "", t("TableN", { n: table.number })));
    li.appendChild(el("p", "summary-body" + (table.summary ? "" : " empty"), table.summary || t("NoSummary")));
    ol.appendChild(li);
  });
  box.hidden = !any;
}
function tableSummary(data) {
  const table = tableById(data.table_id);
  if (table) table.summary = data.body;
  const editor = $("table-summary-body");
  if (data.table_id === me.tableId && document.activeElement !== editor) editor.value = data.body;
  if (data.author_id === me.id) status(t("SummarySaved"));
  renderSummaries(open, false);
  renderAllTables();
  news("table");
}

export const handlers = {
  "tables.opened": (type, data) => {
    applyTables(data.tables);
    if (me.tableId) { showTab("table"); status(t("YourTable", { n: tableById(me.tableId).number })); }
  },
  "tables.updated": (type, data) => { applyTables(data.tables); },
  "table.summary": (type, data) => { tableSummary(data); },
  "tables.closed": (type, data) => {
    applyTables([]);
    renderSummaries(data.tables, true);
    status(t("TablesClosed"));
  },
};

export const actions = {
  "tables.bring_back": () => { send("tables.bring_back"); },
  "tables.set_facilitator": (b) => {
    send("tables.set_facilitator", { table_id: +b.dataset.tableId, user_id: +b.dataset.userId });
  },
  "tables.summary": (b) => {  // the facilitator's editor in the list of all tables
    const body = b.parentNode.querySelector(".table-summary-edit").value.trim();
    send("tables.summary", { table_id: +b.dataset.tableId, body: body });
  },
};

export function initTables(root) {
  root.addEventListener("change", (event) => {
    const select = event.target.closest(".table-move");
    if (select) send("tables.move", { user_id: +select.dataset.userId, table_id: +select.value });
  });
  const summaryForm = $("table-summary-form");
  if (summaryForm) summaryForm.addEventListener("submit", (event) => {
    event.preventDefault();
    if (me.tableId) send("tables.summary", { table_id: me.tableId, body: $("table-summary-body").value.trim() });
  });
  const splitForm = $("split-form");
  if (splitForm) splitForm.addEventListener("submit", (event) => {
    event.preventDefault();
    send("tables.split", { size: parseInt($("split-size").value, 10), method: $("split-method").value });
  });
}
