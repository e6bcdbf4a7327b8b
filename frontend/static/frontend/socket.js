/* One WebSocket kept open for a page: the room (room.js) and a vote's live results (vote_live.js).
   Protocol and close codes: docs/realtime-protocol.md. No build step, no dependency.

   - Reconnects after any close but a final one, with exponential backoff (1 s doubling to 30 s, +-25 %
     jitter); the count of attempts starts again once a connection has stayed up STABLE_AFTER.
   - Final close codes (4401 unauthenticated, 4403 forbidden, 4404 not found): no reconnecting.
     4429 (too many connections): try again after a minute at the soonest. 4013 ("try again later":
     Redis or the database away) and abnormal closes (1006, 1011) reconnect with backoff.
   - A ping every 25 s; no pong within 10 s and the connection is taken for dead and replaced
     (a dead network may take minutes to report a close). Going offline drops the socket at once,
     coming back online or a phone waking up (visibilitychange) reconnects at once.
   - The status line: "Connection lost. Reconnecting… (attempt N)", or "You are offline…", or the
     server's last refusal while 4429 keeps it waiting; "Reconnected." for a few seconds once it is back.
   What a frame means is the page's business: options.onFrame gets every frame, pongs included. */

import { t } from "./i18n.js";

export const FINAL_CLOSE = [4401, 4403, 4404];
export const TOO_MANY = 4429;
export const TRY_LATER = 4013;
const TOO_MANY_WAIT = 60000;
const PING_EVERY = 25000, PONG_WAIT = 10000, STABLE_AFTER = 10000, RETRY_MAX = 30000, RECONNECTED_FOR = 3000;

/**
 * Open a socket on path (e.g. "/ws/rooms/3/") and keep it open. Options, all optional but onFrame:
 *   onFrame(frame)        every frame parsed from JSON (a bad frame is dropped, it must not stop the page)
 *   onOpen()              the socket is open (the ping timer runs)
 *   onDown()              the socket is gone (closed or dropped), whether or not it comes back
 *   onFinal(message)      it will not come back: a final close code while running, or a close after stop();
 *                         message is the server's last error message (see refused()) or ""
 *   onConnecting()        a new socket is being opened
 *   onStatus(text, ok)    the connection's status for a live region ("" clears it; ok: it is back)
 * Returns { send, isOpen, ping, drop, stop, connected, refused, get stopped, get attempt }.
 */
export function keepSocket(path, options) {
  const on = options || {};
  let ws = null, attempt = 0, stopped = false, wasDown = false, lastError = "";
  let retryTimer = null, pingTimer = null, pongTimer = null, stableTimer = null, statusTimer = null;

  function status(text, ok) {
    clearTimeout(statusTimer);
    if (on.onStatus) on.onStatus(text || "", !!ok);
  }
  function isOpen() { return !!ws && ws.readyState === WebSocket.OPEN; }
  function send(type, data) {
    if (!isOpen()) return false;
    ws.send(JSON.stringify({ type: type, data: data || {} }));
    return true;
  }
  function ping() {
    if (!send("ping", {})) return;
    clearTimeout(pongTimer);
    pongTimer = setTimeout(drop, PONG_WAIT);  // a silent connection is a dead one
  }
  function stopTimers() {
    clearInterval(pingTimer);
    clearTimeout(pongTimer);
  }
  function drop() {  // give up on this socket now: a dead network may take minutes to report it closed
    if (!ws) return;
    const old = ws;
    ws = null;
    old.onclose = old.onmessage = null;
    try { old.close(); } catch (err) { /* already closing */ }
    stopTimers();
    if (on.onDown) on.onDown();
    scheduleReconnect(0);
  }
  function connect() {
    clearTimeout(retryTimer);
    if (stopped) return;
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    if (on.onConnecting) on.onConnecting();
    ws = new WebSocket(scheme + location.host + path);
    ws.onmessage = (event) => {
      let frame;
      try { frame = JSON.parse(event.data); } catch (err) { return; }  // a bad frame must not stop the page
      if (frame && frame.type === "pong") clearTimeout(pongTimer);
      try { on.onFrame(frame); } catch (err) { if (window.console) console.error(err); }
    };
    ws.onopen = () => {
      clearInterval(pingTimer);
      pingTimer = setInterval(ping, PING_EVERY);
      if (on.onOpen) on.onOpen();
    };
    ws.onclose = (event) => {
      stopTimers();
      ws = null;
      if (FINAL_CLOSE.indexOf(event.code) >= 0) stopped = true;
      if (on.onDown) on.onDown();
      if (stopped) { clearTimeout(statusTimer); if (on.onFinal) on.onFinal(lastError); return; }
      scheduleReconnect(event.code === TOO_MANY ? TOO_MANY_WAIT : 0);
    };
  }
  function scheduleReconnect(atLeast) {  // any close but a final one (1006, 1011, 4013 "try again later", ...)
    if (stopped) return;
    clearTimeout(stableTimer);
    clearTimeout(retryTimer);
    let wait = Math.min(RETRY_MAX, 1000 * Math.pow(2, attempt) * (0.75 + Math.random() * 0.5));  // jitter +-25 %
    wait = Math.max(wait, atLeast || 0);  // 4429: the person's other tabs hold the seats; ask rarely
    attempt += 1;
    wasDown = true;
    status(atLeast && lastError ? lastError
           : navigator.onLine === false ? t("Offline") : t("ReconnectingN", { n: attempt }));
    retryTimer = setTimeout(connect, wait);
  }
  /** The page has what it needs from this socket (the room's hello): clear the status, "Reconnected."
      after a drop, and start the count of attempts again once the socket has stayed up a while. */
  function connected() {
    clearTimeout(stableTimer);
    stableTimer = setTimeout(() => { attempt = 0; }, STABLE_AFTER);
    lastError = "";
    if (wasDown && t("Reconnected")) {
      status(t("Reconnected"), true);
      statusTimer = setTimeout(() => status(""), RECONNECTED_FOR);
    } else {
      status("");
    }
    wasDown = false;
  }
  /** The server refused something with this message (an error frame): shown if the socket then closes. */
  function refused(message) { lastError = message || ""; }
  /** Nothing will change any more: no reconnecting. close: close the socket now too (quietly). */
  function stop(close) {
    stopped = true;
    if (!close || !ws) return;
    const old = ws;
    ws = null;
    old.onclose = old.onmessage = null;
    try { old.close(); } catch (err) { /* closing */ }
    stopTimers();
  }

  window.addEventListener("offline", () => { status(t("Offline")); drop(); });
  window.addEventListener("online", () => { attempt = 0; if (!ws) connect(); });
  document.addEventListener("visibilitychange", () => {  // a phone back from sleep checks at once
    if (document.visibilityState !== "visible" || stopped) return;
    if (isOpen()) ping();
    else if (!ws) { attempt = 0; connect(); }
  });
  connect();

  return {
    send, isOpen, ping, drop, stop, connected, refused,
    get stopped() { return stopped; },
    get attempt() { return attempt; },
  };
}
