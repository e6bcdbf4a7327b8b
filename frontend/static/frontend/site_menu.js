// The site menu: a <details> that works without this module (docs/accessibility.md, "The shell").
// This module only adds comforts: on a desktop the menu is always open (the links sit inline, even in
// browsers without ::details-content); on a phone Escape closes it and gives focus back to its button,
// and a tap outside it closes it. <summary> already tells screen
// readers whether the menu is expanded, so no aria-expanded is needed.

const DESKTOP = window.matchMedia("(min-width: 60rem)");

function enhance(menu) {
  const button = menu.querySelector(":scope > summary");
  const follow = () => { menu.open = DESKTOP.matches; };
  follow();
  DESKTOP.addEventListener("change", follow);

  menu.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || DESKTOP.matches) return;
    if (menu.open) {
      menu.open = false;
      button.focus();
    }
  });
  document.addEventListener("click", (event) => {
    if (!DESKTOP.matches && menu.open && !menu.contains(event.target)) menu.open = false;
  });
}

function closeOnEscape(details) {
  // A dropdown inside the menu (the account menu): Escape closes it and returns to its summary (before
  // the menu's own handler sees the key), and a click elsewhere closes it.
  details.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && details.open) {
      details.open = false;
      details.querySelector(":scope > summary").focus();
      event.stopPropagation();
    }
  });
  document.addEventListener("click", (event) => {
    if (details.open && !details.contains(event.target)) details.open = false;
  });
}

document.querySelectorAll("[data-site-menu]").forEach(enhance);
document.querySelectorAll("[data-site-menu] details").forEach(closeOnEscape);
