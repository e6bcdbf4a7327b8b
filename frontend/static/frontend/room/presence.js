/* People: who is present (at most the 200 the server lists, and how many in all), at which table;
   the facilitator's tools for each person (invite, mute, remove). */

import { t } from "../i18n.js";
import { $, me, setText, el, clear, button, notice, send, isOpen, enableControls } from "./common.js";
import { tableById, onTablesChanged } from "./tables.js";

let people = {}, presentCount = null;
const muted = {};

export function applyPresence(members, count, replace) {
  if (replace) people = {};
  (members || []).forEach((m) => {
    if (m.muted !== undefined) { if (m.muted) muted[m.user_id] = true; else delete muted[m.user_id]; }
    if (m.present === false) delete people[m.user_id];
    else people[m.user_id] = m;
    if (m.user_id === me.id && m.table_id !== undefined && m.present !== false) me.tableId = m.table_id;
  });
  presentCount = typeof count === "number" ? count : Object.keys(people).length;
  renderPeople();
}
export function renderPeople() {
  setText($("presence-count"), presentCount === null ? "" : t("Present", { n: presentCount }));
  const list = $("presence-list");
  clear(list);
  Object.keys(people).map((k) => people[k])
    .sort((a, b) => (a.table_id || 0) - (b.table_id || 0) || a.name.localeCompare(b.name))
    .forEach((m) => {
      const li = el("li", "person"), table = m.table_id ? tableById(m.table_id) : null;
      li.dataset.userId = m.user_id;
      li.appendChild(el("span", "person-name", m.name + (m.user_id === me.id ? " " + t("You") : "")));
      if (m.role === "observer") li.appendChild(el("span", "badge", t("Observer")));
      if (muted[m.user_id]) li.appendChild(el("span", "badge state-hidden", t("Muted")));
      if (table) li.appendChild(el("span", "badge table-badge", t("TableN", { n: table.number })));
      if (me.isFacilitator && m.user_id !== me.id) li.appendChild(memberTools(m.user_id, m.name));
      list.appendChild(li);
    });
  const unlisted = (presentCount || 0) - list.childNodes.length;  // a big room lists only some of its people
  if (unlisted > 0) list.appendChild(el("li", "small more-people", t("MorePeople", { n: unlisted })));
}
export function memberTools(userId, name) {
  const tools = el("span", "member-tools"), attrs = { userId: userId, name: name };
  tools.appendChild(button(t("Invite"), "floor.invite", attrs));
  tools.appendChild(button(muted[userId] ? t("Unmute") : t("Mute"), muted[userId] ? "member.unmute" : "member.mute", attrs));
  tools.appendChild(button(t("Remove"), "member.remove", attrs, "danger"));
  return tools;
}
export function setMuted(data, on, silently) {
  if (on) muted[data.user_id] = true; else delete muted[data.user_id];
  renderPeople();
  if (data.user_id !== me.id) return;
  me.muted = on;
  if (!silently || on) notice(on ? t("MutedYou") : t("UnmutedYou"));
  enableControls(isOpen());
}

export const handlers = {
  "presence.updated": (type, data) => { applyPresence(data.members, data.count, false); },
  "member.muted": (type, data) => { setMuted(data, true); },
  "member.unmuted": (type, data) => { setMuted(data, false); },
  "member.removed": (type, data) => {
    delete people[data.user_id];
    renderPeople();
  },
};

export const actions = {
  "member.tools": (b) => {  // the chat author's name: show or hide their moderation tools
    const open = b.parentNode.querySelector(".member-tools");
    b.setAttribute("aria-expanded", open ? "false" : "true");
    if (open) open.remove();
    else b.parentNode.appendChild(memberTools(+b.dataset.userId, b.dataset.name));
  },
  "member.mute": (b) => { send("member.mute", { user_id: +b.dataset.userId }); },
  "member.unmute": (b) => { send("member.unmute", { user_id: +b.dataset.userId }); },
  "member.remove": (b) => {
    const reason = window.prompt(t("ReasonRemove", { name: b.dataset.name }));
    if (reason && reason.trim()) send("member.remove", { user_id: +b.dataset.userId, reason: reason.trim() });
  },
};

export function initPresence() { onTablesChanged(renderPeople); }
