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
  if (using) origins[type] = using;  // sent by the user's click or submit: a refusal is said there
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
  gateControls();
}
/** After the round or my standing changed: the connection's part as it is, the room state's part again. */
export function refreshControls() { enableControls(isOpen()); }

/* --- what a citizen's controls may do now, and why not ---
   The round as the page last heard it (the page's data, the hello, the round frames). A control that
   cannot be used now is disabled and its note says why; the server still decides (rules.py), and a
   refusal from it is said in the same note (sayAt). */
export const live = { round: d.roundState ? { state: d.roundState, kind: d.roundKind, speakers: d.roundSpeakers,
                                              chat_open: d.roundChatOpen === "1" } : null };

function roundRuns() { return d.state === "live" && !!live.round && live.round.state === "running"; }
/** The reason ``what`` ("chat", "hand", "move_on") cannot be used now, or "" when it can. The same rules
    as deliberation/rooms/rules.py (refuse_chat, refuse_hand, the clock's no_round), in the same words. */
export function whyNot(what) {
  if (me.isFacilitator) return "";
  if (d.state === "ended") return t("WhyEnded");
  if (what !== "move_on" && me.observer) return t(what === "chat" ? "WhyObserverChat" : "WhyObserverHand");
  if (what !== "move_on" && me.muted) return t("WhyMuted");
  if (what === "chat") {
    if (!roundRuns()) return t("WhyChatNoRound");
    if (!live.round.chat_open || live.round.kind === "break") return t("WhyChatClosed");
  } else if (what === "hand") {
    if (!roundRuns()) return t("WhyHandNoRound");
    if (live.round.speakers !== "queue" && live.round.speakers !== "everyone") return t("WhyHandSpeakers");
  } else if (what === "move_on") {
    const r = live.round;
    if (d.state !== "live" || !r || (r.state !== "running" && r.state !== "paused")) return t("WhyNoRound");
  }
  return "";
}
const GATED = [["chat", "#chat-form [type=submit]"], ["chat", "#table-chat-form [type=submit]"],
               ["hand", "#raise-hand"], ["move_on", "#move-on"]];
/* The facilitator's clock: only the moves the round's state allows (the server's ClockError otherwise); the
   row's note says why the others are greyed out. */
function gateClock() {
  const row = root.querySelector(".control-buttons");
  if (!row) return;
  const state = d.state === "live" && live.round ? live.round.state : "";
  const running = state === "running", paused = state === "paused";
  const pendingLeft = !!root.querySelector("#agenda li.round-pending");
  const allowed = { "clock.start": !running && !paused && pendingLeft, "clock.pause": running, "clock.resume": paused,
                    "clock.adjust": running || paused, "clock.skip": running || paused };
  const buttons = row.querySelectorAll("[data-frame]");
  for (let i = 0; i < buttons.length; i++) {
    if (allowed[buttons[i].dataset.frame] === false) buttons[i].disabled = true;
  }
  const why = running || paused ? t("WhyRoundRuns") : (pendingLeft ? t("WhyNoRound") : t("WhyNoRoundLeft"));
  setText(noteFor(row).querySelector(".control-why"), d.state === "ended" ? "" : why);
}
function gateControls() {
  gateClock();
  GATED.forEach((pair) => {
    const control = root.querySelector(pair[1]);
    if (!control) return;
    const why = whyNot(pair[0]);
    if (why) control.disabled = true;
    setText(noteFor(control).querySelector(".control-why"), why);
  });
}

/* --- a refusal said next to the control that was used ---
   Each control's note is a <p class="control-note"> after it (or after its form), tied to it with
   aria-describedby: .control-why (why it is disabled; not announced, it follows the room's state) and
   .control-refusal (what the server refused; announced politely). The template writes the notes of the
   page's own controls (a form, a button or a row of buttons names its note with data-note); a button made
   later gets one when it first needs it. */
const origins = {};  // frame type -> the control that last sent one
let using = null;    // the control being used in the event being handled now
let notes = 0;
export function noteFor(control) {
  const host = control.closest("form, [data-note]") || control;
  let note = host.dataset.note ? $(host.dataset.note) : null;
  if (!note) {
    note = el("p", "control-note");
    note.id = "control-note-" + (++notes);
    note.appendChild(el("span", "control-why"));
    note.appendChild(el("span", "control-refusal")).setAttribute("aria-live", "polite");
    host.parentNode.insertBefore(note, host.nextSibling);
    host.dataset.note = note.id;
  }
  [control, host].concat(Array.prototype.slice.call(host.querySelectorAll("textarea, input, button"))).forEach((c) => {
    const ids = (c.getAttribute("aria-describedby") || "").split(" ").filter((id) => id);
    if (ids.indexOf(note.id) < 0) c.setAttribute("aria-describedby", ids.concat([note.id]).join(" "));
  });
  return note;
}
/** Say ``message`` in the note of ``control`` (a button or a form), as a refusal. */
export function sayAt(control, message) {
  const said = noteFor(control).querySelector(".control-refusal");
  setText(said, "");
  // a live region just made (or just emptied) is read out when its text comes a moment later
  setTimeout(() => { setText(said, message || ""); }, 60);
}
/** An error frame answering a frame of type ``type``: said at the control that sent it. False when that
    control is gone from the page (the caller says it in the status line instead). */
export function refuseAt(type, message) {
  const control = type && origins[type];
  if (!control || !document.contains(control)) return false;
  sayAt(control, message);
  return true;
}
/** Every refusal said so far goes (a new round: they were about the last one). */
export function clearRefusals() {
  const said = root.querySelectorAll(".control-refusal");
  for (let i = 0; i < said.length; i++) setText(said[i], "");
}
export function trackControls() {
  const mark = (event) => {
    // a click on a button, or a form's submit (a click in a text field is not a use)
    const control = event.target.closest && event.target.closest(event.type === "click" ? "button" : "form");
    if (!control) return;
    using = control;
    const host = control.closest("form, [data-note]") || control;
    const note = host.dataset.note ? $(host.dataset.note) : null;
    if (note) setText(note.querySelector(".control-refusal"), "");  // used again: the old refusal goes
    setTimeout(() => { using = null; }, 0);
  };
  root.addEventListener("click", mark, true);
  root.addEventListener("submit", mark, true);
}
