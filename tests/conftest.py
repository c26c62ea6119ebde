"""Layered fixtures: the real spaCy pipeline and engines once per session; apps and clients per test."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "corpus" / "article.txt"
TINY = Path(__file__).resolve().parent / "data" / "tiny"


@pytest.fixture(scope="session", autouse=True)
def _cache_dir(tmp_path_factory):
    """Every test session gets its own cache folder: tests never touch the user's cache."""
    mp = pytest.MonkeyPatch()
    mp.setenv("QA_CACHE_DIR", str(tmp_path_factory.mktemp("qa-cache")))
    mp.delenv("QA_CORPUS", raising=False)
    mp.delenv("QA_PIPELINE", raising=False)
    mp.delenv("QA_ADMIN_TOKEN", raising=False)  # writes are enabled only where a test says so
    yield
    mp.undo()


@pytest.fixture(scope="session")
def nlp():
    from qa.nlp import load_pipeline, pipeline_name

    return load_pipeline(pipeline_name())


@pytest.fixture(scope="session")
def engine():
    """The engine over the real article (corpus/article.txt)."""
    from qa.engine import Engine

    return Engine.from_corpus(ARTICLE)


@pytest.fixture(scope="session")
def tiny_engine():
    """The engine over a small hand-written corpus with known answers."""
    from qa.engine import Engine

    return Engine.from_corpus(TINY)


@pytest.fixture
def app(engine):
    """The Flask app over the session's engine (the engine is built once, the app per test)."""
    from qa.service.app import create_app

    return create_app({"TESTING": True}, engine=engine)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    """A fresh, empty cache folder for one test."""
    d = tmp_path / "cache"
    monkeypatch.setenv("QA_CACHE_DIR", str(d))
    return d


def tiny_copy(parent: Path) -> Path:
    """``parent/corpus``: a writable folder holding a copy of the tiny article."""
    d = parent / "corpus"
    d.mkdir()
    (d / "lighthouse.txt").write_bytes((TINY / "lighthouse.txt").read_bytes())
    return d


@pytest.fixture
def corpus(tmp_path):
    """A writable copy of the tiny corpus, for tests that change or damage it."""
    return tiny_copy(tmp_path)


@pytest.fixture(scope="session")
def mixed_engine(tmp_path_factory):
    """The engine over a folder of two articles: the seed article and the Marie Curie one."""
    from qa.engine import Engine

    d = tmp_path_factory.mktemp("mixed")
    (d / "article.txt").write_bytes(ARTICLE.read_bytes())
    (d / "marie_curie.txt").write_bytes((ROOT / "corpus" / "generalisation" / "marie_curie.txt").read_bytes())
    return Engine.from_corpus(d)


TIMEOUT_MS = 15_000  # how long a browser test waits for the page
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (Debian's, driven by Playwright) for every browser test."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
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
    """A fresh page at a desktop width, watched for dialogs and script errors."""
    context = browser.new_context(viewport={"width": 1100, "height": 1400})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.watch = Watch(page)
    yield page
    context.close()
