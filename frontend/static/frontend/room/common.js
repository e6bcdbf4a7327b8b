/* What every part of the room shares: the page's root and its data, who I am, small DOM helpers,
   the socket (set by the entry module, room.js) and the controls that need it.
   Text from the server is only ever set with textContent. */

import { t } from "../i18n.js";

export const root = document.getElementById("room");
export const d = root ? root.dataset : {};
export const $ = (id) => document.getElementById(id);

export const me = { id: parseInt(d.userId, 10) || null, isFacilitator: d.isFacilitator === "1", tableId: null,
                    muted: false, observer: false };

// ready: the hello came on this socket; everConnected: after a first hello the chat stays writable
// through drops (the outbox keeps the lines)
export const conn = { socket: null, ready: false, everConnected: false };

export function setText(node, text) { if (node && node.textContent !== text) node.textContent = text; }
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}
export function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
/** A small button for the click dispatcher in room.js (data-action), enabled while the room is live. */
export function button(label, action, attrs, className) {
  const b = el("button", "button small" + (className ? " " + className : ""), label);
  b.type = "button";
  b.dataset.action = action;
  for (const key in attrs) if (Object.prototype.hasOwnProperty.call(attrs, key)) b.dataset[key] = attrs[key];
  b.disabled = !isOpen();
  return b;
}

export function status(text) { setText($("room-status"), text || ""); }
export function banner(text, ok) {  // inside an aria-live region that is always on the page, so it is read out
  const node = $("room-banner");
  node.hidden = !text;
  node.classList.toggle("is-ok", !!ok);
  setText(node, text || "");
}
export function notice(text) {
  const node = $("my-notice");
  node.hidden = !text;
  setText(node, text || "");
}
export function store(key, value) {  // per room, in this browser; failures (private mode) only forget
  try {
    if (value === undefined) return JSON.parse(localStorage.getItem("room" + d.roomId + ":" + key));
    localStorage.setItem("room" + d.roomId + ":" + key, JSON.stringify(value));
  } catch (err) { return null; }
}
export function capitalized(word) { return word.charAt(0).toUpperCase() + word.slice(1); }

/* --- the socket --- */
export function isOpen() { return !!conn.socket && conn.socket.isOpen() && d.state !== "ended"; }
export function stopped() { return !conn.socket || conn.socket.stopped; }
export function send(type, data) {
  if (!conn.socket || !conn.socket.send(type, data)) { status(t("Reconnecting")); return false; }
  return true;
}
export function enableControls(on) {
  const buttons = root.querySelectorAll("[data-frame], [data-action], .needs-socket, #chat-form button");
  for (let i = 0; i < buttons.length; i++) {
    const chat = !!buttons[i].closest("#chat-form, #table-chat-form");
    const needsVoice = buttons[i].dataset.action === "queue.raise" || chat;
    // a chat line may be written while reconnecting: it waits in the outbox
    buttons[i].disabled = !(on || (chat && conn.everConnected && !stopped() && d.state !== "ended"))
      || (me.muted && needsVoice);
  }
}
