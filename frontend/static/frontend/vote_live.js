/* Live results on a vote's page: the turnout (and the counts, where the vote shows them) over a read-only
   WebSocket kept open by ./socket.js (the room's: backoff, ping, final close codes). Protocol:
   docs/realtime-protocol.md "Live vote results". A native ES module, no build step.

   DOM contract (the template provides it):
   - a container [data-live-results] with data-ws-url (a path such as /ws/votes/12/) and optionally
     data-eligible (how many people may vote); the connection's status is shown in an optional
     [data-live-status] (strings from the page's json_script blob, ./i18n.js);
   - inside it [data-live-turnout] (the number of ballots) and optionally [data-live-turnout-bar]
     (a .progress-fill whose width is ballots / eligible);
   - per option [data-live-count="<position>"] (its count) and [data-live-bar="<position>"], whose
     width is the option's share of the ballots cast (so bars compare with the published shares; in a
     multiple-choice or budget vote they may add up to more than 100 %);
   - [data-live-closed], shown (hidden removed) when the vote closes; the page is not reloaded for the
     reader, who reloads for the results when they choose.
   Counts are state: every frame replaces what is shown, and a reconnect gets a fresh snapshot. */

import { keepSocket } from "./socket.js";

const root = document.querySelector("[data-live-results]");
if (root && root.dataset.wsUrl && "WebSocket" in window) start(root);

function start(root) {
  const eligible = parseInt(root.dataset.eligible, 10) || 0;
  let shown = -1;  // ballots shown; a frame with fewer is older than what is on the page
  const number = window.Intl ? new Intl.NumberFormat(document.documentElement.lang || undefined) : null;

  const fmt = (n) => (number ? number.format(n) : String(n));
  const pct = (part, whole) => (whole > 0 ? Math.min(100, Math.round(1000 * part / whole) / 10) : 0);
  const each = (selector, fn) => root.querySelectorAll(selector).forEach(fn);
  const status = (text) => each("[data-live-status]", (node) => { node.textContent = text || ""; node.hidden = !text; });

  function apply(data) {
    if (!data || typeof data.ballots !== "number" || data.ballots < shown) return;
    shown = data.ballots;
    each("[data-live-turnout]", (node) => { node.textContent = fmt(data.ballots); });
    if (eligible) {
      each("[data-live-turnout-bar]", (node) => {
        node.style.width = pct(data.ballots, eligible) + "%";
        const bar = node.closest("[role=progressbar]");
        if (bar) bar.setAttribute("aria-valuenow", String(data.ballots));
      });
    }
    if (!data.counts) return;  // hidden until the tally
    each("[data-live-count]", (node) => {
      const n = data.counts[node.getAttribute("data-live-count")];
      if (typeof n === "number") node.textContent = fmt(n);
    });
    each("[data-live-bar]", (node) => {
      const n = data.counts[node.getAttribute("data-live-bar")];
      if (typeof n === "number") node.style.width = pct(n, data.ballots) + "%";
    });
  }

  const socket = keepSocket(root.dataset.wsUrl, {
    onFrame: (frame) => {
      if (frame.type === "vote.snapshot" || frame.type === "vote.updated") apply(frame.data);
      else if (frame.type === "vote.closed") {
        apply(frame.data);
        each("[data-live-closed]", (node) => { node.hidden = false; });
        socket.stop(true);  // nothing changes any more: no reconnecting
        status("");
      }
    },
    onOpen: () => { socket.connected(); },
    onStatus: status,
  });
}
