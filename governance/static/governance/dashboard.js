// The governance dashboard's live figures: a socket to /ws/dashboard/ (docs/realtime-protocol.md
// "Governance dashboard"); each indicator.updated frame replaces one card's figure, table and bars.
const root = document.getElementById("dashboard");

function redraw(card, data, flash) {
  const value = card.querySelector("[data-value]");
  if (value) value.textContent = data.applies ? data.shown : "–";
  // The table is one column per month or category: a header row of labels, a row of values.
  const values = card.querySelector("[data-rows]");
  const labels = values && values.closest("table").querySelector("thead tr");
  if (values && labels) {
    const cell = (tag, text, scope) => {
      const el = document.createElement(tag);
      if (scope) el.scope = scope;
      el.textContent = text;
      return el;
    };
    labels.replaceChildren(labels.firstElementChild, ...data.rows.map(([label]) => cell("th", label, "col")));
    values.replaceChildren(values.firstElementChild, ...data.rows.map(([, , shown]) => cell("td", shown)));
  }
  const svg = card.querySelector("[data-chart]");
  if (svg) {
    const rects = svg.querySelectorAll("rect");
    const amounts = data.rows.map(([, v]) => (v === null ? 0 : Number(v)));
    const top = Math.max(1, ...amounts);
    const height = svg.viewBox.baseVal.height;
    if (rects.length === amounts.length) {
      rects.forEach((rect, i) => {
        const h = amounts[i] ? Math.max(1, (height * amounts[i]) / top) : 0;
        rect.setAttribute("y", String(height - h));
        rect.setAttribute("height", String(h));
      });
    }
  }
  if (!flash) return;
  card.classList.add("dash-flash");
  setTimeout(() => card.classList.remove("dash-flash"), 1500);
}

function connect(delay) {
  if (!root || !root.dataset.liveUrl) return;
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const socket = new WebSocket(`${scheme}//${location.host}${root.dataset.liveUrl}`);
  let ping;
  socket.addEventListener("open", () => {
    delay = 1000;
    socket.send(JSON.stringify({ type: "resume" }));
    ping = setInterval(() => socket.send(JSON.stringify({ type: "ping" })), 30000);
  });
  socket.addEventListener("message", (event) => {
    const frame = JSON.parse(event.data);
    if (frame.type !== "indicator.updated" && frame.type !== "indicator.snapshot") return;
    const card = root.querySelector(`[data-indicator="${CSS.escape(frame.data.code)}"]`);
    if (card) redraw(card, frame.data, frame.type === "indicator.updated");
    root.dataset.liveState = "live";
  });
  socket.addEventListener("close", () => {
    clearInterval(ping);
    root.dataset.liveState = "reconnecting";
    setTimeout(() => connect(Math.min(delay * 2, 30000)), delay);
  });
}

connect(1000);
