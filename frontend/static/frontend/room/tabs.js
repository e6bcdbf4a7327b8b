/* Tabs: one section at a time on a phone, all of them side by side on a wide screen; a dot on a tab
   that has news while another one is shown. */

import { $, root, me, store } from "./common.js";

let tabs = null;
let quiet = false;  // true while the snapshot is applied: it is not news

export function setQuiet(on) { quiet = on; }

export function showTab(name, focus) {
  const buttons = tabs.querySelectorAll("[data-tab]");
  for (let i = 0; i < buttons.length; i++) {
    const on = buttons[i].dataset.tab === name;
    buttons[i].setAttribute("aria-selected", on ? "true" : "false");
    buttons[i].tabIndex = on ? 0 : -1;
    if (on) buttons[i].classList.remove("has-news");
    if (on && focus) buttons[i].focus();
    $("panel-" + buttons[i].dataset.tab).classList.toggle("is-active", on);
  }
  store("tab", name);
}

export function news(name) {  // a dot on a tab that changed while another one is shown
  if (quiet) return;
  const tab = tabs.querySelector('[data-tab="' + name + '"]');
  if (tab && tab.getAttribute("aria-selected") !== "true") tab.classList.add("has-news");
}

export function initTabs() {
  tabs = $("room-tabs");
  tabs.hidden = false;
  root.classList.add("has-tabs");
  tabs.addEventListener("click", (event) => {
    const tab = event.target.closest("[data-tab]");
    if (tab) showTab(tab.dataset.tab);
  });
  tabs.addEventListener("keydown", (event) => {  // arrow keys move between tabs (WAI-ARIA tabs)
    if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
    const all = Array.prototype.slice.call(tabs.querySelectorAll("[data-tab]"));
    const at = all.indexOf(document.activeElement);
    if (at < 0) return;
    const next = all[(at + (event.key === "ArrowRight" ? 1 : all.length - 1)) % all.length];
    showTab(next.dataset.tab, true);
  });
  let savedTab = store("tab");
  if (location.hash === "#chat") savedTab = "chat";  // back from the form's own post (chat_post)
  showTab(savedTab && $("panel-" + savedTab) ? savedTab : (me.isFacilitator ? "run" : "chat"));
  const wide = window.matchMedia ? window.matchMedia("(min-width: 60rem)") : null;
  function onWidth() {  // a wide screen shows the chat beside every section, so the chat is no tab there
    if (wide && wide.matches && $("tab-chat").getAttribute("aria-selected") === "true") {
      showTab(me.isFacilitator ? "run" : "queue");
    }
  }
  if (wide) {
    onWidth();
    if (wide.addEventListener) wide.addEventListener("change", onWidth);
  }
}
