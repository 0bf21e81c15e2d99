"""Drives `shelfmirror serve` in a real browser (headless Chromium through Debian's chromedriver,
selenium 4) and checks, after each action, the rows it wrote in the mirror with sqlite3.

Starts nothing: Tests/Browser/run-browser-tests.sh builds a mirror (fake-abs, sync, match, diff),
starts `serve` on a free loopback port and passes, in the environment:
  SHELFMIRROR_URL  the URL serve printed (http://127.0.0.1:PORT/)
  SHELFMIRROR_DB   the mirror serve reads and writes
  SHELFMIRROR_BIN  the shelfmirror binary (the stale-page check decides with it, as a user would)
  SCREENSHOT_DIR   where the screenshots go (<page>-desktop.png, <page>-phone.png)
The routes, token and Origin rules and data-test names are those of the contract between the
server and these tests. Never sleeps: every wait is a WebDriverWait on a condition. Prints one
line per check and a closing 'N passed, N failed'; exits 1 if any check failed. Names of checks
as arguments run only those.
"""

import contextlib
import html.parser
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

URL = os.environ["SHELFMIRROR_URL"].rstrip("/") + "/"
DB = os.environ["SHELFMIRROR_DB"]
BIN = os.environ["SHELFMIRROR_BIN"]
SHOTS = os.environ.get("SCREENSHOT_DIR", ".build/screenshots")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
# Long enough for a debug build on a busy 2-core machine; a passing check waits far less.
WAIT_SECONDS = 15
ORIGIN = URL.rstrip("/")  # http://127.0.0.1:PORT
DESKTOP = (1280, 900)
PHONE = (390, 844)

# MARK: - The mirror, read with sqlite3


@contextlib.contextmanager
def mirror():
    """A connection for one look, closed after it. Autocommit: each query sees what serve and the
    CLI committed last."""
    db = sqlite3.connect(DB, timeout=10, isolation_level=None)
    db.row_factory = sqlite3.Row
    try:
        yield db
    finally:
        db.close()


def change(change_id: int) -> dict:
    with mirror() as db:
        row = db.execute(
            "SELECT id, item_id, field, status, proposed_value, decided_at, book_id, target FROM change WHERE id = ?",
            (change_id,)).fetchone()
    assert row is not None, f"change {change_id} is not in the mirror"
    return dict(row)


def match(item_id: str) -> dict | None:
    with mirror() as db:
        row = db.execute("SELECT item_id, status, book_id, edition_id, method FROM match WHERE item_id = ?",
                         (item_id,)).fetchone()
    return dict(row) if row else None


def snapshot() -> dict:
    """Every proposal's and match's decision columns: what 'nothing was written' compares."""
    with mirror() as db:
        changes = {r[0]: tuple(r[1:]) for r in db.execute(
            "SELECT id, status, proposed_value, decided_at, book_id FROM change")}
        matches = {r[0]: tuple(r[1:]) for r in db.execute(
            "SELECT item_id, status, book_id, edition_id, pinned FROM match")}
    return {"change": changes, "match": matches}


def written_since(before: dict) -> list[str]:
    """What differs from `before`, one line per row ('change 12: (...) -> (...)')."""
    after = snapshot()
    lines = []
    for table in ("change", "match"):
        for key in sorted(set(before[table]) | set(after[table]), key=str):
            old, new = before[table].get(key), after[table].get(key)
            if old != new:
                lines.append(f"{table} {key}: {old} -> {new}")
    return lines


# MARK: - HTTP without a browser (token, Origin, Host)


class DataTestParser(html.parser.HTMLParser):
    """The elements that carry a data-test name, with their attributes, and the page's token."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[dict] = []
        self.token: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and a.get("name") == "shelfmirror-token":
            self.token = a.get("content")
        if "data-test" in a:
            self.elements.append(a)


# Never through a proxy: the server is on loopback.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http(method: str, path: str, form: dict | None = None, headers: dict | None = None) -> tuple[int, str]:
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(URL + path.lstrip("/"), data=data, method=method, headers=headers or {})
    try:
        with OPENER.open(request, timeout=WAIT_SECONDS) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def parse(path: str) -> DataTestParser:
    status, body = http("GET", path)
    assert status == 200, f"GET {path}: {status} {body[:200]}"
    parser = DataTestParser()
    parser.feed(body)
    return parser


# MARK: - The browser


def start_browser(javascript: bool = True) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                     "--no-proxy-server", f"--window-size={DESKTOP[0]},{DESKTOP[1]}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # The driver is Debian's, named: selenium never fetches one of its own.
    return webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))


class Page:
    def __init__(self, driver: webdriver.Chrome) -> None:
        self.driver = driver

    def open(self, path: str) -> None:
        self.driver.get(URL + path.lstrip("/"))
        self.wait(lambda d: d.execute_script("return document.readyState") == "complete", f"{path} loads")

    def wait(self, condition, what: str, seconds: float = WAIT_SECONDS):
        """WebDriverWait on `condition`; a stale element (the page was replaced) means 'not yet'."""
        def attempt(driver):
            try:
                return condition(driver)
            except StaleElementReferenceException:
                return False
        try:
            return WebDriverWait(self.driver, seconds, poll_frequency=0.05).until(attempt)
        except TimeoutException:
            raise AssertionError(f"timed out after {seconds} s waiting for: {what}\n  at {self.driver.current_url}, "
                                 f"which shows: {self.text()[:300]!r}") from None

    def text(self) -> str:
        try:
            return " ".join(self.driver.find_element(By.TAG_NAME, "body").text.split())
        except Exception:  # no page to read
            return ""

    def is_app_page(self) -> bool:
        """A page of the app (its navigation), not a bare refusal or error text."""
        return bool(self.driver.find_elements(By.CSS_SELECTOR, '[data-test="nav-library"]'))

    def all(self, name: str, root=None) -> list:
        return (root or self.driver).find_elements(By.CSS_SELECTOR, f'[data-test="{name}"]')

    def one(self, name: str, root=None):
        found = self.all(name, root)
        assert found, f'no [data-test="{name}"] on {self.driver.current_url}'
        return found[0]

    def proposal(self, change_id: int):
        found = self.driver.find_elements(By.CSS_SELECTOR, f'[data-test="proposal"][data-change-id="{change_id}"]')
        return found[0] if found else None

    def flash(self, kind: str | None = None):
        selector = '[data-test="flash"]' + (f'[data-kind="{kind}"]' if kind else "")
        return [f for f in self.driver.find_elements(By.CSS_SELECTOR, selector) if f.is_displayed()]

    def click(self, element) -> None:
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()

    def console_errors(self) -> list[str]:
        return [e["message"] for e in self.driver.get_log("browser")
                if e["level"] == "SEVERE" and "favicon.ico" not in e["message"]]

    def viewport(self, size: tuple[int, int]) -> None:
        width, height = size
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})


# MARK: - The checks


class Checks:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.used: set[int] = set()  # proposals a check has decided: no other check takes them
        self.linked: set[str] = set()  # items a check has linked to another book
        self.notes: list[str] = []

    # Helpers

    def pending_proposals(self) -> list:
        """The pending proposals on the open page that no check has used, in page order."""
        return [p for p in self.page.all("proposal")
                if p.get_attribute("data-status") == "pending" and int(p.get_attribute("data-change-id")) not in self.used]

    def take(self, proposal) -> int:
        change_id = int(proposal.get_attribute("data-change-id"))
        self.used.add(change_id)
        row = change(change_id)
        assert row["status"] == "pending", f"change {change_id}: the page says pending, the mirror {row['status']}"
        assert proposal.get_attribute("data-field") == row["field"], (proposal.get_attribute("data-field"), row["field"])
        return change_id

    def wait_decided(self, change_id: int, status: str) -> dict:
        self.page.wait(lambda d: change(change_id)["status"] == status, f"change {change_id} {status} in the mirror")
        return change(change_id)

    def wait_written(self, condition, what: str) -> None:
        """Waits until `condition()` holds in the mirror, or the browser shows a page that is not
        the app's (a refusal): then fails at once with what that page says."""
        self.page.wait(lambda d: condition() or not self.page.is_app_page(), what)
        assert condition(), f"{what}: the browser shows instead, at {self.page.driver.current_url}: {self.page.text()[:300]!r}"

    def wait_shown(self, change_id: int, status: str) -> None:
        """The page shows the decision: the proposal's row says it, or it left the page with an ok flash."""
        def shown(_):
            p = self.page.proposal(change_id)
            if p is not None:
                return p.get_attribute("data-status") == status
            return bool(self.page.flash("ok"))
        self.page.wait(shown, f"the page shows change {change_id} {status}")

    def assert_only(self, before: dict, change_ids: set[int], items: set[str] = frozenset()) -> None:
        others = [line for line in written_since(before)
                  if not any(line.startswith(f"change {c}:") for c in change_ids)
                  and not any(line.startswith(f"match {i}:") for i in items)]
        assert not others, "written besides the decided rows:\n  " + "\n  ".join(others[:10])

    # Checks (run in this order)

    def review_queue_lists_proposals_needs_review_first(self) -> None:
        self.page.open("/review")
        for name in ("nav-library", "nav-review", "nav-gaps", "nav-history", "nav-push"):
            self.page.one(name)
        items = self.page.all("review-item")
        assert items, "the review queue shows no item; the mirror has pending proposals"
        # Every proposal's attributes and controls at once (one round trip, not four per proposal).
        proposals = self.page.driver.execute_script("""
            return [...document.querySelectorAll('[data-test="proposal"]')].map(p => ({
                id: p.dataset.changeId, field: p.dataset.field, status: p.dataset.status, version: p.dataset.version,
                controls: ['accept', 'reject', 'proposal-status'].filter(n => p.querySelector(`[data-test="${n}"]`))}))""")
        assert proposals, "the review queue shows no proposal"
        with mirror() as db:
            rows = {r["id"]: r for r in db.execute("SELECT id, field, status FROM change")}
        for p in proposals:
            row = rows.get(int(p["id"]))
            assert row is not None, f"proposal {p['id']} is not in the mirror"
            assert (p["field"], p["status"]) == (row["field"], row["status"]), (p, dict(row))
            assert p["version"], f"proposal {p['id']} carries no data-version"
            if p["status"] == "pending":
                assert p["controls"] == ["accept", "reject", "proposal-status"], f"proposal {p['id']} has only {p['controls']}"
        ids = [i.get_attribute("data-item-id") for i in items]
        with mirror() as db:
            needs_review = {r[0] for r in db.execute("SELECT item_id FROM match WHERE status = 'needs_review'")}
            pending_needs_review = {r[0] for r in db.execute(
                "SELECT DISTINCT c.item_id FROM change c JOIN match m USING (item_id) "
                "WHERE m.status = 'needs_review' AND c.status = 'pending'")}
        flags = [i in needs_review for i in ids]
        assert flags == sorted(flags, reverse=True), f"needs-review items are not first: {flags}"
        assert set(ids[:len(pending_needs_review)]) == pending_needs_review, \
            f"the first items are not the {len(pending_needs_review)} needs-review items with pending proposals"
        self.notes.append(f"review queue: {len(ids)} items, {len(proposals)} proposals on page 1; "
                          f"{len(needs_review)} needs_review matches in the mirror, {len(pending_needs_review)} with pending proposals")

    def accept_one_proposal(self) -> None:
        self.page.open("/review")
        proposal = self.pending_proposals()[0]
        change_id = self.take(proposal)
        before_value = change(change_id)["proposed_value"]
        before = snapshot()
        self.page.click(self.page.one("accept", proposal))
        row = self.wait_decided(change_id, "accepted")
        assert row["proposed_value"] == before_value, "accepting keeps the proposed value"
        assert row["decided_at"], "decided_at is set"
        self.wait_shown(change_id, "accepted")
        self.assert_only(before, {change_id})

    def edit_one_proposal(self) -> None:
        self.page.open("/review")
        # A field whose typed text has one obvious JSON form.
        typed = {"title": "Edited In A Browser", "subtitle": "Edited In A Browser", "publisher": "Browser Press",
                 "description": "Edited in a browser.", "authors": "Ann Example, Bo Example",
                 "narrators": "Ann Example, Bo Example", "genres": "Browser, Testing"}
        candidates = [p for p in self.pending_proposals() if p.get_attribute("data-field") in typed]
        assert candidates, "no pending title/subtitle/publisher/description/authors/narrators/genres proposal to edit"
        proposal = candidates[0]
        field = proposal.get_attribute("data-field")
        change_id = self.take(proposal)
        before = snapshot()
        box = self.page.one("edit-input", proposal)
        if not box.is_displayed():  # an edit form behind a disclosure: open it
            opener = proposal.find_elements(By.CSS_SELECTOR, "summary")
            assert opener, "edit-input is hidden and there is nothing to open it with"
            self.page.click(opener[0])
            self.page.wait(lambda d: box.is_displayed(), "edit-input shows")
        self.page.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
        box.clear()
        box.send_keys(typed[field])
        self.page.click(self.page.one("edit-save", proposal))
        row = self.wait_decided(change_id, "accepted")
        value = json.loads(row["proposed_value"])
        if field in ("authors", "narrators", "genres"):
            names = [v.get("name", v) if isinstance(v, dict) else v for v in value]
            assert names == [s.strip() for s in typed[field].split(",")], value
        else:
            assert value == typed[field], value
        self.wait_shown(change_id, "accepted")
        self.assert_only(before, {change_id})

    def edit_with_an_invalid_value_is_refused(self) -> None:
        """A listening status that is none of Hardcover's: 422 with the rule, shown as an error; nothing written."""
        self.page.open("/review")
        candidates = [p for p in self.pending_proposals() if p.get_attribute("data-field") == "status"]
        assert candidates, "no pending Hardcover status proposal to edit"
        proposal = candidates[0]
        change_id = self.take(proposal)
        before = snapshot()
        # Without the browser: the JSON answer.
        page = parse("/review")
        version = next(e["data-version"] for e in page.elements
                       if e["data-test"] == "proposal" and e.get("data-change-id") == str(change_id))
        status, body = http("POST", "/edit", {"_token": page.token, "change": change_id, "version": version, "value": "someday maybe"},
                            {"Accept": "application/json"})
        assert status == 422, f"POST /edit with value 'someday maybe' for a status: expected 422, got {status} {body[:200]}"
        assert "want_to_read" in json.loads(body).get("message", ""), f"the answer gives the rule: {body[:300]}"
        # In the browser: the error flash, and the proposal as it was.
        box = self.page.one("edit-input", proposal)
        if not box.is_displayed():
            self.page.click(proposal.find_element(By.CSS_SELECTOR, "summary"))
            self.page.wait(lambda d: box.is_displayed(), "edit-input shows")
        box.clear()
        box.send_keys("someday maybe")
        self.page.click(self.page.one("edit-save", proposal))
        flash = self.page.wait(lambda d: self.page.flash("error"), "a flash with data-kind=error")[0]
        assert "want_to_read" in flash.text, f"the flash gives the rule: {flash.text}"
        assert self.page.proposal(change_id).get_attribute("data-status") == "pending"
        assert not written_since(before), written_since(before)

    def reject_one_proposal(self) -> None:
        self.page.open("/review")
        proposal = self.pending_proposals()[0]
        change_id = self.take(proposal)
        before_value = change(change_id)["proposed_value"]
        before = snapshot()
        self.page.click(self.page.one("reject", proposal))
        row = self.wait_decided(change_id, "rejected")
        assert row["proposed_value"] == before_value
        self.wait_shown(change_id, "rejected")
        self.assert_only(before, {change_id})

    def accept_without_javascript(self) -> None:
        """Every page works without JavaScript: the accept form posts, the page comes back."""
        driver = start_browser(javascript=False)
        failed = True
        try:
            page, own = Page(driver), self.page
            self.page = page
            page.open("/review")
            proposal = self.pending_proposals()[0]
            change_id = self.take(proposal)
            before = snapshot()
            page.click(page.one("accept", proposal))
            self.wait_written(lambda: change(change_id)["status"] == "accepted", f"change {change_id} accepted (no JavaScript)")
            page.wait(lambda d: urllib.parse.urlsplit(d.current_url).path == "/review" and page.is_app_page(),
                      "back on /review")
            self.wait_shown(change_id, "accepted")
            self.assert_only(before, {change_id})
            failed = False
        finally:
            if failed:  # what this browser shows, not the other one
                driver.save_screenshot(os.path.join(SHOTS, "failed-accept_without_javascript.png"))
            self.page = own
            driver.quit()

    def link_an_item_to_another_book_from_its_page(self) -> None:
        # An item matched to a book, with another candidate book in the mirror.
        with mirror() as db:
            found = db.execute(
                "SELECT m.item_id, m.book_id, c.book_id AS other FROM match m "
                "JOIN hc_candidate c ON c.item_id = m.item_id AND c.book_id != m.book_id "
                "JOIN hc_book b ON b.id = c.book_id "
                "WHERE m.book_id IS NOT NULL AND m.status IN ('auto', 'needs_review') ORDER BY m.item_id LIMIT 1").fetchone()
        assert found, "no matched item with another candidate book in the mirror"
        item_id, old_book, other = found["item_id"], found["book_id"], found["other"]
        self.page.open("/item/" + urllib.parse.quote(item_id, safe=""))
        assert self.page.one("item-title").text.strip(), "the item page shows its title"
        before = snapshot()
        box = self.page.one("link-book-input")
        self.page.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
        box.clear()
        box.send_keys(str(other))
        self.page.click(self.page.one("link-submit"))
        self.wait_written(lambda: (match(item_id) or {}).get("book_id") == other, f"item {item_id} linked to book {other}")
        row = match(item_id)
        assert row["status"] == "confirmed", row
        self.page.wait(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-test="matched-book"]')
                       and str(other) in (self.page.one("matched-book").get_attribute("data-book-id") or "")
                       + self.page.one("matched-book").get_attribute("innerHTML"),
                       f"the page shows book {other} as the match")
        # Proposed again from the new book: none of the item's open proposals comes from the old one.
        with mirror() as db:
            stale = db.execute("SELECT id FROM change WHERE item_id = ? AND status = 'pending' AND book_id = ?",
                               (item_id, old_book)).fetchall()
            changed_ids = {r[0] for r in db.execute("SELECT id FROM change WHERE item_id = ?", (item_id,))}
        assert not stale, f"pending proposals still from the old book {old_book}: {[r[0] for r in stale]}"
        self.assert_only(before, changed_ids, {item_id})
        self.linked.add(item_id)
        self.notes.append(f"item page: linked {item_id} from book {old_book} to {other}")

    def link_from_the_review_page_to_another_book(self) -> None:
        """The book id typed in the review item's link-book-input (the book its other-book offers)."""
        self.page.open("/review")
        linked = {m for m in self.linked}
        buttons = [b for b in self.page.all("other-book")
                   if b.find_element(By.XPATH, './ancestor::*[@data-test="review-item"]').get_attribute("data-item-id") not in linked]
        assert buttons, "no review item offers another book (other-book)"
        button = buttons[0]
        item_id = button.find_element(By.XPATH, './ancestor::*[@data-test="review-item"]').get_attribute("data-item-id")
        book = int(button.get_attribute("data-book-id"))
        old_book = (match(item_id) or {}).get("book_id")
        assert book != old_book, f"other-book {book} is the item's own book"
        with mirror() as db:
            self.used |= {r[0] for r in db.execute("SELECT id FROM change WHERE item_id = ?", (item_id,))}
        review_item = button.find_element(By.XPATH, './ancestor::*[@data-test="review-item"]')
        before = snapshot()
        box = self.page.one("link-book-input", review_item)
        self.page.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
        box.clear()
        box.send_keys(str(book))
        self.page.click(self.page.one("link-submit", review_item))
        self.wait_written(lambda: (match(item_id) or {}).get("book_id") == book, f"item {item_id} linked to book {book}")
        assert match(item_id)["status"] == "confirmed", match(item_id)
        def shown(d):
            item = d.find_elements(By.CSS_SELECTOR, f'[data-test="review-item"][data-item-id="{item_id}"]')
            return item and str(book) in item[0].text and "confirmed" in item[0].text
        self.page.wait(shown, f"the review page shows item {item_id} confirmed to book {book}")
        with mirror() as db:
            changed_ids = {r[0] for r in db.execute("SELECT id FROM change WHERE item_id = ?", (item_id,))}
        self.used |= changed_ids
        self.assert_only(before, changed_ids, {item_id})
        self.linked.add(item_id)
        self.notes.append(f"review page: linked {item_id} from book {old_book} to {book}")

    def reject_all_of_one_item(self) -> None:
        self.page.open("/review")
        for item in self.page.all("review-item"):
            proposals = self.page.all("proposal", item)
            ids = {int(p.get_attribute("data-change-id")) for p in proposals}
            if len(ids) >= 2 and not ids & self.used and all(p.get_attribute("data-status") == "pending" for p in proposals) \
                    and item.get_attribute("data-item-id") not in self.linked:
                break
        else:
            raise AssertionError("no review item with two or more pending proposals that no check took")
        self.used |= ids
        before = snapshot()
        self.page.click(self.page.one("reject-all", item))
        self.wait_written(lambda: all(change(i)["status"] == "rejected" for i in ids), f"changes {sorted(ids)} all rejected")
        for i in ids:
            self.wait_shown(i, "rejected")
        self.assert_only(before, ids)

    def link_to_a_book_not_in_the_mirror_is_404(self) -> None:
        page = parse("/review")
        item_id = next(e["data-item-id"] for e in page.elements if e["data-test"] == "review-item")
        before = snapshot()
        status, body = http("POST", "/link", {"_token": page.token, "item": item_id, "book": "987654321"},
                            {"Accept": "application/json", "Origin": ORIGIN})
        assert status == 404, f"POST /link with a book not in the mirror: expected 404, got {status} {body[:200]}"
        assert not written_since(before), written_since(before)

    def library_search_narrows_as_you_type(self) -> None:
        self.page.open("/")
        self.page.one("library-table")
        rows = self.page.all("library-row")
        with mirror() as db:
            total = db.execute("SELECT count(*) FROM abs_item WHERE removed_at IS NULL").fetchone()[0]
            titles = [(r[0], r[1]) for r in db.execute(
                "SELECT id, title FROM abs_item WHERE removed_at IS NULL AND title IS NOT NULL ORDER BY id")]
        assert len(rows) == min(total, 100), f"{len(rows)} rows for {total} items"
        # A word of one title that few other titles share.
        words = {}
        for item_id, title in titles:
            for word in set(re.findall(r"[A-Za-z]{5,}", title.lower())):
                words.setdefault(word, []).append(item_id)
        word, ids = min(words.items(), key=lambda kv: (len(kv[1]), kv[0]))
        before = snapshot()
        box = self.page.one("search-input")
        count_before = self.page.one("result-count").text
        url_before = self.page.driver.current_url
        for ch in word[:5]:  # a prefix: the search takes prefix words
            box.send_keys(ch)

        def narrowed(_):
            shown = [r.get_attribute("data-item-id") for r in self.page.all("library-row")]
            return 0 < len(shown) < len(rows) and set(ids) <= set(shown) and shown
        shown = self.page.wait(narrowed, f"rows narrow to those matching {word[:5]!r} (items {ids})")
        self.page.wait(lambda d: self.page.one("result-count").text != count_before, "result-count changes")
        assert self.page.driver.current_url.split("?")[0] == url_before.split("?")[0], "searching stays on the page"
        # The rows fragment behind it: rows only, no page around them.
        status, body = http("GET", "/library/rows?" + urllib.parse.urlencode({"q": word[:5]}))
        assert status == 200 and 'data-test="library-row"' in body and "<html" not in body.lower(), (status, body[:200])
        # Clearing the box brings every row back.
        box.clear()
        box.send_keys(" ")
        self.page.wait(lambda d: len(self.page.all("library-row")) == len(rows), "every row is back once the box is empty")
        assert not written_since(before), written_since(before)
        self.notes.append(f"search {word[:5]!r}: {len(rows)} rows -> {len(shown)}")

    def post_without_the_token_is_403(self) -> None:
        page = parse("/review")
        assert page.token, "the page holds <meta name=shelfmirror-token>"
        proposal = next(e for e in page.elements if e["data-test"] == "proposal" and e.get("data-status") == "pending"
                        and int(e["data-change-id"]) not in self.used)
        change_id = int(proposal["data-change-id"])
        self.used.add(change_id)
        form = {"change": change_id, "version": proposal["data-version"], "decision": "accept", "back": "/review"}
        before = snapshot()
        for what, extra, headers in [("no token", {}, {}),
                                     ("a wrong token", {"_token": "0" * len(page.token)}, {}),
                                     ("a wrong header token", {}, {"X-Shelfmirror-Token": "0" * len(page.token)})]:
            status, body = http("POST", "/decide", {**form, **extra}, {"Accept": "application/json", **headers})
            assert status == 403, f"POST /decide with {what}: expected 403, got {status} {body[:200]}"
            assert "token" in body.lower(), f"the 403 body says why: {body[:200]}"
            # Without JSON asked for, refused all the same.
            status, body = http("POST", "/decide", {**form, **extra}, headers)
            assert status == 403, f"POST /decide (form) with {what}: expected 403, got {status}"
        assert not written_since(before), written_since(before)
        # The same request with the token (in the header) is taken: the 403s were the token's.
        status, body = http("POST", "/decide", form, {"Accept": "application/json", "X-Shelfmirror-Token": page.token})
        assert status == 200, f"POST /decide with the token: expected 200, got {status} {body[:200]}"
        answer = json.loads(body)
        assert answer.get("ok") is True, answer
        assert change(change_id)["status"] == "accepted"
        self.assert_only(before, {change_id})

    def foreign_origin_and_host_are_403(self) -> None:
        page = parse("/review")
        proposal = next(e for e in page.elements if e["data-test"] == "proposal" and e.get("data-status") == "pending"
                        and int(e["data-change-id"]) not in self.used)
        change_id = int(proposal["data-change-id"])
        self.used.add(change_id)
        form = {"_token": page.token, "change": change_id, "version": proposal["data-version"], "decision": "reject",
                "back": "/review"}
        before = snapshot()
        for origin in ("http://evil.example", "http://127.0.0.1:1", "null"):
            status, body = http("POST", "/decide", form, {"Accept": "application/json", "Origin": origin})
            assert status == 403, f"POST /decide with Origin {origin}: expected 403, got {status} {body[:200]}"
            status, body = http("GET", "/review", None, {"Origin": origin})
            assert status == 403, f"GET /review with Origin {origin}: expected 403, got {status}"
        port = urllib.parse.urlsplit(URL).port
        status, body = http("POST", "/decide", form, {"Accept": "application/json", "Host": f"evil.example:{port}"})
        assert status in (403, 421), f"POST /decide with Host evil.example:{port}: expected 421 or 403, got {status}"
        status, body = http("GET", "/", None, {"Host": f"evil.example:{port}"})
        assert status in (403, 421), f"GET / with Host evil.example:{port}: expected 421 or 403, got {status}"
        assert not written_since(before), written_since(before)
        # Its own Origin, and localhost, are served.
        status, body = http("GET", "/review", None, {"Origin": ORIGIN})
        assert status == 200, f"GET /review with its own Origin {ORIGIN}: {status}"
        status, body = http("GET", "/", None, {"Host": f"localhost:{port}"})
        assert status == 200, f"GET / with Host localhost:{port}: {status}"

    def keyboard_j_moves_and_a_accepts(self) -> None:
        self.page.open("/review")
        proposals = self.page.all("proposal")
        ids = [int(p.get_attribute("data-change-id")) for p in proposals]

        def current() -> int | None:
            marked = self.page.driver.find_elements(By.CSS_SELECTOR, '[data-test="proposal"].current')
            assert len(marked) <= 1, f"{len(marked)} proposals are current"
            return int(marked[0].get_attribute("data-change-id")) if marked else None

        def press(key: str) -> None:
            ActionChains(self.page.driver).send_keys(key).perform()

        start = current()
        index = ids.index(start) if start is not None else -1
        press("j")
        self.page.wait(lambda d: current() == ids[index + 1], f"j makes proposal {ids[index + 1]} current (from {start})")
        index += 1
        if index + 1 < len(ids):
            press("j")
            self.page.wait(lambda d: current() == ids[index + 1], "a second j moves on")
            press("k")
            self.page.wait(lambda d: current() == ids[index], "k moves back")
        # e focuses the current proposal's edit input (typing then goes there, not to the keys).
        if self.page.all("edit-input", self.page.proposal(ids[index])):
            press("e")
            self.page.wait(lambda d: d.switch_to.active_element.get_attribute("data-test") == "edit-input"
                           and self.page.proposal(ids[index]).find_elements(By.CSS_SELECTOR, '[data-test="edit-input"]')[0]
                           == d.switch_to.active_element, f"e focuses proposal {ids[index]}'s edit-input")
            self.page.driver.execute_script("document.activeElement.blur()")
        # On to a pending proposal no other check took, then 'a'.
        steps = 0
        while True:
            p = self.page.proposal(ids[index])
            if p.get_attribute("data-status") == "pending" and ids[index] not in self.used:
                break
            assert index + 1 < len(ids), "no pending proposal left on the page for the keyboard"
            press("j")
            self.page.wait(lambda d: current() == ids[index + 1], f"j moves to {ids[index + 1]}")
            index += 1
            steps += 1
        change_id = self.take(self.page.proposal(ids[index]))
        before = snapshot()
        press("a")
        self.wait_decided(change_id, "accepted")
        self.wait_shown(change_id, "accepted")
        self.assert_only(before, {change_id})

    def stale_page_says_the_proposal_changed(self) -> None:
        self.page.open("/review")
        proposal = self.pending_proposals()[0]
        change_id = self.take(proposal)
        row = change(change_id)
        # Rejected by the CLI after the page was rendered.
        result = subprocess.run([BIN, "reject", "--db", DB, "--item", row["item_id"], "--field", row["field"]],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"shelfmirror reject: {result.returncode} {result.stderr}"
        assert change(change_id)["status"] == "rejected", "the CLI rejected it"
        before = snapshot()
        self.page.click(self.page.one("accept", self.page.proposal(change_id)))
        flash = self.page.wait(lambda d: self.page.flash("stale"), "a flash with data-kind=stale")[0]
        assert "changed since the page was loaded" in flash.text, flash.text
        assert "rejected" in flash.text, f"the flash says what it is now: {flash.text}"
        assert change(change_id)["status"] == "rejected", "the CLI's decision stands"
        assert not written_since(before), written_since(before)

    def push_and_undo_from_the_browser(self) -> None:
        """The accepted AudiobookShelf changes (the checks above accepted some) go to the fake
        AudiobookShelf from the push page, once its confirmation is ticked; then undo reverts them."""
        def runs() -> list[dict]:
            with mirror() as db:
                return [dict(r) for r in db.execute("SELECT id, kind, undoes_run, status, target, pushed FROM push_run ORDER BY id")]
        with mirror() as db:
            accepted = {r[0] for r in db.execute("SELECT id FROM change WHERE status = 'accepted' AND target = 'abs'")}
        assert accepted, "no accepted AudiobookShelf change to push"
        runs_before = runs()
        self.page.open("/push")
        preview = self.page.driver.find_element(By.CSS_SELECTOR, '[data-test="push-preview"][data-target="abs"]')
        assert self.page.all("push-request", preview), "the preview lists the requests"
        button = self.page.one("push-confirm", preview)
        form = button.find_element(By.XPATH, "./ancestor::form")
        tick = form.find_element(By.CSS_SELECTOR, 'input[type="checkbox"]')
        self.page.click(tick)
        self.page.click(button)
        self.wait_written(lambda: len(runs()) > len(runs_before) and runs()[-1]["status"] != "running", "a push run finished")
        run = runs()[-1]
        assert (run["kind"], run["target"], run["status"]) == ("push", "abs", "finished"), run
        with mirror() as db:
            pushed = {r[0] for r in db.execute("SELECT id FROM change WHERE status = 'pushed' AND push_run_id = ?", (run["id"],))}
        assert pushed == accepted, f"pushed {sorted(pushed)}, accepted were {sorted(accepted)}"
        self.page.wait(lambda d: self.page.all("push-result"), "the page says what the push did")
        self.page.open("/history")
        assert any(str(run["id"]) in r.text for r in self.page.all("run-row")), f"/history lists run {run['id']}"
        # Undo it.
        self.page.open("/push")
        button = self.page.one("undo-confirm")
        form = button.find_element(By.XPATH, "./ancestor::form")
        self.page.click(form.find_element(By.CSS_SELECTOR, 'input[type="checkbox"]'))
        self.page.click(button)
        self.wait_written(lambda: len(runs()) > len(runs_before) + 1 and runs()[-1]["status"] != "running", "an undo run finished")
        undo = runs()[-1]
        assert (undo["kind"], undo["undoes_run"], undo["status"]) == ("undo", run["id"], "finished"), undo
        self.notes.append(f"push run {run['id']}: {run['pushed']} fields; undo run {undo['id']}: {undo['pushed']} fields")

    def every_page_at_desktop_and_phone_width(self) -> None:
        with mirror() as db:
            item_id = db.execute("SELECT item_id FROM match WHERE book_id IS NOT NULL ORDER BY item_id LIMIT 1").fetchone()[0]
        pages = [("library", "/", "library-table"),
                 ("item", "/item/" + urllib.parse.quote(item_id, safe=""), "item-title"),
                 ("review", "/review", "review-item"),
                 ("gaps", "/gaps", None),
                 ("history", "/history", None),
                 ("push", "/push", "push-preview")]
        os.makedirs(SHOTS, exist_ok=True)
        self.page.driver.get_log("browser")  # drop what earlier checks logged
        problems = []
        try:
            for size_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
                self.page.viewport(size)
                for name, path, marker in pages:
                    status, body = http("GET", path)
                    if status != 200:
                        problems.append(f"GET {path}: {status} {body[:120]}")
                    self.page.open(path)
                    self.page.one("nav-library")
                    if marker:
                        self.page.one(marker)
                    self.page.driver.save_screenshot(os.path.join(SHOTS, f"{name}-{size_name}.png"))
                    width = self.page.driver.execute_script("return document.documentElement.scrollWidth")
                    if width > size[0] + 1:
                        self.notes.append(f"{name} at {size_name} width ({size[0]} px) is {width} px wide: it scrolls sideways")
                    problems += [f"{path} ({size_name}): console: {m}" for m in self.page.console_errors()]
        finally:
            self.page.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        assert not problems, "\n  ".join(problems)
        self.notes.append(f"screenshots: {len(pages) * 2} in {SHOTS}")


CHECKS = [
    "review_queue_lists_proposals_needs_review_first",
    "accept_one_proposal",
    "edit_one_proposal",
    "edit_with_an_invalid_value_is_refused",
    "reject_one_proposal",
    "keyboard_j_moves_and_a_accepts",
    "accept_without_javascript",
    "stale_page_says_the_proposal_changed",
    "post_without_the_token_is_403",
    "foreign_origin_and_host_are_403",
    "reject_all_of_one_item",
    "link_from_the_review_page_to_another_book",
    "link_an_item_to_another_book_from_its_page",
    "link_to_a_book_not_in_the_mirror_is_404",
    "library_search_narrows_as_you_type",
    "push_and_undo_from_the_browser",
    "every_page_at_desktop_and_phone_width",
]


def main() -> int:
    selected = sys.argv[1:] or CHECKS
    unknown = [name for name in selected if name not in CHECKS]
    if unknown:
        print(f"browser: no check named {', '.join(unknown)}; the checks are: {', '.join(CHECKS)}")
        return 2
    started = time.monotonic()
    os.makedirs(SHOTS, exist_ok=True)
    for name in os.listdir(SHOTS):
        if name.startswith("failed-"):
            os.remove(os.path.join(SHOTS, name))
    driver = start_browser()
    passed = failed = 0
    try:
        checks = Checks(Page(driver))
        for name in selected:
            t = time.monotonic()
            try:
                getattr(checks, name)()
                passed += 1
                print(f"ok   {name} ({time.monotonic() - t:.1f} s)")
            except Exception:  # every failure is reported, then the next check runs
                failed += 1
                print(f"FAIL {name} ({time.monotonic() - t:.1f} s)")
                traceback.print_exc(file=sys.stdout)
                try:
                    shot = os.path.join(SHOTS, f"failed-{name}.png")
                    if not os.path.exists(shot):
                        driver.save_screenshot(shot)
                except Exception:  # no screenshot is no reason to stop
                    pass
        for note in checks.notes:
            print(f"     {note}")
    finally:
        driver.quit()
    print(f"browser: {len(selected)} checks in {time.monotonic() - started:.1f} s")
    print(f"browser: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
