"""The page in a real headless Chromium against a live server: asking, rendering, safety, phones."""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
XSS = '<script>alert(1)</script><img src=x onerror=alert(1)>'
TIMEOUT_MS = 15_000

if not CHROMIUM.exists():
    pytest.skip("no Chromium at /usr/bin/chromium: install it with `apt-get install chromium` "
                "(CI does this in .ci/run)", allow_module_level=True)


@pytest.fixture(scope="module")
def live_server(engine):
    """The app on 127.0.0.1 at a free port, served from a thread for this module's tests."""
    from werkzeug.serving import make_server

    from qa.app import create_app

    server = make_server("127.0.0.1", 0, create_app(engine=engine), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield browser
        browser.close()


class Watch:
    """What the page did that it must not: dialogs, script errors, console errors (CSP reports)."""

    def __init__(self, page):
        self.dialogs, self.errors = [], []
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 1400})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.watch = Watch(page)
    yield page
    context.close()


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
    assert page.locator("li.passage").count() == 5
    first = page.locator("li.passage").first
    assert first.locator("mark.ent[data-label=PERSON]").count() >= 1
    assert first.locator("mark.ent.is-answer[data-label=DATE] .ent-label").inner_text() == "DATE"
    assert first.locator("mark.term").count() >= 1
    assert first.locator(".section").inner_text() == "Doctors' Plot"
    legend = page.locator("section.legend")
    assert legend.is_visible()
    assert legend.locator("mark.ent[data-label=DATE]").count() == 1
    assert page.locator("#status").inner_text() == "Answer: 1981 (DATE). 5 passages found."
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


def test_the_page_the_script_renders_matches_the_server_rendered_one(page, live_server):
    page.goto(live_server + "/")
    ask(page, "Who killed Trotsky?")
    scripted = page.locator("#results").inner_html()
    page.goto(live_server + "/?q=" + quote("Who killed Trotsky?"))
    served = page.locator("#results").inner_html()
    strip = "".join  # compare the markup without the template's indentation
    assert strip(scripted.split()) == strip(served.split())


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


def test_no_match_and_error_states(page, live_server):
    page.goto(live_server + "/")
    ask(page, "zyxxyqq blorft")
    assert page.locator("p.empty").inner_text().startswith("No passage matches")
    page.evaluate("() => document.getElementById('q').removeAttribute('maxlength')")
    ask(page, "x" * 1001)
    alert = page.locator(".problem[role=alert]")
    assert "over the limit of 1000" in alert.inner_text()
    assert "is-error" in page.locator("#status").get_attribute("class")


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


def test_fits_a_375_pixel_phone_screen(browser, live_server):
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True,
                                  device_scale_factor=2)
    page = context.new_page()
    page.goto(live_server + "/?q=" + quote("Who killed Trotsky?"))
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    box = page.locator("#q").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375
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
    assert page.locator("li.passage").count() == 5
    context.close()
