// The governance dashboard's live figures: a socket to /ws/dashboard/ (docs/realtime-protocol.md
// "Governance dashboard"); each indicator.updated frame replaces one card's figure, table and bars.
const root = document.getElementById("dashboard");

function redraw(card, data, flash) {
  const value = card.querySelector("[data-value]");
  if (value) value.textContent = data.applies ? data.shown : "–";
  const body = card.querySelector("[data-rows]");
  if (body) {
    body.replaceChildren(...data.rows.map(([label, , shown]) => {
      const tr = document.createElement("tr");
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = label;
      const td = document.createElement("td");
      td.textContent = shown;
      tr.append(th, td);
      return tr;
    }));
  }
  const svg = card.querySelector("[data-chart]");
  if (svg) {
    const rects = svg.querySelectorAll("rect");
    const values = data.rows.map(([, v]) => (v === null ? 0 : Number(v)));
    const top = Math.max(1, ...values);
    const height = svg.viewBox.baseVal.height;
    if (rects.length === values.length) {
      rects.forEach((rect, i) => {
        const h = values[i] ? Math.max(1, (height * values[i]) / top) : 0;
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
