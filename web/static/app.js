// The question box: asks /api/ask and renders the result with createElement/textContent only,
// the same markup the server renders for /?q= (web/index.html), so server text is never markup.
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("qa-data").textContent);
  const form = document.getElementById("ask");
  const input = document.getElementById("q");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  const picker = document.getElementById("document");
  let pending = null;

  // el("p", {class: "x"}, "text", child) -> <p class="x">text<child></p>; strings become text nodes.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (name === "class") node.className = value;
      else node.setAttribute(name, value);
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  // Mirrors segments() in qa/pages.py. Offsets count code points (Python's str), not UTF-16 units.
  function segments(text, entities, matches, answer) {
    const chars = Array.from(text);
    const terms = matches.map((m) => [m.start, m.end]);
    const runs = (a, b) => {
      const cuts = new Set([a, b]);
      for (const [s, e] of terms) for (const x of [s, e]) if (a < x && x < b) cuts.add(x);
      const sorted = [...cuts].sort((x, y) => x - y);
      const out = [];
      for (let i = 0; i + 1 < sorted.length; i++) {
        const x = sorted[i], y = sorted[i + 1];
        out.push({ text: chars.slice(x, y).join(""), term: terms.some(([s, e]) => s <= x && y <= e) });
      }
      return out;
    };
    const out = [];
    let pos = 0;
    const ordered = [...entities].sort((p, q) => p.start - q.start || q.end - p.end);
    for (const e of ordered) {
      if (e.start < pos || e.end <= e.start) continue;
      if (pos < e.start) out.push({ label: null, runs: runs(pos, e.start) });
      out.push({ label: e.label, runs: runs(e.start, e.end),
                 answer: !!answer && answer[0] === e.start && answer[1] === e.end });
      pos = e.end;
    }
    if (pos < chars.length) out.push({ label: null, runs: runs(pos, chars.length) });
    return out;
  }

  function passageText(p, answer) {
    const span = answer && answer.passage_rank === p.rank ? [answer.start, answer.end] : null;
    const node = el("p", { class: "passage-text" });
    const runNodes = (runs) => runs.map((r) => (r.term ? el("mark", { class: "term" }, r.text) : r.text));
    for (const seg of segments(p.text, p.entities, p.matches, span)) {
      if (seg.label) {
        node.append(el("mark", { class: seg.answer ? "ent is-answer" : "ent", "data-label": seg.label },
          ...runNodes(seg.runs), el("span", { class: "ent-label" }, seg.label)));
      } else {
        node.append(...runNodes(seg.runs));
      }
    }
    return node;
  }

  function certainty(a, sure) {
    const chance = `${Math.round(a.confidence * 100)}%`;
    return sure ? `Likely right: an estimated ${chance} chance.`
      : `A possible answer: an estimated ${chance} chance of being right. Check it in the passage.`;
  }

  function renderAnswer(result) {
    const a = result.answer;
    const sure = a && a.confidence >= 0.8;  // pages.SURE
    const section = el("section", { class: a ? `answer is-${sure ? "sure" : "possible"}` : "answer is-empty",
                                    "aria-labelledby": "answer-title" },
      el("h2", { id: "answer-title" }, "Answer"));
    if (a) {
      section.append(
        el("p", { class: "answer-text" }, el("span", { class: "answer-span" }, a.text), " ",
          el("span", { class: "chip", "data-label": a.label }, a.label)),
        el("p", { class: "answer-meta" }, `${certainty(a, sure)} From passage ${a.passage_rank}.`));
    } else {
      section.append(el("p", { class: "no-answer" }, el("strong", {}, "No short answer."), " ",
        sentence(result.no_answer_reason)));
    }
    return section;
  }

  function renderLegend(passages) {
    const labels = [...new Set(passages.flatMap((p) => p.entities.map((e) => e.label)))];
    const list = el("ul");
    for (const label of labels) {
      const meta = data.labels[label] || { description: "" };
      list.append(el("li", {}, el("mark", { class: "ent swatch", "data-label": label }, label), " ",
        el("span", { class: "legend-text" }, meta.description)));
    }
    list.append(el("li", {}, el("mark", { class: "term" }, "word"), " ",
      el("span", { class: "legend-text" }, "matches your question")));
    return el("section", { class: "legend", "aria-labelledby": "legend-title" },
      el("h2", { id: "legend-title" }, "Highlights"), list);
  }

  function renderPassage(p, answer) {
    const title = data.titles[p.document] || p.document;
    const explanation = el("ul", {}, ...p.explanation.map((c) => el("li", {}, c.text)));
    return el("li", { class: "passage" },
      el("p", { class: "passage-meta" }, el("span", { class: "rank" }, String(p.rank)), " ",
        el("span", { class: "section" }, p.section), " ",
        el("span", { class: "where" }, `${title}, sentence ${p.sentence_index + 1}`)),
      passageText(p, answer),
      el("details", { class: "score" }, el("summary", {}, `score ${p.score.toFixed(2)}`), explanation));
  }

  // Mirrors sentence() in qa/pages.py.
  function sentence(text) {
    return text ? text[0].toUpperCase() + text.slice(1) : "";
  }

  // Mirrors summary() in qa/pages.py.
  function summary(result) {
    const n = result.passages.length;
    if (!n) return "No passage matches.";
    const found = `${n} passage${n !== 1 ? "s" : ""} found.`;
    const a = result.answer;
    return a ? `Answer: ${a.text} (${a.label}). ${found}` : `No short answer. ${found}`;
  }

  function render(result) {
    if (!result.passages.length) {
      results.replaceChildren(el("p", { class: "empty" }, el("strong", {}, "No passage matches."), " ",
        sentence(result.no_answer_reason)));
    } else {
      results.replaceChildren(renderAnswer(result), renderLegend(result.passages),
        el("section", { class: "passages-section", "aria-labelledby": "passages-title" },
          el("h2", { id: "passages-title" }, "Passages"),
          el("ol", { class: "passages" }, ...result.passages.map((p) => renderPassage(p, result.answer)))));
    }
    setStatus(summary(result), false);
  }

  function heading(status) {  // as error_heading in qa/pages.py
    const h = data.headings;
    if (status === null) return h.unreachable;
    return h[String(status)] || (status >= 500 ? h["5xx"] : h["400"]);
  }

  function renderError(message, status) {
    results.replaceChildren(el("div", { class: "problem", role: "alert" },
      el("h2", {}, heading(status)), el("p", {}, message)));
    setStatus(message, true);
  }

  function setStatus(text, isError) {
    status.textContent = text;
    status.classList.toggle("is-error", isError);
  }

  async function ask(question, history) {
    const q = question.trim();
    if (!q) {
      input.focus();
      return;
    }
    if (pending) pending.abort();
    const controller = (pending = new AbortController());
    if (history) {
      const within = picker && picker.value ? `&document=${encodeURIComponent(picker.value)}` : "";
      const url = `${location.pathname}?q=${encodeURIComponent(q)}${within}`;
      if (history === "push") window.history.pushState({ q }, "", url);
      else window.history.replaceState({ q }, "", url);
    }
    document.title = `${q} · article-qa`;
    results.setAttribute("aria-busy", "true");
    results.classList.add("is-loading");
    setStatus("Searching…", false);
    try {
      const response = await fetch("/api/ask", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(picker && picker.value
          ? { question: q, top_k: data.top_k, documents: [picker.value] }
          : { question: q, top_k: data.top_k }),
        signal: controller.signal,
      });
      const body = await response.json().catch(() => null);
      if (!response.ok || !body) {
        renderError(sentence(body && body.detail) || `The server answered ${response.status}: try again.`,
          response.status);
      } else {
        render(body);
      }
    } catch (err) {
      if (err.name === "AbortError") return;
      renderError("Could not reach the server: check that it is running, then try again.", null);
    } finally {
      if (pending === controller) {
        pending = null;
        results.removeAttribute("aria-busy");
        results.classList.remove("is-loading");
      }
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    ask(input.value, "push");
  });

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a.example");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    input.value = link.textContent;
    ask(link.textContent, "push");
  });

  window.addEventListener("popstate", () => {
    const q = new URLSearchParams(location.search).get("q") || "";
    input.value = q;
    if (q.trim()) ask(q, null);
    else {
      results.replaceChildren();
      setStatus("", false);
      document.title = "article-qa";
    }
  });
})();
