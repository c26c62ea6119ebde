"""The page: server-rendered for /?q= (works without JavaScript), safe, offline, accessible."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from spacy.displacy.render import DEFAULT_LABEL_COLORS

from qa.app import WEB
from qa.pages import segments

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
    response = client.get("/", query_string=query)
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
    assert len(passages) == 5
    first = passages[0]
    assert first.find("span", class_="rank").text() == "1"
    assert first.find("span", class_="section").text() == "Doctors' Plot"
    assert "Nahum Eitingon" in first.find("span", class_="where").text()
    assert "sentence" in first.find("span", class_="where").text()
    score = first.find("details", class_="score")
    assert score.find("summary").text().startswith("score ")
    assert "occurs" in score.find("li").text()
    assert root.find("p", id="status").text() == "Answer: 1981 (DATE). 5 passages found."


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
    assert root.find("p", class_="empty").text().startswith("No passage matches")
    assert not root.find_all("section", class_="answer")


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


def test_label_colours_are_displacy_s(client):
    response = client.get("/labels.css")
    assert response.mimetype == "text/css"
    css = response.get_data(as_text=True)
    for label, colour in DEFAULT_LABEL_COLORS.items():
        assert f'[data-label="{label}"] {{ --label-colour: {colour}; }}' in css


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
    from qa.app import create_app

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
    from qa.evaluate import token_f1
    from qa.pages import _listed_questions, examples

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
    from qa.app import create_app

    app = create_app({"TESTING": True, "QA_MAX_ASKING": 0, "QA_BUSY_WAIT": 0}, engine=engine)
    response = app.test_client().get("/?q=When+did+Eitingon+die%3F")
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and "<h2>The service is busy</h2>" in page
    assert "<h2>Something is wrong with the question</h2>" not in page


def test_the_script_picks_error_headings_from_the_same_table(client):
    from qa.pages import ERROR_HEADINGS

    script = (WEB / "static" / "app.js").read_text(encoding="utf-8")
    assert "data.headings" in script and "Something is wrong" not in script
    page = client.get("/").get_data(as_text=True)
    assert all(heading in page for heading in ERROR_HEADINGS.values())  # in the page's data
