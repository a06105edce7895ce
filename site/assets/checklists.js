/* Checklists: keep each tick in this browser (localStorage), count the ticks,
   and run the "Print" and "Clear all ticks" buttons. Without this script the
   boxes still tick and print; only remembering and the buttons need it. */
(function () {
  "use strict";

  var PREFIX = "commission-checklist:";

  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null; /* storage switched off: ticks last until the page is left */
    }
  }

  function keyOf(box) {
    return PREFIX + box.getAttribute("data-checklist") + ":" + box.name;
  }

  function boxesOf(name) {
    return Array.prototype.slice.call(
      document.querySelectorAll('input[type="checkbox"][data-checklist="' + name + '"]')
    );
  }

  function showCount(name) {
    var boxes = boxesOf(name);
    var ticked = boxes.filter(function (box) { return box.checked; }).length;
    var text = ticked + " of " + boxes.length + " items ticked";
    document.querySelectorAll('.checklist-actions[data-checklist="' + name + '"] .checklist-status')
      .forEach(function (status) { status.textContent = text; });
  }

  function setUp() {
    var store = storage();
    var names = {};
    document.querySelectorAll('input[type="checkbox"][data-checklist]').forEach(function (box) {
      var name = box.getAttribute("data-checklist");
      names[name] = true;
      if (store && store.getItem(keyOf(box)) === "ticked") {
        box.checked = true;
      }
      box.addEventListener("change", function () {
        if (store) {
          if (box.checked) {
            store.setItem(keyOf(box), "ticked");
          } else {
            store.removeItem(keyOf(box));
          }
        }
        showCount(name);
      });
    });
    document.querySelectorAll(".checklist-actions").forEach(function (actions) {
      var name = actions.getAttribute("data-checklist");
      actions.querySelectorAll("button[data-action]").forEach(function (button) {
        button.hidden = false;
        button.addEventListener("click", function () {
          if (button.getAttribute("data-action") === "print") {
            window.print();
            return;
          }
          boxesOf(name).forEach(function (box) {
            box.checked = false;
            if (store) {
              store.removeItem(keyOf(box));
            }
          });
          showCount(name);
        });
      });
    });
    Object.keys(names).forEach(showCount);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
