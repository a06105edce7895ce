/* Accessibility fixes for the theme, found by axe-core (tests/site/test_accessibility.py).
   Done here rather than by copying the theme's templates, so a theme upgrade keeps them.
   - The search panel is a dialog with no name: give it one.
   - A wide table scrolls sideways inside a box that a keyboard could not reach:
     make each such box focusable, and give it a name of its own (the heading above it),
     so a screen reader can tell the tables apart.
   - A section of the menu that has its own index page is named by an empty label
     (the open/close arrow), so on a phone several menus had no name: name the
     arrow after its section. */
(function () {
  "use strict";

  function headingAbove(node) {
    for (var at = node.previousElementSibling; at; at = at.previousElementSibling) {
      if (/^H[1-6]$/.test(at.tagName)) {
        return at.textContent.replace("¶", "").trim();
      }
    }
    return document.title;
  }

  function fix() {
    document.querySelectorAll('.md-search[role="dialog"]:not([aria-label])').forEach(function (dialog) {
      dialog.setAttribute("aria-label", "Search this site");
    });
    document.querySelectorAll("nav.md-nav[aria-labelledby]").forEach(function (nav) {
      var label = document.getElementById(nav.getAttribute("aria-labelledby"));
      var title = nav.querySelector(":scope > .md-nav__title");
      if (label && title && !label.textContent.trim() && !label.hasAttribute("aria-label")) {
        label.setAttribute("aria-label", title.textContent.trim());
      }
    });
    var used = {};
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (box) {
      var name = "Table under “" + headingAbove(box) + "”";
      used[name] = (used[name] || 0) + 1;
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", used[name] > 1 ? name + " (" + used[name] + ")" : name);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fix);
  } else {
    fix();
  }
})();
