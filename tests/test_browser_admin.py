"""The page's "Add an article" form and remove buttons in a real headless Chromium, against a live
server over a folder corpus with writes enabled (web/static/admin.js)."""

from __future__ import annotations

import threading

import pytest

from .conftest import tiny_copy
from .test_browser import ask, screenshot

pytestmark = pytest.mark.browser

TOKEN = "browser-" + "t" * 24
FOX = "The Fox\n\nThe red fox Vulpes was born in Kent in 1990.\n"


def serve(app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread, f"http://127.0.0.1:{server.server_port}"


@pytest.fixture
def folder(tmp_path):
    return tiny_copy(tmp_path)


@pytest.fixture
def writable_server(folder):
    from qa.service.app import create_app

    server, thread, base = serve(create_app({"QA_CORPUS": str(folder), "QA_ADMIN_TOKEN": TOKEN}))
    yield base
    server.shutdown()
    thread.join(timeout=10)


def status(page) -> str:
    page.wait_for_function("() => !document.getElementById('admin-status').textContent"
                           ".endsWith('(the article is parsed first)')")
    return page.locator("#admin-status").inner_text()


def test_an_article_pasted_into_the_form_is_added_and_answered(page, writable_server, folder):
    page.goto(writable_server + "/")
    assert page.locator("#admin").is_visible()
    assert page.locator("#admin-title").text_content() == "Add an article"
    page.fill("#admin-token", TOKEN)
    page.fill("#article-name", "fox")
    page.fill("#article-text", FOX)
    page.click("#add-article button[type=submit]")
    assert status(page) == "Added “The Fox” (fox): 1 sentence. Ask about it now."
    assert (folder / "fox.txt").read_text(encoding="utf-8") == FOX
    assert page.locator("#document-list code").all_inner_texts() == ["fox", "lighthouse"]
    ask(page, "Where was the fox born?")
    assert "Kent" in page.locator("li.passage").first.inner_text()
    screenshot(page, "browser-add-article.png")
    assert page.evaluate("() => [localStorage.length, sessionStorage.length, document.cookie]") == [0, 0, ""]
    assert TOKEN not in page.url
    assert page.watch.dialogs == [] and page.watch.errors == []


def test_an_uploaded_file_is_added_and_a_remove_button_removes_it(page, writable_server, folder, tmp_path):
    article = tmp_path / "red fox.txt"
    article.write_text(FOX, encoding="utf-8")
    page.goto(writable_server + "/")
    page.fill("#admin-token", TOKEN)
    page.set_input_files("#article-file", str(article))
    assert page.input_value("#article-name") == "red_fox"
    page.click("#add-article button[type=submit]")
    assert status(page).startswith("Added “The Fox” (red_fox)")
    page.click("#document-list button.remove[data-name=red_fox]")
    page.wait_for_function("() => document.getElementById('admin-status').textContent.startsWith('Removed')"
                           " && document.querySelectorAll('#document-list li').length === 1")
    assert page.locator("#document-list code").all_inner_texts() == ["lighthouse"]
    assert not (folder / "red_fox.txt").exists()
    assert page.watch.dialogs == [] and page.watch.errors == []


def test_a_wrong_token_or_a_bad_article_shows_what_to_fix(page, writable_server, folder):
    page.goto(writable_server + "/")
    page.fill("#admin-token", "wrong")
    page.fill("#article-name", "fox")
    page.fill("#article-text", FOX)
    page.click("#add-article button[type=submit]")
    assert status(page).startswith("The admin token is wrong")
    page.fill("#admin-token", TOKEN)
    page.fill("#article-text", "Only a title\n")
    page.click("#add-article button[type=submit]")
    assert "no paragraphs" in status(page)
    assert sorted(f.name for f in folder.glob("*.txt")) == ["lighthouse.txt"]
    page.click("#document-list button.remove[data-name=lighthouse]")
    page.wait_for_function("() => document.getElementById('admin-status').textContent"
                           ".includes('only article')")


def test_without_writes_the_page_has_no_form(page, folder):
    from qa.service.app import create_app

    server, thread, base = serve(create_app({"QA_CORPUS": str(folder), "QA_ADMIN_TOKEN": None}))
    try:
        page.goto(base + "/")
        assert page.locator("#admin").count() == 0
        assert page.locator("#q").is_visible()
    finally:
        server.shutdown()
        thread.join(timeout=10)
