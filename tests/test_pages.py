"""The page: server-rendered for /?q= (works without JavaScript), safe, offline, accessible."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from markupsafe import escape
from spacy.displacy.render import DEFAULT_LABEL_COLORS

from qa.service.app import WEB
from qa.service.marks import segments
from qa.service.pages import COLOUR_CHANGES

XSS = '<script>alert(1)</script><img src=x onerror=alert(1)>'
VOID = {"meta", "link", "input", "img", "br", "hr", "source", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None = None):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Node]:
        found = []
        for c in self.children:
            if isinstance(c, Node):
                if (tag is None or c.tag == tag) and all(
                        value in (c.attrs.get(name.rstrip("_")) or "").split()
                        or c.attrs.get(name.rstrip("_").replace("_", "-")) == value
                        for name, value in attrs.items()):
                    found.append(c)
                found.extend(c.find_all(tag, **attrs))
        return found

    def find(self, tag: str | None = None, **attrs: str) -> Node:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag} {attrs}>"
        return found[0]


class Tree(HTMLParser):
    """Just enough of a DOM to check the page's structure (stdlib only)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#document", {})
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def page(client, **query) -> tuple[object, Node]:
    return page_at(client, "/", **query)


def page_at(client, path: str, **query) -> tuple[object, Node]:
    response = client.get(path, query_string=query)
    return response, Tree(response.get_data(as_text=True)).root


def test_page_has_a_labelled_question_box_and_examples(client):
    response, root = page(client)
    assert response.status_code == 200 and response.mimetype == "text/html"
    form = root.find("form", id="ask")
    assert form.attrs["action"] == "/" and form.attrs["method"] == "get"
    box = form.find("input", id="q")
    assert box.attrs["name"] == "q" and "required" in box.attrs
    assert form.find("label").attrs["for"] == "q"
    assert form.find("button").attrs["type"] == "submit"
    examples = root.find_all("a", class_="example")
    assert 1 <= len(examples) <= 4
    for a in examples:
        assert a.attrs["href"].startswith("/?q=")
    assert root.find("p", id="status").attrs["aria-live"] == "polite"
    assert not root.find_all("li", class_="passage")


def test_examples_come_from_the_questions_file_and_have_answers(client, app, engine):
    for question in app.extensions["qa.live"].current().views["qa.site"].examples:
        assert engine.ask(question, 3).answer is not None, question


def test_question_in_the_url_is_answered_by_the_server(client):
    response, root = page(client, q="When did Eitingon die?")
    assert response.status_code == 200
    assert root.find("input", id="q").attrs["value"] == "When did Eitingon die?"
    assert root.find("title").text().startswith("When did Eitingon die?")
    answer = root.find("section", class_="answer")
    assert answer.find("span", class_="answer-span").text() == "1981"
    assert answer.find("span", class_="chip").attrs["data-label"] == "DATE"
    passages = root.find_all("li", class_="passage")
    assert len(passages) == 3
    first = passages[0]
    assert first.find("span", class_="rank").text() == "1"
    assert first.find("span", class_="section").text() == "Doctors' Plot"
    assert "Nahum Eitingon" in first.find("a", class_="where").text()
    assert "sentence" in first.find("a", class_="where").text()
    score = first.find("details", class_="score")
    assert score.find("summary").text().startswith("score ")
    assert "occurs" in score.find("li").text()
    assert root.find("p", id="status").text() == "Answer: 1981 (DATE). 3 passages found."


def test_passages_show_entities_as_labelled_marks_and_question_terms(client):
    _, root = page(client, q="When did Eitingon die?")
    first = root.find("li", class_="passage").find("p", class_="passage-text")
    marks = first.find_all("mark", class_="ent")
    assert [(m.attrs["data-label"], m.find("span", class_="ent-label").text()) for m in marks] == [
        ("PERSON", "PERSON"), ("DATE", "DATE")]
    assert marks[1].text() == "1981DATE" and "is-answer" in marks[1].attrs["class"]
    terms = [t.text() for t in first.find_all("mark", class_="term")]
    assert terms == ["Eitingon", "died"]
    shown = "".join(c if isinstance(c, str) else _without_labels(c) for c in first.children)
    assert shown == "Nahum Eitingon died in 1981."


def _without_labels(node: Node) -> str:
    return "".join(c if isinstance(c, str) else ("" if "ent-label" in c.attrs.get("class", "")
                                                 else _without_labels(c)) for c in node.children)


def test_legend_lists_the_labels_on_the_page_with_their_meaning(client):
    _, root = page(client, q="Who killed Trotsky?")
    used = {m.attrs["data-label"] for m in root.find("ol", class_="passages").find_all("mark",
                                                                                       class_="ent")}
    legend = root.find("section", class_="legend")
    shown = [m.attrs["data-label"] for m in legend.find_all("mark", class_="ent")]
    assert set(shown) == used and len(shown) == len(used)
    assert "People" in legend.text()
    assert legend.find_all("mark", class_="term")


def test_no_match_shows_the_empty_state(client):
    response, root = page(client, q="zyxxyqq blorft")
    assert response.status_code == 200
    assert root.find("div", class_="empty").text().startswith("No passage matches")
    assert not root.find_all("section", class_="answer")


def test_the_no_match_reason_is_said_once_as_a_sentence_in_the_words_typed(client):
    response, root = page(client, q="What is the airspeed of a swallow?")
    html = response.get_data(as_text=True)
    card = root.find("div", class_="empty")
    reason = card.find("p").text()
    assert card.attrs["role"] == "alert"
    assert reason.startswith("None of the question's words (airspeed, swallow)"), reason
    assert "airspe," not in html and "swallow)" in reason
    assert html.count(escape(reason)) == 1 and html.count("No passage matches") == 1
    assert root.find("p", id="status").text() == ""


@pytest.mark.parametrize(("path", "message"), [
    ("/?q=" + "x" * 1001, "Question is 1001 characters long"),
    ("/no-such-page", "There is no page here"),
    ("/?q=When%3F&top_k=x", "The number of passages to show (top_k=x) must be a whole number"),
])
def test_an_error_is_said_once_as_a_sentence(client, path, message):
    response = client.get(path)
    html = response.get_data(as_text=True)
    root = Tree(html).root
    text = root.find("div", class_="problem").find("p").text()
    assert text.startswith(message), text
    assert html.count(escape(text)) == 1
    assert root.find("p", id="status").text() == ""


def test_question_too_long_shows_the_error_state(client):
    response, root = page(client, q="x" * 1001)
    assert response.status_code == 400
    assert "over the limit of 1000" in root.find("div", class_="problem").text()
    assert root.find("div", class_="problem").attrs["role"] == "alert"


def test_empty_question_shows_the_plain_page(client):
    response, root = page(client, q="   ")
    assert response.status_code == 200 and not root.find_all("div", class_="problem")


def test_question_is_shown_as_text_never_as_markup(client):
    response, root = page(client, q=XSS)
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert root.find("input", id="q").attrs["value"] == XSS
    assert not root.find_all("img")
    assert [s.attrs.get("src") or s.attrs.get("type") for s in root.find_all("script")] == [
        "application/json", "/static/app.js"]


@pytest.mark.parametrize("query", [{}, {"q": "Who killed Trotsky?"}, {"q": XSS}])
def test_page_has_no_inline_script_style_or_external_resource(client, query):
    _, root = page(client, **query)
    assert not root.find_all("style")
    for script in root.find_all("script"):
        assert script.attrs.get("src") or script.attrs.get("type") == "application/json"
    for node in root.find_all():
        assert not [a for a in node.attrs if a.startswith("on")], "no inline event handlers"
        assert "style" not in node.attrs, "no style attributes (the CSP forbids them)"
        for name in ("src", "href", "action"):
            value = node.attrs.get(name) or ""
            assert not re.match(r"(https?:)?//", value), f"external resource {value}"


def test_every_response_carries_the_security_headers(client):
    for path in ["/", "/?q=Who+killed+Trotsky%3F", "/static/style.css", "/labels.css", "/nope"]:
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Frame-Options"] == "DENY"


def test_static_files_are_served_with_their_types(client):
    assert client.get("/static/app.js").mimetype in ("text/javascript", "application/javascript")
    assert client.get("/static/style.css").mimetype == "text/css"


def test_label_colours_are_displacy_s_but_where_two_look_alike(client):
    response = client.get("/labels.css")
    assert response.mimetype == "text/css"
    css = response.get_data(as_text=True)
    for label, colour in (DEFAULT_LABEL_COLORS | COLOUR_CHANGES).items():
        assert f'[data-label="{label}"] {{ --label-colour: {colour}; }}' in css
    assert set(COLOUR_CHANGES) == {"NORP"}


def _rgb(colour: str) -> tuple[float, float, float]:
    digits = colour.lstrip("#")
    digits = "".join(c * 2 for c in digits) if len(digits) == 3 else digits
    return tuple(int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4))


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    def luminance(colour):
        channels = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in _rgb(colour)]
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _hue(colour: str) -> float:
    import colorsys
    return colorsys.rgb_to_hls(*_rgb(colour))[0] * 360


def test_entity_text_is_readable_on_every_label_colour_in_both_schemes(app):
    css = (WEB / "static" / "style.css").read_text(encoding="utf-8")
    [ink] = re.findall(r"--ent-ink: (#[0-9a-f]{6});", css)  # one value: the same in dark mode
    for label, meta in app.extensions["qa.live"].current().views["qa.site"].labels.items():
        assert contrast(ink, meta["colour"]) >= 4.5, label  # WCAG AA for text


def test_labels_that_often_meet_are_told_apart_by_hue(app):
    labels = app.extensions["qa.live"].current().views["qa.site"].labels
    person, norp = labels["PERSON"]["colour"], labels["NORP"]["colour"]
    distance = abs(_hue(person) - _hue(norp))
    assert min(distance, 360 - distance) >= 45, (person, norp)


def test_a_question_term_is_marked_the_same_way_inside_and_outside_an_entity():
    css = (WEB / "static" / "style.css").read_text(encoding="utf-8")
    assert "mark.ent mark.term" not in css and "--term:" not in css  # no second, fainter look
    assert re.search(r"mark\.term \{[^}]*font-weight: 700;[^}]*text-decoration: underline;", css)
    assert "background" not in re.search(r"mark\.term \{([^}]*)\}", css).group(1)


def test_dark_mode_follows_the_browser(client):
    css = (WEB / "static" / "style.css").read_text(encoding="utf-8")
    assert "@media (prefers-color-scheme: dark)" in css
    for path in ["/", "/documents/article", "/api/docs"]:
        _, root = page_at(client, path)
        assert root.find("meta", name="color-scheme").attrs["content"] == "light dark"


def test_script_builds_the_page_from_text_never_from_html():
    script = (WEB / "static" / "app.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                 "new Function"):
        assert sink not in script
    assert "textContent" in script and "createElement" in script


def test_unknown_page_is_a_404_page_pointing_home(client):
    response, root = page(client)
    response = client.get("/nope")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "home page" in Tree(response.get_data(as_text=True)).root.find(
        "div", class_="problem").text()


def test_post_to_the_page_is_405(client):
    assert client.post("/").status_code == 405


def test_segments_cut_text_into_labelled_marks_and_terms():
    text = "Nahum Eitingon died in 1981."
    entities = [{"text": "Nahum Eitingon", "label": "PERSON", "start": 0, "end": 14},
                {"text": "1981", "label": "DATE", "start": 23, "end": 27}]
    matches = [{"term": "eitingon", "start": 6, "end": 14}, {"term": "die", "start": 15, "end": 19}]
    out = segments(text, entities, matches, answer=(23, 27))
    assert out == [
        {"label": "PERSON", "answer": False, "runs": [{"text": "Nahum ", "term": False},
                                                      {"text": "Eitingon", "term": True}]},
        {"label": None, "runs": [{"text": " ", "term": False}, {"text": "died", "term": True},
                                 {"text": " in ", "term": False}]},
        {"label": "DATE", "answer": True, "runs": [{"text": "1981", "term": False}]},
        {"label": None, "runs": [{"text": ".", "term": False}]},
    ]


def test_segments_keep_every_character_and_skip_overlapping_entities():
    text = "abc def ghi"
    entities = [{"label": "A", "start": 0, "end": 7}, {"label": "B", "start": 4, "end": 11},
                {"label": "C", "start": 8, "end": 8}]
    matches = [{"term": "x", "start": 2, "end": 9}]
    out = segments(text, entities, matches)
    assert [s["label"] for s in out] == ["A", None]
    assert "".join(r["text"] for s in out for r in s["runs"]) == text
    assert [r["text"] for s in out for r in s["runs"] if r["term"]] == ["c def", " g"]


def test_several_documents_get_a_picker_that_narrows_the_answer(mixed_engine):
    from qa.service.app import create_app

    client = create_app({"TESTING": True}, engine=mixed_engine).test_client()
    page = client.get("/").get_data(as_text=True)
    assert '<select id="document" name="document">' in page and "Marie Curie" in page
    narrowed = client.get("/?q=When+was+she+born%3F&document=article").get_data(as_text=True)
    assert "marie" not in narrowed.split('id="results"')[1].split("</ol>")[0].lower()
    assert client.get("/?q=When%3F&document=nope").status_code == 404


def test_the_answer_says_how_likely_it_is_to_be_right(client):
    page = client.get("/?q=When+did+Eitingon+die%3F").get_data(as_text=True)
    assert "chance" in page and ("is-sure" in page or "is-possible" in page)


def test_examples_are_only_questions_the_engine_answers_right(engine):
    from qa.evaluation.evaluate import token_f1
    from qa.service.pages import _listed_questions, examples

    golds = {q.question: q.answers for q in _listed_questions(engine)}
    shown = examples(engine)
    assert shown
    for question in shown:
        assert token_f1(engine.ask(question, 3).answer.text, golds[question]) >= 0.5


@pytest.mark.parametrize(("path", "status", "heading"), [
    ("/?q=%01", 400, "Something is wrong with the question"),
    ("/no-such-page", 404, "There is nothing here"),
])
def test_the_error_heading_fits_the_error(client, path, status, heading):
    response = client.get(path)
    assert response.status_code == status
    assert f"<h2>{heading}</h2>" in response.get_data(as_text=True)


def test_a_busy_service_is_not_called_a_wrong_question(engine):
    from qa.service.app import create_app

    app = create_app({"TESTING": True, "QA_MAX_ASKING": 0, "QA_BUSY_WAIT": 0}, engine=engine)
    response = app.test_client().get("/?q=When+did+Eitingon+die%3F")
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and "<h2>The service is busy</h2>" in page
    assert "<h2>Something is wrong with the question</h2>" not in page


def test_the_script_picks_error_headings_from_the_same_table(client):
    from qa.service.pages import ERROR_HEADINGS

    script = (WEB / "static" / "app.js").read_text(encoding="utf-8")
    assert "data.headings" in script and "Something is wrong" not in script
    page = client.get("/").get_data(as_text=True)
    assert all(heading in page for heading in ERROR_HEADINGS.values())  # in the page's data


# --- how many passages -----------------------------------------------------------------------------

def test_the_page_shows_the_api_s_default_number_of_passages_and_offers_others(client):
    from qa.engine import Engine
    from qa.service.api import DEFAULT_TOP_K as API_DEFAULT

    _, root = page(client, q="Who killed Trotsky?")
    assert len(root.find_all("li", class_="passage")) == API_DEFAULT == 3
    assert Engine.ask.__defaults__[0] == API_DEFAULT
    picker = root.find("select", id="top_k")
    assert picker.attrs["name"] == "top_k" and root.find("label", for_="top_k")
    assert [o.attrs["value"] for o in picker.find_all("option")] == ["1", "3", "5", "10", "20"]
    assert [o.attrs["value"] for o in picker.find_all("option") if "selected" in o.attrs] == ["3"]


@pytest.mark.parametrize("top_k", [1, 7, 20])
def test_top_k_in_the_address_is_honoured(client, top_k):
    _, root = page(client, q="When did Eitingon die?", top_k=str(top_k))
    assert len(root.find_all("li", class_="passage")) == top_k
    chosen = [o.attrs["value"] for o in root.find("select", id="top_k").find_all("option")
              if "selected" in o.attrs]
    assert chosen == [str(top_k)]


@pytest.mark.parametrize("top_k", ["0", "51", "x"])
def test_a_bad_top_k_is_a_400_saying_what_is_allowed(client, top_k):
    response, root = page(client, q="Eitingon", top_k=top_k)
    assert response.status_code == 400
    assert "from 1 to 50" in root.find("div", class_="problem").text()


# --- highlights ------------------------------------------------------------------------------------

def _terms(root: Node) -> list[Node]:
    return [t for li in root.find_all("li", class_="passage") for t in li.find_all("mark", class_="term")]


def test_a_possessive_after_a_name_is_not_part_of_the_match(client):
    _, root = page(client, q="Where did Eitingon study?", top_k="10")
    texts = [t.text() for t in _terms(root)]
    assert "Eitingon" in texts and not [t for t in texts if t.endswith(("′s", "'s", "’s"))]
    html = str(page(client, q="Where did Eitingon study?", top_k="10")[0].get_data(as_text=True))
    assert '<span class="ent-label">PERSON</span></mark>′s close friend' in html


def test_a_pronoun_matched_for_the_subject_says_whom_it_refers_to(client, engine):
    _, root = page(client, q="Where was Eitingon active in the late 1930s?")
    pronouns = [t for t in _terms(root) if t.text() in ("He", "he", "his", "His")]
    assert pronouns
    subject = engine.documents[0].title
    for mark in pronouns:
        assert mark.attrs["title"] == f"“{mark.text()}” refers to {subject}"
    hints = root.find_all("span", class_="ref")
    assert len(hints) == len(pronouns) and all(h.text() == f" (refers to {subject})" for h in hints)


def _shown(node: Node) -> str:
    """A node's text without entity labels and pronoun hints: the passage's own words."""
    return "".join(c if isinstance(c, str) else ("" if {"ent-label", "ref"} & set(
        c.attrs.get("class", "").split()) else _shown(c)) for c in node.children)


def test_the_short_answer_is_outlined_in_its_passage_when_it_is_a_phrase(client):
    _, root = page(client, q="Why did Eitingon lose his post as deputy director?")
    answer = root.find("span", class_="answer-span").text()
    assert root.find("span", class_="chip").text() == "PHRASE"
    first = root.find("li", id="passage-1")
    [outlined] = first.find("p", class_="passage-text").find_all("span", class_="answer-phrase")
    assert _shown(outlined) == answer and outlined.attrs["title"] == "the short answer"
    assert not root.find("li", id="passage-2").find_all("span", class_="answer-phrase")
    assert root.find("p", class_="answer-meta").find("a").attrs["href"] == "#passage-1"
    assert root.find("section", class_="legend").find_all("span", class_="answer-phrase")


def test_a_yes_or_no_outlines_the_words_it_rests_on(client):
    _, root = page(client, q="Did Eitingon confess under torture?")
    assert root.find("span", class_="answer-span").text() == "no"
    assert root.find("span", class_="chip").text() == "YES_NO"
    assert "where the words it rests on are outlined" in root.find("p", class_="answer-meta").text()
    [outlined] = root.find("li", id="passage-1").find_all("span", class_="answer-phrase")
    assert _shown(outlined) == "denial"


def test_the_short_answer_is_its_entity_outlined_when_it_is_one(client):
    _, root = page(client, q="When did Eitingon die?")
    first = root.find("li", id="passage-1")
    assert not first.find_all("span", class_="answer-phrase")
    [entity] = first.find_all("mark", class_="is-answer")
    assert _shown(entity) == "1981"


def test_segments_wrap_a_phrase_answer_around_the_entities_it_holds():
    text = "He was in the study of his house in Coyoacán."
    entities = [{"label": "GPE", "start": 36, "end": 44}, {"label": "X", "start": 10, "end": 19}]
    matches = [{"term": "eitingon", "start": 23, "end": 26, "refers_to": "Nahum Eitingon"},
               {"term": "studi", "start": 14, "end": 19}]
    out = segments(text, entities, matches, answer=(14, 44))
    assert [s.get("label") for s in out] == [None, None, None]
    assert out[1]["answer"] is True
    inner = out[1]["segments"]
    assert [s["label"] for s in inner] == [None, "GPE"]  # X crosses the answer's edge: shown plain
    assert [r for s in inner for r in s["runs"] if r.get("ref")] == [
        {"text": "his", "term": True, "ref": "Nahum Eitingon"}]
    flat = [r["text"] for s in out for r in s.get("runs", [])] + [
        r["text"] for s in inner for r in s["runs"]]
    assert sorted("".join(flat)) == sorted(text)


# --- context and the whole document ----------------------------------------------------------------

def test_each_passage_links_to_its_sentence_in_the_whole_document(client, engine):
    _, root = page(client, q="When did Eitingon die?")
    for li in root.find_all("li", class_="passage"):
        href = li.find("a", class_="where").attrs["href"]
        path, anchor = href.split("#")
        assert path == "/documents/article" and re.fullmatch(r"s\d+", anchor)
        response, doc = page_at(client, path)
        sentence = doc.find("span", id=anchor)
        assert sentence.text() == _shown(li.find("p", class_="passage-text"))


def test_the_sentences_around_a_passage_can_be_shown(client, engine):
    _, root = page(client, q="When did Eitingon die?")
    group = [p for p in engine.passages if p.document == "article"]
    for li in root.find_all("li", class_="passage"):
        index = int(li.find("a", class_="where").attrs["href"].split("#s")[1])
        context = li.find("details", class_="context")
        assert context.find("summary").text() == "Sentences around it"
        before = [p.text().removeprefix("Before: ") for p in context.find_all("p", class_="context-before")]
        after = [p.text().removeprefix("After: ") for p in context.find_all("p", class_="context-after")]
        assert before == [p.text for p in group[max(0, index - 1):index]]
        assert after == [p.text for p in group[index + 1:index + 2]]
        assert before or after


def test_the_document_page_has_every_sentence_in_order_under_its_section(client, engine):
    response, root = page_at(client, "/documents/article")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert root.find("h1").text() == engine.documents[0].title
    spans = root.find_all("span", class_="sentence")
    group = [p for p in engine.passages if p.document == "article"]
    assert [(s.attrs["id"], s.text()) for s in spans] == [(f"s{p.sentence_index}", p.text) for p in group]
    sections = [h.text() for h in root.find("article").find_all("h2")]
    assert sections == list(dict.fromkeys(p.section for p in group))
    assert len(root.find("article").find_all("p")) < len(spans)  # sentences kept in their paragraphs
    assert root.find("a", href="/?document=article")


def test_an_unknown_document_is_the_site_s_404_page(client):
    response = client.get("/documents/no-such-thing")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "<h2>There is nothing here</h2>" in response.get_data(as_text=True)


# --- the API, to read --------------------------------------------------------------------------------

def test_the_api_page_renders_the_openapi_document_and_is_linked(client, app):
    spec = app.extensions["qa.service.openapi"]
    response, root = page_at(client, "/api/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    for path, item in spec["paths"].items():
        for method, op in item.items():
            section = root.find("section", id=op["operationId"])
            assert path in section.text() and method.upper() in section.text()
            assert {c.find("code").text() for c in section.find_all("tr")[1:] if c.find_all("code")} >= set(
                op["responses"])
    for name in spec["components"]["schemas"]:
        assert root.find("section", id=f"schema-{name}")
    assert 'href="#schema-AskResponse"' in html and "integer, from 1 to 50, default 3" in html
    _, home = page(client)
    assert home.find("a", href="/api/docs")


@pytest.mark.parametrize("path", ["/api/docs", "/documents/article"])
def test_the_new_pages_are_safe_and_offline(client, path):
    response, root = page_at(client, path)
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert not root.find_all("style") and not root.find_all("script")
    for node in root.find_all():
        assert "style" not in node.attrs and not [a for a in node.attrs if a.startswith("on")]
        for name in ("src", "href"):
            assert not re.match(r"(https?:)?//", node.attrs.get(name) or "")
