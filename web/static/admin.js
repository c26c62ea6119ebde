// "Add an article" and the remove buttons: PUT and DELETE /api/documents/NAME with the admin token,
// which lives in this page's memory only (never stored). Server text is shown with textContent only.
(function () {
  "use strict";

  const section = document.getElementById("admin");
  if (!section) return;
  const form = document.getElementById("add-article");
  const token = document.getElementById("admin-token");
  const name = document.getElementById("article-name");
  const file = document.getElementById("article-file");
  const text = document.getElementById("article-text");
  const list = document.getElementById("document-list");
  const status = document.getElementById("admin-status");
  section.hidden = false;

  function say(message, isError) {
    status.textContent = message;
    status.classList.toggle("is-error", !!isError);
  }

  function documentPath(value) {
    return "/api/documents/" + encodeURIComponent(value);
  }

  async function problem(response) {
    try {
      const body = await response.json();
      if (body && typeof body.detail === "string") {
        return body.detail.charAt(0).toUpperCase() + body.detail.slice(1);
      }
    } catch (e) { /* not JSON: fall through */ }
    return "The server answered " + response.status + ".";
  }

  function needToken() {
    if (token.value.trim()) return false;
    say("Type the admin token first.", true);
    token.focus();
    return true;
  }

  async function refreshList() {
    const response = await fetch("/api/documents", { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const body = await response.json();
    list.replaceChildren(...body.documents.map((d) => {
      const li = document.createElement("li");
      const title = document.createElement("span");
      title.className = "doc-title";
      title.textContent = d.title;
      const code = document.createElement("code");
      code.textContent = d.name;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "remove";
      button.dataset.name = d.name;
      button.textContent = "Remove";
      li.append(title, " ", code, " ", button);
      return li;
    }));
  }

  file.addEventListener("change", () => {
    const chosen = file.files[0];
    if (chosen && !name.value) {
      name.value = chosen.name.replace(/\.txt$/i, "").replace(/[^A-Za-z0-9_.\-]/g, "_").replace(/^\.+/, "");
    }
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (needToken()) return;
    const chosen = file.files[0];
    const body = chosen || text.value;
    if (!chosen && !text.value.trim()) {
      say("Paste the article or choose a .txt file.", true);
      return;
    }
    say("Adding " + name.value + "… (the article is parsed first)");
    try {
      const response = await fetch(documentPath(name.value), {
        method: "PUT", body: body,
        headers: { Authorization: "Bearer " + token.value.trim(),
                   "Content-Type": "text/plain; charset=utf-8" },
      });
      if (!response.ok) {
        say(await problem(response), true);
        return;
      }
      const d = await response.json();
      await refreshList();
      say((response.status === 201 ? "Added " : "Replaced ") + "“" + d.title + "” (" + d.name + "): " +
          d.passages + (d.passages === 1 ? " sentence" : " sentences") + ". Ask about it now.");
      text.value = "";
      file.value = "";
      name.value = "";
    } catch (e) {
      say("The server cannot be reached: check that it is running.", true);
    }
  });

  list.addEventListener("click", async (event) => {
    const button = event.target.closest("button.remove");
    if (!button || needToken()) return;
    const which = button.dataset.name;
    button.disabled = true;
    try {
      const response = await fetch(documentPath(which), {
        method: "DELETE", headers: { Authorization: "Bearer " + token.value.trim() },
      });
      if (response.status === 204) {
        await refreshList();
        say("Removed " + which + ".");
      } else {
        say(await problem(response), true);
        button.disabled = false;
      }
    } catch (e) {
      say("The server cannot be reached: check that it is running.", true);
      button.disabled = false;
    }
  });
})();
