/* Chat, the plenary's and the table's, with the facilitator's tools on each message; and the outbox.

   The outbox: lines sent and not yet acknowledged, kept in this tab (sessionStorage, per room AND per
   person: on a shared computer another person signing in in this tab must not send them as theirs)
   across drops and reloads. Each line has its client id, so a line sent again is stored once (chat.ack
   answers both sends). A line is sent again after every resume, and at a pong when it has waited
   RESEND_AFTER without an answer; a refused line offers Resend and Discard. */

import { t } from "../i18n.js";
import { $, root, d, me, conn, el, clear, button, send, sayAt, whyNot } from "./common.js";
import { news } from "./tabs.js";
import { countMessage } from "./queue.js";
import { tableById, onTablesChanged } from "./tables.js";

const OUTBOX_KEY = "room" + d.roomId + ":user" + d.userId + ":outbox";
const RESEND_AFTER = 10000;  // a line unacknowledged this long is sent again at the next pong (its id keeps it single)

/* --- chat --- */
function chatItem(seq, authorId, author, body, tableNumber) {
  const li = el("li");
  li.dataset.seq = seq;
  if (authorId) li.dataset.authorId = authorId;
  if (tableNumber) li.appendChild(el("span", "badge table-badge", t("TableN", { n: tableNumber })));
  const name = el(me.isFacilitator && authorId && authorId !== me.id ? "button" : "span", "chat-author", author);
  if (name.tagName === "BUTTON") {  // the author's name opens the moderation tools for them
    name.type = "button";
    name.dataset.action = "member.tools";
    name.dataset.userId = authorId;
    name.dataset.name = author;
    name.setAttribute("aria-expanded", "false");
  }
  li.appendChild(name);
  li.appendChild(document.createTextNode(" "));
  li.appendChild(el("span", "chat-body", body));
  if (me.isFacilitator) {
    li.appendChild(document.createTextNode(" "));
    li.appendChild(button(t("Hide"), "chat.hide", { seq: seq }, "link-like"));
  }
  return li;
}
function appendTo(list, li) {
  const empty = list.querySelector(".chat-empty");
  if (empty) empty.remove();
  const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 60;
  list.appendChild(li);
  if (nearBottom) list.scrollTop = list.scrollHeight;
}
function addChat(seq, data) {
  countMessage(data.author_id);
  if (data.table_id) {
    const table = tableById(data.table_id);
    const mineTable = data.table_id === me.tableId;
    const list = mineTable ? $("table-chat-list") : $("fac-table-chat-list");
    if (!mineTable && !me.isFacilitator) return;
    list.hidden = false;
    if (!mineTable) $("fac-table-chat-title").hidden = false;
    appendTo(list, chatItem(seq, data.author_id, data.author, data.body, mineTable ? null : (table && table.number)));
    news("table");
    return;
  }
  appendTo($("chat-list"), chatItem(seq, data.author_id, data.author, data.body));
  news("chat");
}
function decorateHistory() {  // the messages the page came with get the same tools as live ones
  if (!me.isFacilitator) return;
  const items = document.querySelectorAll("#chat-list li[data-seq]");
  for (let i = 0; i < items.length; i++) {
    const li = items[i], author = li.querySelector(".chat-author"), body = li.querySelector(".chat-body");
    li.parentNode.replaceChild(chatItem(li.dataset.seq, parseInt(li.dataset.authorId, 10), author.textContent,
                                        body.textContent), li);
  }
}

/* --- the outbox --- */
let outbox = (() => {
  try {
    const saved = JSON.parse(sessionStorage.getItem(OUTBOX_KEY));
    return Array.isArray(saved) ? saved : [];
  } catch (err) { return []; }
})();
function saveOutbox() {  // failures (private mode, full storage) only forget across reloads
  try {
    if (outbox.length) sessionStorage.setItem(OUTBOX_KEY, JSON.stringify(outbox));
    else sessionStorage.removeItem(OUTBOX_KEY);
  } catch (err) { /* kept in memory */ }
}
function newClientId() {  // a random UUID (v4); crypto.randomUUID needs https, getRandomValues does not
  const bytes = new Uint8Array(16);
  let hex = "";
  window.crypto.getRandomValues(bytes);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  for (let i = 0; i < 16; i++) hex += ("0" + bytes[i].toString(16)).slice(-2);
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
}
function wellFormed(text) {  // a lone surrogate (a broken emoji) would be refused: replaced by U+FFFD
  if (text.toWellFormed) return text.toWellFormed();
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
                      (all, before) => (before || "") + "\uFFFD");
}
export function renderOutbox() {
  ["chat-pending", "table-chat-pending"].forEach((id) => {
    if ($(id)) { clear($(id)); $(id).hidden = true; }
  });
  outbox.forEach((entry) => {
    const atTable = entry.table && $("my-table") && !$("my-table").hidden;
    const list = $(atTable ? "table-chat-pending" : "chat-pending");
    if (!list) return;
    const li = el("li", "chat-pending-item" + (entry.refused ? " is-refused" : ""));
    li.dataset.clientId = entry.id;
    li.appendChild(el("span", "chat-body", entry.body));
    li.appendChild(document.createTextNode(" "));
    li.appendChild(el("span", "pending-state", entry.refused ? t("NotSent", { reason: entry.refused })
                                                             : t("Sending")));
    if (entry.refused) {  // not data-action: these work offline too
      [["Resend", "resend"], ["Discard", "discard"]].forEach((pair) => {
        const b = el("button", "button small link-like", t(pair[0]));
        b.type = "button";
        b.dataset.outbox = pair[1];
        b.dataset.clientId = entry.id;
        li.appendChild(document.createTextNode(" "));
        li.appendChild(b);
      });
    }
    list.appendChild(li);
    list.hidden = false;
  });
}
function transmit(entry) {  // on an open, resumed socket now; otherwise after the next hello
  if (!conn.ready) return;
  const data = { body: entry.body, client_id: entry.id };
  entry.sentAt = Date.now();
  if (entry.table) data.table = true;
  send("chat.send", data);
}
/** After a resume: every line not refused goes again (a stored one is only acknowledged). */
export function flushOutbox() {
  outbox.forEach((entry) => { if (!entry.refused) transmit(entry); });
}
/** At a pong: a frame that failed on the server (an "internal" error names no line) is not lost. */
export function resendOverdue() {
  const now = Date.now();
  outbox.forEach((entry) => {
    if (!entry.refused && (!entry.sentAt || now - entry.sentAt > RESEND_AFTER)) transmit(entry);
  });
}
/** The room will not take them (a final close): offer resend/discard. */
export function refuseAllPending(reason) {
  outbox.forEach((entry) => { if (!entry.refused) entry.refused = reason; });
  saveOutbox();
  renderOutbox();
}
function findEntry(clientId) {
  for (let i = 0; i < outbox.length; i++) if (outbox[i].id === clientId) return outbox[i];
  return null;
}
function sendChat(input, toTable) {
  const body = wellFormed(input.value.trim()), why = whyNot("chat");
  if (why) { sayAt(input.form, why); return; }  // Enter in a chat that is closed now: the text stays
  if (!body || me.muted || d.state === "ended") return;
  const entry = { id: newClientId(), body: body, table: !!toTable, refused: "" };
  outbox.push(entry);
  saveOutbox();
  renderOutbox();
  input.value = "";  // the line is in the outbox now, shown as "sending…" until the server has it
  transmit(entry);
}
/** chat.ack: the server has the line (stored now, or before: the same client id). */
export function chatAcked(data) {
  outbox = outbox.filter((entry) => entry.id !== data.client_id);
  saveOutbox();
  renderOutbox();
}
/** chat.refused: the line stays, with the reason, Resend and Discard. */
export function chatRefused(data) {
  const entry = findEntry(data.client_id);
  sayAt($(entry && entry.table && $("table-chat-form") ? "table-chat-form" : "chat-form"), data.message);
  if (!entry) return;
  entry.refused = data.message || data.code || "?";
  saveOutbox();
  renderOutbox();
}

export const handlers = {
  "chat.message": (type, data, seq) => { addChat(seq, data); },
  "chat.hidden": (type, data) => {
    const li = document.querySelector('.chat-list li[data-seq="' + data.seq + '"]');
    if (li) li.remove();
  },
};

export const actions = {
  "chat.hide": (b) => {
    const reason = window.prompt(t("ReasonHide"));
    if (reason && reason.trim()) send("chat.hide", { seq: +b.dataset.seq, reason: reason.trim() });
  },
};

function onSubmit(id, work) {
  const form = $(id);
  if (form) form.addEventListener("submit", (event) => { event.preventDefault(); work(form); });
}
function enterSends(id, formId) {  // Enter sends, Shift+Enter makes a new line
  const input = $(id);
  if (input) input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {  // not while composing Hangul
      event.preventDefault();
      if ($(formId).requestSubmit) $(formId).requestSubmit();
      else $(formId).dispatchEvent(new Event("submit"));
    }
  });
}

export function initChat() {
  root.addEventListener("click", (event) => {
    const b = event.target.closest("[data-outbox]");
    if (!b) return;
    const entry = findEntry(b.dataset.clientId);
    if (!entry) return;
    if (b.dataset.outbox === "discard") outbox.splice(outbox.indexOf(entry), 1);
    else entry.refused = "";
    saveOutbox();
    renderOutbox();
    if (b.dataset.outbox === "resend") transmit(entry);
  });
  onSubmit("chat-form", () => { sendChat($("chat-body"), false); });
  onSubmit("table-chat-form", () => { sendChat($("table-chat-body"), true); });
  enterSends("chat-body", "chat-form");
  enterSends("table-chat-body", "table-chat-form");
  // a table line left over when the tables close is shown under the plenary's chat
  onTablesChanged(renderOutbox);
  decorateHistory();
  renderOutbox();  // lines left unacknowledged before a reload: sent again after the hello
}
