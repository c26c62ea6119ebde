// The question box: asks /api/ask and renders the result with createElement/textContent only,
// the same markup the server renders for /?q= (web/templates/index.html), so server text is never markup.
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("qa-data").textContent);
  const form = document.getElementById("ask");
  const input = document.getElementById("q");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  const picker = document.getElementById("document");
  const topK = document.getElementById("top_k");
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

  // Mirrors segments() in qa/service/marks.py. Offsets count code points (Python's str), not UTF-16 units.
  function segments(text, entities, matches, answer) {
    const chars = Array.from(text);
    const terms = matches.map((m) => [m.start, m.end, m.refers_to || null]);
    const whole = cut(chars, 0, chars.length, entities, terms, answer);
    if (!answer || whole.some((s) => s.answer)) return whole;
    const [a, b] = answer;
    const inside = entities.filter((e) => a <= e.start && e.end <= b);
    const outside = entities.filter((e) => e.end <= a || b <= e.start);
    return [...cut(chars, 0, a, outside, terms, null),
      { label: null, answer: true, segments: cut(chars, a, b, inside, terms, null) },
      ...cut(chars, b, chars.length, outside, terms, null)];
  }

  function cut(chars, start, end, entities, terms, answer) {
    const out = [];
    let pos = start;
    const ordered = [...entities].sort((p, q) => p.start - q.start || q.end - p.end);
    for (const e of ordered) {
      if (e.start < pos || e.end <= e.start || e.end > end) continue;
      if (pos < e.start) out.push({ label: null, runs: runs(chars, pos, e.start, terms) });
      out.push({ label: e.label, runs: runs(chars, e.start, e.end, terms),
                 answer: !!answer && answer[0] === e.start && answer[1] === e.end });
      pos = e.end;
    }
    if (pos < end) out.push({ label: null, runs: runs(chars, pos, end, terms) });
    return out;
  }

  function runs(chars, a, b, terms) {
    const cuts = new Set([a, b]);
    for (const [s, e] of terms) for (const x of [s, e]) if (a < x && x < b) cuts.add(x);
    const sorted = [...cuts].sort((x, y) => x - y);
    const out = [];
    for (let i = 0; i + 1 < sorted.length; i++) {
      const x = sorted[i], y = sorted[i + 1];
      const covering = terms.filter(([s, e]) => s <= x && y <= e);
      const ref = covering.map(([, , r]) => r).find((r) => r);
      out.push({ text: chars.slice(x, y).join(""), term: covering.length > 0, ref });
    }
    return out;
  }

  // Mirrors the runs and passage_text macros of web/templates/index.html.
  function runNodes(runs) {
    return runs.flatMap((r) => {
      if (r.ref) {
        return [el("mark", { class: "term", title: `“${r.text}” refers to ${r.ref}` }, r.text),
          el("span", { class: "ref" }, ` (refers to ${r.ref})`)];
      }
      return [r.term ? el("mark", { class: "term" }, r.text) : r.text];
    });
  }

  function segmentNodes(segs) {
    return segs.flatMap((seg) => {
      if (seg.segments) {
        return [el("span", { class: "answer-phrase", title: "the short answer" }, ...segmentNodes(seg.segments))];
      }
      if (seg.label) {
        const attrs = { class: seg.answer ? "ent is-answer" : "ent", "data-label": seg.label };
        if (seg.answer) attrs.title = "the short answer";
        return [el("mark", attrs, ...runNodes(seg.runs), el("span", { class: "ent-label" }, seg.label))];
      }
      return runNodes(seg.runs);
    });
  }

  function passageText(p, answer) {
    const span = answer && answer.passage_rank === p.rank ? [answer.start, answer.end] : null;
    return el("p", { class: "passage-text" }, ...segmentNodes(segments(p.text, p.entities, p.matches, span)));
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
        el("p", { class: "answer-meta" }, `${certainty(a, sure)} From `,
          el("a", { href: `#passage-${a.passage_rank}` }, `passage ${a.passage_rank}`),
          a.label === "YES_NO" ? ", where the words it rests on are outlined." : ", where it is outlined."));
    } else {
      section.append(el("p", { class: "no-answer" }, el("strong", {}, "No short answer."), " ",
        sentence(result.no_answer_reason)));
    }
    return section;
  }

  function renderLegend(passages, answer) {
    const labels = [...new Set(passages.flatMap((p) => p.entities.map((e) => e.label)))];
    const list = el("ul");
    for (const label of labels) {
      const meta = data.labels[label] || { description: "" };
      list.append(el("li", {}, el("mark", { class: "ent swatch", "data-label": label }, label), " ",
        el("span", { class: "legend-text" }, meta.description)));
    }
    list.append(el("li", {}, el("mark", { class: "term" }, "word"), " ",
      el("span", { class: "legend-text" }, "matches your question")));
    if (answer) {
      list.append(el("li", {}, el("span", { class: "answer-phrase" }, "answer"), " ",
        el("span", { class: "legend-text" }, "the short answer")));
    }
    return el("section", { class: "legend", "aria-labelledby": "legend-title" },
      el("h2", { id: "legend-title" }, "Highlights"), list);
  }

  function documentPath(name) {
    return data.paths[name] || `/documents/${encodeURIComponent(name)}`;
  }

  function renderPassage(p, answer) {
    const title = data.titles[p.document] || p.document;
    const explanation = el("ul", {}, ...p.explanation.map((c) => el("li", {}, c.text)));
    return el("li", { class: "passage", id: `passage-${p.rank}` },
      el("p", { class: "passage-meta" }, el("span", { class: "rank" }, String(p.rank)), " ",
        el("span", { class: "section" }, p.section), " ",
        el("a", { class: "where", href: `${documentPath(p.document)}#s${p.sentence_index}` },
          `${title}, sentence ${p.sentence_index}`)),
      passageText(p, answer),
      renderContext(p),
      el("details", { class: "score" }, el("summary", {}, `score ${p.score.toFixed(2)}`), explanation));
  }

  // The sentences around a passage, fetched from /api/passages the first time they are opened;
  // the server renders the same paragraphs (the context part of web/templates/index.html).
  function renderContext(p) {
    const details = el("details", { class: "context" }, el("summary", {}, "Sentences around it"));
    let state = "idle";
    details.addEventListener("toggle", async () => {
      if (!details.open || state !== "idle") return;
      state = "loading";
      const i = p.sentence_index;
      const offset = Math.max(0, i - data.context);
      const query = `document=${encodeURIComponent(p.document)}&offset=${offset}&limit=${i - offset + 1 + data.context}`;
      try {
        const response = await fetch(`/api/passages?${query}`, { headers: { Accept: "application/json" } });
        if (!response.ok) throw new Error(String(response.status));
        const page = await response.json();
        const before = page.passages.filter((s) => s.sentence_index < i);
        const after = page.passages.filter((s) => s.sentence_index > i);
        for (const s of before) details.append(contextLine("context-before", "Before:", s.text));
        for (const s of after) details.append(contextLine("context-after", "After:", s.text));
        if (!before.length && !after.length) {
          details.append(el("p", { class: "context-none" }, "The document has no other sentence."));
        }
        state = "done";
      } catch (err) {
        details.append(el("p", { class: "context-none" }, "Could not load the sentences around it: close and open this again."));
        details.addEventListener("toggle", () => {
          if (!details.open) {
            details.lastChild.remove();
            state = "idle";
          }
        }, { once: true });
      }
    });
    return details;
  }

  function contextLine(kind, label, text) {
    return el("p", { class: kind }, el("span", { class: "context-label" }, label), ` ${text}`);
  }

  // Mirrors sentence() in qa/service/pages.py.
  function sentence(text) {
    return text ? text[0].toUpperCase() + text.slice(1) : "";
  }

  // Mirrors summary() in qa/service/pages.py.
  function summary(result) {
    const n = result.passages.length;
    if (!n) return "";
    const found = `${n} passage${n !== 1 ? "s" : ""} found.`;
    const a = result.answer;
    return a ? `Answer: ${a.text} (${a.label}). ${found}` : `No short answer. ${found}`;
  }

  function render(result) {
    if (!result.passages.length) {
      results.replaceChildren(el("div", { class: "empty", role: "alert" }, el("h2", {}, "No passage matches"),
        el("p", {}, sentence(result.no_answer_reason))));
    } else {
      results.replaceChildren(renderAnswer(result), renderLegend(result.passages, result.answer),
        el("section", { class: "passages-section", "aria-labelledby": "passages-title" },
          el("h2", { id: "passages-title" }, "Passages"),
          el("ol", { class: "passages" }, ...result.passages.map((p) => renderPassage(p, result.answer)))));
    }
    setStatus(summary(result));
  }

  function heading(status) {  // as error_heading in qa/service/pages.py
    const h = data.headings;
    if (status === null) return h.unreachable;
    return h[String(status)] || (status >= 500 ? h["5xx"] : h["400"]);
  }

  // The message is said once, in its card (an alert), so the status line is emptied.
  function renderError(message, status) {
    results.replaceChildren(el("div", { class: "problem", role: "alert" },
      el("h2", {}, heading(status)), el("p", {}, message)));
    setStatus("");
  }

  function setStatus(text) {
    status.textContent = text;
  }

  function chosenTopK() {
    const n = topK ? Number(topK.value) : data.top_k;
    return Number.isInteger(n) ? n : data.top_k;
  }

  async function ask(question, history) {
    const q = question.trim();
    if (!q) {
      input.focus();
      return;
    }
    if (pending) pending.abort();
    const controller = (pending = new AbortController());
    const k = chosenTopK();
    if (history) {
      const within = picker && picker.value ? `&document=${encodeURIComponent(picker.value)}` : "";
      const shown = k !== data.top_k ? `&top_k=${k}` : "";
      const url = `${location.pathname}?q=${encodeURIComponent(q)}${within}${shown}`;
      if (history === "push") window.history.pushState({ q }, "", url);
      else window.history.replaceState({ q }, "", url);
    }
    document.title = `${q} · article-qa`;
    results.setAttribute("aria-busy", "true");
    results.classList.add("is-loading");
    setStatus("Searching…");
    try {
      const response = await fetch("/api/ask", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(picker && picker.value
          ? { question: q, top_k: k, documents: [picker.value] }
          : { question: q, top_k: k }),
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
    const params = new URLSearchParams(location.search);
    const q = params.get("q") || "";
    input.value = q;
    if (picker) picker.value = params.get("document") || "";
    if (topK) setTopK(params.get("top_k") || String(data.top_k));
    if (q.trim()) ask(q, null);
    else {
      results.replaceChildren();
      setStatus("");
      document.title = "article-qa";
    }
  });

  // A count from the address that the picker lacks (any from 1 to 50 is allowed) is added to it.
  function setTopK(value) {
    if (![...topK.options].some((o) => o.value === value)) topK.append(el("option", { value }, value));
    topK.value = value;
  }
})();
