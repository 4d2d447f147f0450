/* CRM — small behaviours on top of plain HTML (every page works without this file).
 *
 * 1. Menus (<details class="menu">, the phone's main menu <details class="navtoggle">) close on Esc, when
 *    the user clicks outside them, and when another menu opens.
 * 2. A form marked data-focus-after-swap (a document's "Add a line") gets the focus back after htmx swapped
 *    it: its first field with an error, else its first field, ready for the next line.
 */
(function () {
  "use strict";
  var MENUS = "details.menu[open], details.navtoggle[open]";

  function closeMenus(except) {
    document.querySelectorAll(MENUS).forEach(function (menu) {
      if (menu !== except && !menu.contains(except)) { menu.open = false; }
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var open = document.querySelectorAll(MENUS);
    if (!open.length) { return; }
    var inside = event.target.closest && event.target.closest(MENUS);
    closeMenus(null);
    if (inside) { inside.querySelector("summary").focus(); }  // keep the keyboard user where they were
  });

  document.addEventListener("click", function (event) {
    var inside = event.target.closest && event.target.closest("details.menu, details.navtoggle");
    closeMenus(inside);
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var source = event.detail && event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!source || !source.id || !source.hasAttribute("data-focus-after-swap")) { return; }
    var form = document.getElementById(source.id);
    if (!form) { return; }
    var field = form.querySelector("[aria-invalid=true]") ||
      form.querySelector("input:not([type=hidden]), select, textarea");
    if (field) { field.focus(); }
  });
})();
