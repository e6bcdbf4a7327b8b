// Similar projects while the title is typed (budget:similar): a list of submitted projects of the cycle
// whose titles look alike, so a citizen can join one instead of proposing it again. The form works the
// same without this module; it only adds the list. Its only words come from the page (the box's heading).

const DELAY_MS = 350;
const MIN_LENGTH = 2;

function enhance(box) {
  const input = document.getElementById("id_title");
  if (!input) return;
  const list = box.querySelector("ul");
  const url = box.dataset.url;
  const exclude = box.dataset.exclude || "";
  let timer = null;
  let asked = "";

  function show(results) {
    list.replaceChildren();
    for (const row of results) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = row.url;
      link.textContent = row.number ? `${row.number}. ${row.title}` : row.title;
      item.append(link);
      list.append(item);
    }
    box.hidden = results.length === 0;
  }

  async function ask() {
    const title = input.value.trim();
    if (title === asked) return;
    asked = title;
    if (title.length < MIN_LENGTH) { show([]); return; }
    const query = new URLSearchParams({ title });
    if (exclude) query.set("exclude", exclude);
    try {
      const response = await fetch(`${url}?${query}`, { headers: { Accept: "application/json" } });
      if (!response.ok || title !== asked) return;
      const data = await response.json();
      show(Array.isArray(data.results) ? data.results : []);
    } catch (err) {
      // Offline or the server is busy: no suggestions, the form still works.
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(ask, DELAY_MS);
  });
  if (input.value.trim()) ask();
}

const box = document.getElementById("similar-projects");
if (box) enhance(box);
