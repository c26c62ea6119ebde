"""The page in a real headless Chromium against a live server: asking, rendering, safety, phones."""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import quote

import pytest

from .conftest import CHROMIUM

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
XSS = '<script>alert(1)</script><img src=x onerror=alert(1)>'

if not CHROMIUM.exists():
    pytest.skip("no Chromium at /usr/bin/chromium: install it with `apt-get install chromium` "
                "(CI does this in .ci/run)", allow_module_level=True)


@pytest.fixture(scope="module")
def live_server(engine):
    """The app on 127.0.0.1 at a free port, served from a thread for this module's tests."""
    from werkzeug.serving import make_server

    from qa.service.app import create_app

    server = make_server("127.0.0.1", 0, create_app(engine=engine), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def ask(page, question: str) -> None:
    page.fill("#q", question)
    page.press("#q", "Enter")
    page.wait_for_function("() => !document.getElementById('results').hasAttribute('aria-busy') "
                           "&& document.getElementById('status').textContent !== 'Searching…'")


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_typing_a_question_and_pressing_enter_shows_the_answer(page, live_server):
    page.goto(live_server + "/")
    assert page.locator("label[for=q]").inner_text() == "Your question"
    ask(page, "When did Eitingon die?")
    assert page.locator(".answer-span").inner_text() == "1981"
    assert page.locator(".answer .chip").get_attribute("data-label") == "DATE"
    assert page.locator("li.passage").count() == 3
    first = page.locator("li.passage").first
    assert first.locator("mark.ent[data-label=PERSON]").count() >= 1
    assert first.locator("mark.ent.is-answer[data-label=DATE] .ent-label").inner_text() == "DATE"
    assert first.locator("mark.term").count() >= 1
    assert first.locator(".section").inner_text() == "Doctors' Plot"
    legend = page.locator("section.legend")
    assert legend.is_visible()
    assert legend.locator("mark.ent[data-label=DATE]").count() == 1
    assert page.locator("#status").inner_text() == "Answer: 1981 (DATE). 3 passages found."
    assert page.url == live_server + "/?q=" + quote("When did Eitingon die?")
    colour = first.locator("mark.ent[data-label=DATE]").evaluate(
        "m => getComputedStyle(m).backgroundColor")
    assert colour == "rgb(191, 225, 217)"  # displaCy's #bfe1d9 for DATE
    details = first.locator("details.score")
    assert not details.locator("li").first.is_visible()
    details.locator("summary").click()
    assert "occurs" in details.locator("li").first.inner_text()
    screenshot(page, "browser-answer.png")
    assert page.watch.dialogs == [] and page.watch.errors == []


def open_contexts(page) -> None:
    """Open every passage's "Sentences around it" and wait until each has its sentences."""
    for summary in page.locator("details.context > summary").all():
        summary.click()
    page.wait_for_function("() => [...document.querySelectorAll('details.context')]"
                           ".every(d => d.querySelector('p'))")


@pytest.mark.parametrize("question", ["Who killed Trotsky?", "Where did Eitingon study?"])
def test_the_page_the_script_renders_matches_the_server_rendered_one(page, live_server, question):
    page.goto(live_server + "/")
    ask(page, question)
    open_contexts(page)
    scripted = page.locator("#results").inner_html()
    page.goto(live_server + "/?q=" + quote(question))
    open_contexts(page)
    served = page.locator("#results").inner_html()
    strip = "".join  # compare the markup without the template's indentation
    assert strip(scripted.split()) == strip(served.split())
    assert page.locator("#results .context-before, #results .context-after").count() >= 3
    assert page.watch.errors == []


def test_markup_in_the_question_is_shown_literally_and_runs_nothing(page, live_server):
    page.goto(live_server + "/")
    ask(page, XSS)
    assert page.locator("#q").input_value() == XSS
    assert page.title().startswith(XSS)
    assert page.locator("img").count() == 0
    assert page.evaluate("() => document.querySelectorAll('script').length") == 2
    page.goto(live_server + "/?q=" + quote(XSS))
    page.wait_for_load_state("load")
    assert page.locator("#q").input_value() == XSS
    assert page.locator("img").count() == 0
    screenshot(page, "browser-markup-question.png")
    assert page.watch.dialogs == []
    assert page.watch.errors == []


def test_no_match_and_error_states_say_their_message_once_as_a_sentence(page, live_server):
    page.goto(live_server + "/")
    ask(page, "What is the airspeed of a swallow?")
    card = page.locator(".empty[role=alert]")
    assert card.locator("h2").inner_text().lower() == "no passage matches"
    reason = card.locator("p").inner_text()
    assert reason.startswith("None of the question's words (airspeed, swallow)"), reason
    assert page.locator("#status").inner_text() == ""
    assert page.locator("body").inner_text().count(reason) == 1
    page.evaluate("() => document.getElementById('q').removeAttribute('maxlength')")
    ask(page, "x" * 1001)
    alert = page.locator(".problem[role=alert]")
    message = alert.locator("p").inner_text()
    assert message.startswith("Question is 1001 characters long, over the limit of 1000"), message
    assert page.locator("#status").inner_text() == ""
    assert page.locator("body").inner_text().count(message) == 1


def test_examples_can_be_clicked_and_back_restores_the_previous_question(page, live_server):
    page.goto(live_server + "/")
    example = page.locator("a.example").first
    text = example.inner_text()
    example.click()
    page.wait_for_selector("li.passage")
    assert page.locator("#q").input_value() == text
    assert page.url == live_server + "/?q=" + quote(text)
    ask(page, "When did Eitingon die?")
    page.go_back()
    page.wait_for_function(f"() => document.getElementById('q').value === {text!r}")
    page.wait_for_function("() => !document.getElementById('results').hasAttribute('aria-busy')")
    assert page.locator("li.passage").count() >= 1


def test_keyboard_focus_is_visible(page, live_server):
    page.goto(live_server + "/")
    page.locator("#q").focus()
    page.keyboard.press("Tab")
    style = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert page.evaluate("() => document.activeElement.tagName") == "BUTTON"
    assert style not in ("none", "")


@pytest.mark.parametrize("path", ["/?q=" + quote("Where did Eitingon study?"), "/documents/article",
                                  "/api/docs"])
def test_fits_a_375_pixel_phone_screen(browser, live_server, path):
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True,
                                  device_scale_factor=2)
    page = context.new_page()
    page.goto(live_server + path)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    if path.startswith("/?"):
        for selector in ("#q", "#top_k", "li.passage .ref"):
            box = page.locator(selector).first.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 375, selector
        page.locator("details.context > summary").first.click()
        page.wait_for_selector("details.context p")
        screenshot(page, "browser-phone.png")
    context.close()


def test_works_with_javascript_off(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/")
    page.fill("#q", "When did Eitingon die?")
    page.press("#q", "Enter")
    page.wait_for_url("**/?q=*")
    assert page.locator(".answer-span").inner_text() == "1981"
    assert page.locator("li.passage").count() == 3
    page.select_option("#top_k", "5")
    page.press("#q", "Enter")
    page.wait_for_url("**top_k=5*")
    assert page.locator("li.passage").count() == 5
    context.close()


def test_the_number_of_passages_can_be_chosen_and_is_kept_in_the_address(page, live_server):
    question = "When did Eitingon die"  # its answer is in the first passage: no passage is added
    page.goto(live_server + "/")
    assert page.locator("#top_k").input_value() == "3"
    page.select_option("#top_k", "10")
    ask(page, question)
    assert page.locator("li.passage").count() == 10
    assert page.url == live_server + "/?q=When%20did%20Eitingon%20die&top_k=10"
    page.select_option("#top_k", "1")
    ask(page, question)
    assert page.locator("li.passage").count() == 1
    page.go_back()
    page.wait_for_function("() => document.querySelectorAll('li.passage').length === 10")
    assert page.locator("#top_k").input_value() == "10"
    page.goto(live_server + "/?q=When%20did%20Eitingon%20die&top_k=7")
    assert page.locator("li.passage").count() == 7
    assert page.locator("#top_k").input_value() == "7"


def test_pronouns_say_whom_they_refer_to_and_possessives_are_not_matched(page, live_server):
    page.goto(live_server + "/")
    page.select_option("#top_k", "10")
    ask(page, "Where did Eitingon study?")
    terms = page.locator("li.passage mark.term").all_inner_texts()
    assert "Eitingon" in terms and not [t for t in terms if t.endswith("′s")]
    he = page.locator("li.passage mark.term[title]").first
    assert he.get_attribute("title").endswith("refers to Nahum Eitingon")
    assert page.locator("li.passage .ref").first.inner_text().strip() == "(refers to Nahum Eitingon)"


def test_a_phrase_answer_is_outlined_in_its_passage(page, live_server):
    page.goto(live_server + "/")
    ask(page, "Why did Eitingon lose his post as deputy director?")
    outlined = page.locator("li.passage .answer-phrase")
    assert outlined.count() == 1
    assert outlined.inner_text() == "his poor personal relations with Serebryansky"


def test_a_yes_or_no_outlines_the_words_it_rests_on(page, live_server):
    page.goto(live_server + "/")
    ask(page, "Did Eitingon confess under torture?")
    assert page.locator(".answer-span").inner_text() == "no"
    assert "where the words it rests on are outlined" in page.locator(".answer-meta").inner_text()
    assert page.locator("li.passage .answer-phrase").inner_text() == "denial"


def _rgb(css: str) -> tuple[float, ...]:
    return tuple(int(x) / 255 for x in css[css.index("(") + 1:css.index(")")].split(",")[:3])


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two computed CSS rgb() colours."""
    def luminance(colour):
        c = [x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4 for x in _rgb(colour)]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


# (what, its text colour, the colour behind it: the nearest background that is not transparent)
COLOURS = """() => [...document.querySelectorAll(
  'body, h1, .lede, .hint, #status, .answer-meta, .legend-text, li.passage mark.ent, li.passage .ent-label,'
  + ' .chip, mark.term, .ref, .where, .section, .context summary, .context p, .context-label')]
  .map(n => {
    const none = 'rgba(0, 0, 0, 0)';
    let b = n, c = none;
    while (b && (c = getComputedStyle(b).backgroundColor) === none) b = b.parentElement;
    return [n.className || n.tagName, getComputedStyle(n).color, b ? c : 'rgb(255, 255, 255)'];
  })"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_is_readable_in_the_browser_s_colour_scheme(browser, live_server, scheme):
    context = browser.new_context(viewport={"width": 1100, "height": 1400}, color_scheme=scheme)
    page = context.new_page()
    page.goto(live_server + "/?q=" + quote("Where did Eitingon study?") + "&top_k=5")
    paper = page.locator(".passages-section").evaluate("n => getComputedStyle(n).backgroundColor")
    dark = sum(_rgb(paper)) / 3 < 0.3
    assert dark == (scheme == "dark"), paper
    page.locator("details.context > summary").first.click()
    page.wait_for_selector("details.context p")
    seen = page.evaluate(COLOURS)
    assert {"ent", "ent-label", "chip", "term", "ref", "context-label"} <= {n for n, _, _ in seen}
    for name, colour, background in seen:
        assert contrast(colour, background) >= 4.5, (name, colour, background)
    if scheme == "dark":
        screenshot(page, "browser-dark.png")
    context.close()


def test_a_passage_links_to_its_sentence_in_the_whole_document(page, live_server):
    page.goto(live_server + "/")
    ask(page, "When did Eitingon die?")
    text = page.locator("li.passage").first.locator(".passage-text").inner_text()
    page.locator("li.passage").first.locator("a.where").click()
    page.wait_for_url("**/documents/article#s*")
    target = page.locator(".sentence:target")
    assert target.count() == 1 and target.inner_text() in text.replace("PERSON", "").replace("DATE", "")
    assert target.evaluate("n => getComputedStyle(n).backgroundColor") != "rgba(0, 0, 0, 0)"
    page.locator("footer a", has_text="JSON API").click()
    page.wait_for_url("**/api/docs")
    assert page.locator("#askPost code").first.inner_text() == "/api/ask"
    assert page.watch.errors == []
