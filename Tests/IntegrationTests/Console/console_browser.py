#!/usr/bin/env python3
"""Walks the web console (spec/console.md) in headless Chromium, for ConsoleBrowserTests.swift.

argv[1] is a JSON file of inputs (the server's URL, the tools, the names, digests and ids the Swift test made); it
holds no secret. The passwords come from the environment (BERTH_CONSOLE_PASSWORD_ADMIN, _CONSUMER, _OUTSIDER) and are
never printed. Standard output is one JSON document, {"steps": [{"name", "ok", "detail"}]}; progress goes to standard
error. Exit 0 when every step passed, 1 otherwise: a failed step does not stop the ones after it, so one run reports
every mismatch with the contract.
"""

import http.client
import json
import os
import re
import sys
import tempfile
import urllib.parse

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

WAIT_SECONDS = 20  # generous: make test runs this beside every other suite on two cores
COOKIE = "berth_session"
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'")

# Run by chromedriver, not by the page (which runs no script): the page's width, the window's, and the innermost element
# reaching furthest right, so a failure names what does not fit.
WIDEST_ELEMENT = """
const width = document.documentElement.clientWidth;
// Inside a box that scrolls (a wide table) or clips, an element may reach past the window without widening the page.
const contained = (element) => {
    for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
        if (getComputedStyle(box).overflowX !== "visible") return true;
    }
    return false;
};
let culprit = null, reach = width + 1;
for (const element of document.body.querySelectorAll("*")) {
    if (!(element instanceof HTMLElement) || contained(element)) continue;
    const box = element.getBoundingClientRect();
    // Text too long to wrap overflows its element's box: scrollWidth sees it, the box does not.
    const own = getComputedStyle(element).overflowX === "visible" ? element.scrollWidth : box.width;
    const right = box.left + window.scrollX + Math.max(box.width, own);
    // Within a pixel of the furthest, an element inside the one found so far is the more precise answer.
    if ((right > reach + 1) || (culprit && right > reach - 1 && culprit.contains(element))) { reach = Math.max(reach, right); culprit = element; }
}
const name = culprit ? culprit.tagName.toLowerCase() + (culprit.id ? "#" + culprit.id : "")
    + (culprit.className ? "." + culprit.className.trim().split(/\\s+/).join(".") : "")
    + " " + JSON.stringify((culprit.textContent || "").trim().slice(0, 80)) : "none";
return [document.documentElement.scrollWidth, width, name];
"""


class Failed(Exception):
    """A step's check that did not hold; the message says what was seen."""


def check(condition, message):
    if not condition:
        raise Failed(message)


class Walk:
    def __init__(self, inputs):
        self.inputs = inputs
        self.base = inputs["baseURL"].rstrip("/")
        self.steps = []
        self.passed = set()
        self.current = None  # the browser of the identity walking now

    # MARK: steps

    def step(self, name, body, needs=()):
        """Runs `body`, recording whether it passed. A step whose prerequisite failed is recorded as failed too."""
        missing = [need for need in needs if need not in self.passed]
        if missing:
            self.record(name, False, "not run: it needs " + ", ".join(missing) + ", which failed")
            return
        try:
            detail = body() or ""
            self.passed.add(name)
            self.record(name, True, detail)
        except Failed as error:
            self.record(name, False, str(error))
            self.keep_failure(name)
        except Exception as error:  # a selenium or socket error: still one failed step, with what it said
            text = (getattr(error, "msg", None) or str(error) or "").strip().split("\n")[0]
            self.record(name, False, f"{type(error).__name__}: {text}")
            self.keep_failure(name)

    def keep_failure(self, name):
        """A picture of where a failed step ended up, next to the pages' screenshots."""
        try:
            if self.current:
                self.current.save_screenshot(os.path.join(self.inputs["screenshots"], f"failed-{name}.png"))
        except Exception:
            pass

    def record(self, name, ok, detail):
        self.steps.append({"name": name, "ok": ok, "detail": detail})
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}", file=sys.stderr, flush=True)

    # MARK: the browser

    def browser(self, identity):
        """One Chromium per identity, with a profile of its own in the test's scratch folder."""
        profile = tempfile.mkdtemp(prefix=f"chromium-{identity}-", dir=self.inputs["scratch"])
        options = webdriver.ChromeOptions()
        options.binary_location = self.inputs["chromium"]
        for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1280,900", f"--user-data-dir={profile}", "--no-first-run",
                         "--no-default-browser-check", "--disable-extensions", "--disable-sync",
                         "--disable-background-networking", "--disable-component-update"):
            options.add_argument(argument)
        # An alert stays open for the hostile-content checks to find, instead of being dismissed by the next command.
        options.set_capability("unhandledPromptBehavior", "ignore")
        log = os.path.join(self.inputs["scratch"], f"chromedriver-{identity}.log")
        driver = webdriver.Chrome(service=Service(self.inputs["chromedriver"], log_output=log), options=options)
        driver.set_page_load_timeout(20)
        self.current = driver
        return driver

    def url(self, path):
        return self.base + path

    def wait(self, driver, what, condition):
        try:
            return WebDriverWait(driver, WAIT_SECONDS).until(condition)
        except TimeoutException:
            raise Failed(f"waited {WAIT_SECONDS}s for {what}; the browser is at {driver.current_url}: {self.summary(driver)}")

    def element(self, driver, css, scope=None):
        """Waits for the element `css` names (inside `scope` when given) and returns it."""
        root = scope or driver
        return self.wait(driver, f"`{css}`", lambda _: (root.find_elements(By.CSS_SELECTOR, css) or [None])[0])

    def fresh(self, driver, path, probe):
        """Loads `path` until `probe` holds. spec/console.md lets the repository list and the overview's counts show a
        push "within seconds" (they are re-read every 5 s), so a page read just after the pushes may be stale."""
        def loaded(d):
            d.get(self.url(path))
            return probe(d)
        try:
            WebDriverWait(driver, WAIT_SECONDS, poll_frequency=1).until(loaded)
        except TimeoutException:
            pass  # the caller's checks, made on the last load, say what is wrong

    def path_is(self, driver, path):
        self.wait(driver, f"the page {path}", lambda d: urllib.parse.urlsplit(d.current_url).path == path)

    @staticmethod
    def summary(driver):
        """The page's title and the start of its text, to say where a failed step ended up."""
        try:
            text = " ".join(driver.find_element(By.TAG_NAME, "body").text.split())
        except Exception:
            text = ""
        return f"title {driver.title!r}, text {text[:300]!r}"

    def screenshot(self, driver, name):
        path = os.path.join(self.inputs["screenshots"], name)
        check(driver.save_screenshot(path), f"could not write the screenshot {path}")

    @staticmethod
    def query(driver):
        return urllib.parse.parse_qs(urllib.parse.urlsplit(driver.current_url).query)

    @staticmethod
    def no_script_ran(driver):
        """The console runs no script at all: no `script` element, and no alert opened by hostile content."""
        try:
            alert = driver.switch_to.alert
            text = alert.text
            alert.dismiss()
            raise Failed(f"an alert fired: {text!r}")
        except NoAlertPresentException:
            pass
        scripts = driver.find_elements(By.TAG_NAME, "script")
        check(not scripts, f"{len(scripts)} script element(s) in the DOM, the first: "
                           f"{(scripts[0].get_attribute('outerHTML') or '')[:200]!r}" if scripts else "")
        handlers = driver.find_elements(By.CSS_SELECTOR, "[onerror], [onload], [onclick]")
        check(not handlers, f"an element with an event attribute: {(handlers[0].get_attribute('outerHTML') or '')[:200]!r}"
              if handlers else "")

    @staticmethod
    def counts(driver):
        """The overview's `#counts` as label → number, e.g. {"repositories": 2, "quarantined": 1}."""
        text = driver.find_element(By.CSS_SELECTOR, "#counts").text
        return {label.strip().lower(): int(number) for number, label in re.findall(r"(\d+)\s+([A-Za-z][A-Za-z ]*)", text)}

    def has_counts(self, driver, expected):
        seen = self.counts(driver)
        return all(seen.get(label) == number for label, number in expected.items())

    def expect_counts(self, driver, expected, who):
        seen = self.counts(driver)
        wrong = {label: seen.get(label) for label, number in expected.items() if seen.get(label) != number}
        check(not wrong, f"{who}'s #counts says {seen}; expected {expected}")

    @staticmethod
    def session_cookie(driver):
        cookie = driver.get_cookie(COOKIE)
        return cookie["value"] if cookie else None

    def sign_in(self, driver, name, password, screenshot=None):
        driver.get(self.url("/ui/login"))
        form = self.element(driver, "form#login")
        if screenshot:
            self.screenshot(driver, screenshot)
        form.find_element(By.NAME, "name").send_keys(name)
        form.find_element(By.NAME, "password").send_keys(password)
        driver.find_element(By.ID, "login-submit").click()

    # MARK: plain HTTP (selenium shows no status codes)

    def fetch(self, method, path, cookie=None, headers=None, body=None):
        """One request without following redirects: (status, lower-cased headers, body)."""
        parts = urllib.parse.urlsplit(self.base)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=15)
        try:
            sent = dict(headers or {})
            if cookie is not None:
                sent["Cookie"] = f"{COOKIE}={cookie}"
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def expect_status(self, path, cookie, status):
        got, headers, _ = self.fetch("GET", path, cookie)
        check(got == status, f"GET {path} answered {got} (Location {headers.get('location')!r}), expected {status}")

    # MARK: the walk

    def run(self):
        for identity, walk in (("consumer", self.consumer), ("admin", self.administrator), ("outsider", self.outsider)):
            try:
                walk()
            except Exception as error:  # its browser would not start, or quit badly: the others still run
                text = (getattr(error, "msg", None) or str(error) or "").strip().split("\n")[0]
                self.record(f"{identity}-browser", False, f"{type(error).__name__}: {text}")

    def consumer(self):
        i = self.inputs
        password = os.environ["BERTH_CONSOLE_PASSWORD_CONSUMER"]
        driver = self.browser("consumer")
        state = {}
        try:
            def refused():
                self.sign_in(driver, i["consumer"], "not-" + "the-password")
                error = self.element(driver, "#login-error")
                check(urllib.parse.urlsplit(driver.current_url).path == "/ui/login",
                      f"a wrong password left the login page for {driver.current_url}")
                check(self.session_cookie(driver) is None, "a wrong password got a session cookie")
                return f"#login-error says {' '.join(error.text.split())!r}"
            self.step("login-refused", refused)

            def sign_in():
                self.sign_in(driver, i["consumer"], password, screenshot="login.png")
                self.path_is(driver, "/ui/")
                self.element(driver, "nav #logout")
                self.element(driver, "#logout-button")
                state["cookie"] = self.session_cookie(driver)
                check(state["cookie"], "signed in, but the browser holds no berth_session cookie")
            self.step("consumer-login", sign_in)

            def cookie():
                found = driver.get_cookie(COOKIE)
                check(found, "the browser holds no berth_session cookie")
                check(found.get("httpOnly") is True, f"the session cookie is not HttpOnly: {dict(found, value='…')}")
                check(found.get("sameSite") == "Strict", f"the session cookie is not SameSite=Strict: {dict(found, value='…')}")
                check(found.get("path") == "/ui", f"the session cookie's path is {found.get('path')!r}, not /ui")
                check(found.get("secure") is False, "the session cookie is Secure over plain HTTP, so a browser drops it")
                check(len(found["value"]) >= 43, f"the session id has {len(found['value'])} characters: not 256 random bits")
            self.step("session-cookie", cookie, needs=["consumer-login"])

            def overview():
                self.fresh(driver, "/ui/", lambda d: self.has_counts(d, i["consumerCounts"]))
                self.element(driver, "main h1")
                self.element(driver, "#tiers")
                self.screenshot(driver, "overview.png")
                offered = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "nav a")
                           if "/ui/revisions" in (a.get_attribute("href") or "") or "/ui/audit" in (a.get_attribute("href") or "")]
                check(not offered, f"the navigation offers administrators' pages to a consumer: {offered}")
                self.expect_counts(driver, i["consumerCounts"], "the consumer")
                self.no_script_ran(driver)
            self.step("overview", overview, needs=["consumer-login"])

            def repositories():
                names = (i["signedRepository"], i["vulnerableRepository"])
                self.fresh(driver, "/ui/repositories", lambda d: all(
                    d.find_elements(By.CSS_SELECTOR, f'table#repositories tr[data-repository="{name}"]') for name in names))
                table = self.element(driver, "table#repositories")
                self.screenshot(driver, "repositories.png")
                shown = [row.get_attribute("data-repository") for row in table.find_elements(By.CSS_SELECTOR, "tr[data-repository]")]
                for name in names:
                    check(name in shown, f"{name} is not listed: rows {shown}")
                return f"rows {shown}"
            self.step("repositories", repositories, needs=["consumer-login"])

            def repository():
                row = self.element(driver, f'tr[data-repository="{i["signedRepository"]}"]')
                row.find_element(By.CSS_SELECTOR, 'a[href*="/ui/repository"]').click()
                self.path_is(driver, "/ui/repository")
                table = self.element(driver, "table#tags")
                check(self.query(driver).get("name") == [i["signedRepository"]], f"the link led to {driver.current_url}")
                self.screenshot(driver, "repository.png")
                tag = self.element(driver, f'tr[data-tag="{i["quarantinedTag"]}"]', table)
                verdict = " ".join(tag.find_element(By.CSS_SELECTOR, "td.verdict").text.split())
                check("quarantined" in verdict.lower(), f"the tag's verdict cell says {verdict!r}")
                return f"td.verdict {verdict!r}"
            self.step("repository", repository, needs=["repositories"])

            def description():
                text = driver.find_element(By.TAG_NAME, "main").text
                check(i["hostileDescription"] in text,
                      f"the repository's description is not shown as text: main says {' '.join(text.split())[:300]!r}")
                self.no_script_ran(driver)
            self.step("hostile-description", description, needs=["repository"])

            def image():
                row = self.element(driver, f'tr[data-tag="{i["quarantinedTag"]}"]')
                row.find_element(By.CSS_SELECTOR, 'a[href*="/ui/image"]').click()
                self.path_is(driver, "/ui/image")
                verdict = self.element(driver, "#verdict")
                query = self.query(driver)
                check(query.get("repository") == [i["signedRepository"]] and query.get("digest") == [i["quarantinedDigest"]],
                      f"the link led to {driver.current_url}")
                self.screenshot(driver, "image.png")
                status = verdict.get_attribute("data-status")
                check(status == "quarantined", f"#verdict has data-status {status!r}")
                reasons = [" ".join(li.text.split()) for li in self.element(driver, "ul#verdict-reasons").find_elements(By.TAG_NAME, "li")]
                said = [r for r in reasons if i["requiredSigner"] in r and "sign" in r.lower()]
                check(said, f"no reason names the missing signature by {i['requiredSigner']}: {reasons}")
                return f"reasons {reasons}"
            self.step("image-verdict", image, needs=["repository"])

            def annotation():
                text = driver.find_element(By.TAG_NAME, "body").text
                check(i["hostileAnnotation"] in text,
                      f"the manifest annotation is not shown as text: the page says {' '.join(text.split())[:300]!r}")
                images = driver.find_elements(By.CSS_SELECTOR, 'img[src="x"]')
                check(not images, "the annotation became an img element")
                self.no_script_ran(driver)
            self.step("hostile-annotation", annotation, needs=["image-verdict"])

            def suppressed():
                path = "/ui/image?" + urllib.parse.urlencode({"repository": i["vulnerableRepository"], "digest": i["vulnerableDigest"]})
                driver.get(self.url(path))
                table = self.element(driver, "table#vulnerabilities")
                self.screenshot(driver, "image-vulnerabilities.png")
                ids = [(row.get_attribute("data-id"), row.get_attribute("class")) for row in table.find_elements(By.CSS_SELECTOR, "tr[data-id]")]
                rows = table.find_elements(By.CSS_SELECTOR, f'tr.suppressed[data-id="{i["suppressedFinding"]}"]')
                check(rows, f"no tr.suppressed for {i['suppressedFinding']}: rows (id, class) {ids}")
                exception = " ".join(rows[0].find_element(By.CSS_SELECTOR, "td.exception").text.split())
                check(i["exceptionName"] in exception, f"td.exception does not name {i['exceptionName']}: {exception!r}")
                check(any(form in exception for form in i["exceptionExpiry"]),
                      f"td.exception does not give the expiry {i['exceptionExpiry'][0]}: {exception!r}")
                others = table.find_elements(By.CSS_SELECTOR, f'tr[data-id="{i["openFinding"]}"]')
                check(others, f"the finding no exception covers, {i['openFinding']}, is not listed: {ids}")
                check("suppressed" not in (others[0].get_attribute("class") or "").split(),
                      f"{i['openFinding']} is marked suppressed though no exception covers it")
                return f"td.exception {exception!r}"
            self.step("suppressed-finding", suppressed, needs=["consumer-login"])

            def phone():
                # spec/console.md: pages "fit a phone's width". Chromium emulates a 320 CSS px phone (the narrowest
                # common one, and WCAG's reflow width), honouring the viewport meta. Wide tables may scroll in their
                # own box; the page may not.
                pages = {
                    "overview": "/ui/",
                    "repositories": "/ui/repositories",
                    "repository": "/ui/repository?" + urllib.parse.urlencode({"name": i["signedRepository"]}),
                    "image": "/ui/image?" + urllib.parse.urlencode({"repository": i["vulnerableRepository"], "digest": i["vulnerableDigest"]}),
                }
                driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                       {"width": 320, "height": 640, "deviceScaleFactor": 1, "mobile": True})
                try:
                    too_wide = []
                    for name, path in pages.items():
                        driver.get(self.url(path))
                        self.element(driver, "main h1")
                        viewport = driver.find_elements(By.CSS_SELECTOR, 'meta[name="viewport"]')
                        check(viewport and "width=device-width" in (viewport[0].get_attribute("content") or ""),
                              f"{path} has no viewport meta with width=device-width")
                        page, window, culprit = driver.execute_script(WIDEST_ELEMENT)
                        self.screenshot(driver, f"phone-{name}.png")
                        if page > window:
                            too_wide.append(f"{path}: {page}px in a {window}px window, reaching furthest: {culprit}")
                    check(not too_wide, "pages wider than a phone: " + "; ".join(too_wide))
                finally:
                    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
            self.step("phone-width", phone, needs=["consumer-login"])

            def not_admin():
                for path in ("/ui/revisions", "/ui/audit"):
                    self.expect_status(path, state["cookie"], 404)
            self.step("consumer-no-admin-pages", not_admin, needs=["consumer-login"])

            def headers():
                status, got, _ = self.fetch("GET", "/ui/", state["cookie"])
                check(status == 200, f"GET /ui/ with the session answered {status}")
                wanted = {"content-security-policy": CSP, "x-content-type-options": "nosniff",
                          "referrer-policy": "same-origin", "cache-control": "no-store"}
                wrong = {name: got.get(name) for name, value in wanted.items()
                         if " ".join((got.get(name) or "").split()) != value}
                check(not wrong, f"headers differ from spec/console.md: {wrong}")
            self.step("security-headers", headers, needs=["consumer-login"])

            def cross_site():
                status, _, _ = self.fetch("POST", "/ui/logout", state["cookie"],
                                          {"Origin": "http://evil.example", "Content-Type": "application/x-www-form-urlencoded"}, b"")
                check(status == 403, f"a POST /ui/logout from another site answered {status}, not 403")
                self.expect_status("/ui/", state["cookie"], 200)
            self.step("cross-site-post-refused", cross_site, needs=["consumer-login"])

            def logout():
                driver.get(self.url("/ui/"))
                self.element(driver, "#logout-button").click()
                self.path_is(driver, "/ui/login")
                check(self.session_cookie(driver) is None, "the cookie was not cleared at logout")
                driver.get(self.url("/ui/"))
                self.path_is(driver, "/ui/login")
                # The ended session's cookie, put back as a browser that kept it would send it.
                driver.add_cookie({"name": COOKIE, "value": state["cookie"], "path": "/ui", "httpOnly": True, "sameSite": "Strict"})
                driver.get(self.url("/ui/repositories"))
                self.path_is(driver, "/ui/login")
                status, headers, _ = self.fetch("GET", "/ui/", state["cookie"])
                location = urllib.parse.urlsplit(headers.get("location", "")).path
                check(status == 303 and location == "/ui/login",
                      f"the ended session's cookie got {status} (Location {headers.get('location')!r}), not 303 to /ui/login")
            self.step("logout", logout, needs=["consumer-login"])
        finally:
            driver.quit()

    def administrator(self):
        i = self.inputs
        password = os.environ["BERTH_CONSOLE_PASSWORD_ADMIN"]
        driver = self.browser("admin")
        try:
            def sign_in():
                self.sign_in(driver, "admin", password)
                self.path_is(driver, "/ui/")
                self.element(driver, "nav #logout")
            self.step("admin-login", sign_in)

            def revisions():
                driver.get(self.url("/ui/revisions"))
                table = self.element(driver, "table#revisions")
                self.element(driver, "table#drift")
                self.screenshot(driver, "revisions.png")
                row = self.element(driver, f'tr[data-revision="{i["revision"]}"]', table)
                commit = row.find_element(By.CSS_SELECTOR, "td.commit").text.strip()
                full = i["commit"]
                check(full in commit or (len(commit) >= 7 and full.startswith(commit)),
                      f"revision {i['revision']}'s td.commit says {commit!r}, not the commit {full}")
                self.no_script_ran(driver)
                return f"revision {i['revision']}, td.commit {commit!r}"
            self.step("revisions", revisions, needs=["admin-login"])

            def audit():
                driver.get(self.url("/ui/audit"))
                table = self.element(driver, "table#audit")
                self.element(driver, "#chain")
                before = {row.get_attribute("data-repository") for row in table.find_elements(By.CSS_SELECTOR, "tr[data-sequence]")}
                wanted = i["vulnerableRepository"]
                check({wanted, i["signedRepository"]} <= before,
                      f"before filtering, table#audit lacks records of both repositories: it has {sorted(map(str, before))}")
                form = self.element(driver, "form#audit-filter")
                field = form.find_element(By.NAME, "repository")
                field.clear()
                field.send_keys(wanted)
                buttons = form.find_elements(By.CSS_SELECTOR, 'button[type="submit"], input[type="submit"], button:not([type])')
                if buttons:
                    buttons[0].click()
                else:
                    form.submit()
                self.wait(driver, "the filtered audit page", lambda d: self.query(d).get("repository") == [wanted])
                rows = self.element(driver, "table#audit").find_elements(By.CSS_SELECTOR, "tr[data-sequence]")
                after = [row.get_attribute("data-repository") for row in rows]
                self.screenshot(driver, "audit.png")
                check(after, "the filter left no row")
                check(all(name == wanted for name in after), f"rows of other repositories after filtering on {wanted}: {sorted(set(after))}")
                return f"{len(before)} repositories before, {len(after)} rows of {wanted} after"
            self.step("audit-filter", audit, needs=["admin-login"])
        finally:
            driver.quit()

    def outsider(self):
        i = self.inputs
        password = os.environ["BERTH_CONSOLE_PASSWORD_OUTSIDER"]
        driver = self.browser("outsider")
        state = {}
        try:
            def sign_in():
                self.sign_in(driver, i["outsider"], password)
                self.path_is(driver, "/ui/")
                state["cookie"] = self.session_cookie(driver)
                check(state["cookie"], "signed in, but the browser holds no berth_session cookie")
            self.step("outsider-login", sign_in)

            def hidden_by_url():
                hidden, visible = i["signedRepository"], i["vulnerableRepository"]
                self.expect_status("/ui/repository?" + urllib.parse.urlencode({"name": visible}), state["cookie"], 200)
                self.expect_status("/ui/repository?" + urllib.parse.urlencode({"name": hidden}), state["cookie"], 404)
                self.expect_status("/ui/image?" + urllib.parse.urlencode({"repository": hidden, "digest": i["quarantinedDigest"]}),
                                   state["cookie"], 404)
                self.expect_status("/ui/repository?" + urllib.parse.urlencode({"name": "nowhere/at-all"}), state["cookie"], 404)
            self.step("outsider-404", hidden_by_url, needs=["outsider-login"])

            def hidden_from_lists():
                hidden = i["signedRepository"]
                self.fresh(driver, "/ui/repositories", lambda d: d.find_elements(
                    By.CSS_SELECTOR, f'table#repositories tr[data-repository="{i["vulnerableRepository"]}"]'))
                table = self.element(driver, "table#repositories")
                self.screenshot(driver, "outsider-repositories.png")
                shown = [row.get_attribute("data-repository") for row in table.find_elements(By.CSS_SELECTOR, "tr[data-repository]")]
                check(i["vulnerableRepository"] in shown, f"the repository the outsider may pull is not listed: {shown}")
                check(hidden not in driver.page_source, f"{hidden} appears on the outsider's repositories page: rows {shown}")
                driver.get(self.url("/ui/repositories?" + urllib.parse.urlencode({"q": hidden.split("/")[0]})))
                self.element(driver, "table#repositories")
                check(hidden not in driver.page_source, f"a search finds {hidden} for the outsider")
                self.fresh(driver, "/ui/", lambda d: self.has_counts(d, i["outsiderCounts"]))
                self.element(driver, "#tiers")
                self.screenshot(driver, "outsider-overview.png")
                check(hidden not in driver.page_source, f"the outsider's overview names {hidden}")
                self.expect_counts(driver, i["outsiderCounts"], "the outsider")
                return f"rows {shown}"
            self.step("outsider-list", hidden_from_lists, needs=["outsider-login"])
        finally:
            driver.quit()


def main():
    with open(sys.argv[1], encoding="utf-8") as file:
        inputs = json.load(file)
    os.makedirs(inputs["screenshots"], exist_ok=True)
    walk = Walk(inputs)
    walk.run()
    print(json.dumps({"steps": walk.steps}, indent=1))
    return 0 if walk.steps and all(step["ok"] for step in walk.steps) else 1


if __name__ == "__main__":
    sys.exit(main())
