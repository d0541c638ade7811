#!/usr/bin/python3
"""The audience report end to end (ctest e2e_report): known rows in a real
PostgreSQL (mediagate_downloads_daily, mediagate_sharing_flags, titles in the
built-in schema), `mediagate stats --format json` compared with SQL aggregates
computed here, and `mediagate report` opened in headless Chromium: the figures
read from the DOM equal the same aggregates, the screenshot is not blank (light
and dark), and the page has no URL, no script, nothing to fetch. Only
PostgreSQL is started (no nginx, Redis or storage: the commands need none).

  report_test.py [--binary build/src/mediagate] [--keep] [unittest args]
"""
import datetime
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "scripts"))
import mgstack as mg  # noqa: E402
from mgstack.stack import start_guard, stop_state  # noqa: E402
from mgstack.testing import STACK_SETTINGS, run_stack_tests  # noqa: E402

from PIL import Image  # noqa: E402  (python3-pil)

TODAY = datetime.datetime.now(datetime.timezone.utc).date()
FIRST = TODAY - datetime.timedelta(days=13)   # the period the tests ask for: 14 days
EPISODES = {  # file id -> title the report must show
    "ep-pilot": "Pilot: how it started",
    "ep-hostile": "<script>document.title='pwned'</script> & \"friends\"",
    "ep-notitle": "ep-notitle",        # a media row without any title: the file id
    "ep-django": "ep-django",          # no media row at all (as on a Django site)
    "ep-media": "Media title only",    # a media row with a title but no episode
}
APPS = ("Apple Podcasts", "Overcast", "Pocket <Casts>")
COUNTRIES = ("DE", "FR", "")


def rows():
    """Deterministic (day, file, app, country, downloads) rows over 14 days, plus
    rows just outside the period that must not count."""
    out = []
    for d in range(14):
        day = FIRST + datetime.timedelta(days=d)
        for i, fid in enumerate(EPISODES):
            for j, app in enumerate(APPS):
                n = (d * 7 + i * 5 + j * 3) % 11
                if n and (d + i + j) % 3:
                    out.append((day, fid, app, COUNTRIES[(d + j) % 3], n))
    out.append((FIRST - datetime.timedelta(days=1), "ep-pilot", "Overcast", "DE", 1000))
    out.append((TODAY + datetime.timedelta(days=1), "ep-pilot", "Overcast", "DE", 2000))
    return out


class DomFigures(html.parser.HTMLParser):
    """The figures a report page exposes through its data-* hooks."""

    def __init__(self):
        super().__init__()
        self.metrics, self.episodes, self.apps, self.countries = {}, {}, {}, {}
        self.daily, self.flags, self.titles, self.tags = {}, {}, {}, []
        self._row, self._cell, self._text = None, None, ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "tr":
            for key, kind in (("data-flag-id", "flag"), ("data-day", "day"),
                              ("data-file", "file"), ("data-app", "app"),
                              ("data-country", "country")):
                if key in a:
                    self._row = (kind, a)
                    break
        if "data-metric" in a or "data-field" in a:
            self._cell, self._text = a.get("data-metric") or a.get("data-field"), ""
        elif tag == "td" and self._row and self._row[0] == "file" and "title" not in self._row[1]:
            self._cell, self._text = "title", ""

    def handle_data(self, data):
        if self._cell is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag in ("td", "span", "p") and self._cell is not None:
            self._store(self._cell, self._text)
            self._cell = None
        if tag == "tr":
            self._row = None

    def _store(self, name, text):
        if self._row is None:
            self.metrics[name] = text
            return
        kind, a = self._row
        if kind == "flag":
            self.flags.setdefault(int(a["data-flag-id"]), {})[name] = text
        elif name == "title":
            self.titles[a["data-file"]] = text.strip()
            a["title"] = True
        elif kind == "day":
            self.daily[(a["data-day"], a["data-file"])] = int(text)
        elif kind == "file":
            self.episodes[a["data-file"]] = int(text)
        elif kind == "app":
            self.apps[a["data-app"]] = int(text)
        else:
            self.countries[a["data-country"]] = int(text)


class ReportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="mg-report-", dir="/var/tmp")
        os.chmod(cls.tmp, 0o755)
        cls.guard = start_guard(cls.tmp, remove=not STACK_SETTINGS["keep"])
        cls.addClassCleanup(cls._stop)
        cls.procs = mg.Processes(cls.tmp)
        cls.pg = mg.Postgres(cls.procs, f"{cls.tmp}/pg", f"{cls.tmp}/run", f"{cls.tmp}/pg.log")
        cls.pg.start()
        cls.config = f"{cls.tmp}/mediagate.toml"
        mg.write_file(f"{cls.tmp}/secret", "report-test-secret\n", 0o600)
        mg.write_file(cls.config, mg.to_toml({
            "token": {"secret_file": f"{cls.tmp}/secret"},
            "storage": {"backend": "local", "local_url": "http://127.0.0.1:9"},
            "database": {"url": cls.pg.dsn}}), 0o600)
        cls.cli("migrate")
        cls.seed()
        cls.chromium = mg.Chromium(cls.procs, cls.tmp, f"{cls.tmp}/chromium.log")

    @classmethod
    def _stop(cls):
        try:
            stop_state(cls.tmp)
        finally:
            cls.guard.stdin.close()
            cls.guard.wait(timeout=60)
            if not STACK_SETTINGS["keep"]:
                shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def cli(cls, *args, check=True):
        r = subprocess.run([STACK_SETTINGS["binary"], *args, "--config", cls.config],
                           capture_output=True, text=True, timeout=60)
        if check and r.returncode != 0:
            raise AssertionError(f"mediagate {args}: {r.returncode} {r.stderr}")
        return r

    @classmethod
    def seed(cls):
        db = mg.Schema(cls.pg.psql)
        db.add_show("report-show", "Report show")
        db.add_media("ep-pilot", "a/pilot.mp3", title="media title loses to the episode's")
        db.add_episode("report-show", "g-pilot", EPISODES["ep-pilot"], "ep-pilot")
        db.add_media("ep-hostile", "a/hostile.mp3")
        db.add_episode("report-show", "g-hostile", EPISODES["ep-hostile"], "ep-hostile")
        db.add_media("ep-notitle", "a/notitle.mp3")
        db.add_media("ep-media", "a/media.mp3", title=EPISODES["ep-media"])
        values = ",\n".join(f"('{d}', {mg.sql_literal(f)}, {mg.sql_literal(a)}, "
                            f"{mg.sql_literal(c)}, {n})" for d, f, a, c, n in rows())
        cls.pg.psql("INSERT INTO mediagate_downloads_daily (day, file_id, app, country, "
                    f"downloads) VALUES {values};\n"
                    "INSERT INTO mediagate_sharing_flags (user_ref, email, flagged_at, networks, "
                    "user_agents, action, cleared_at) VALUES "
                    "('u00000000000000a', 'a@example.com', '2026-01-02 03:04:05+00', 7, 2, "
                    "'suspend', NULL), "
                    "('u00000000000000b', NULL, '2026-01-03 00:00:00+00', 4, 5, 'log', NULL), "
                    "('u00000000000000c', 'c@example.com', '2026-01-01 00:00:00+00', 9, 9, "
                    "'rotate', now())")

    # -- the truth, from SQL ---------------------------------------------------

    def sql(self, query):
        return [line.split("|") for line in self.pg.psql(query).splitlines()]

    def expected(self):
        period = f"WHERE day BETWEEN '{FIRST}' AND '{TODAY}'"
        t = "mediagate_downloads_daily"
        return {
            "total": int(self.pg.psql(f"SELECT coalesce(sum(downloads), 0) FROM {t} {period}")),
            "daily": {(d, f): int(n) for d, f, n in self.sql(
                f"SELECT day, file_id, sum(downloads) FROM {t} {period} GROUP BY 1, 2")},
            "episodes": {f: int(n) for f, n in self.sql(
                f"SELECT file_id, sum(downloads) FROM {t} {period} GROUP BY 1")},
            "apps": {a: int(n) for a, n in self.sql(
                f"SELECT app, sum(downloads) FROM {t} {period} GROUP BY 1")},
            "countries": {c: int(n) for c, n in self.sql(
                f"SELECT country, sum(downloads) FROM {t} {period} GROUP BY 1")},
            "flags": {int(i): {"user_ref": r, "networks": n, "user_agents": u, "action": a,
                               "flagged_at": at}
                      for i, r, n, u, a, at in self.sql(
                          "SELECT id, user_ref, networks, user_agents, action, to_char("
                          "flagged_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
                          "FROM mediagate_sharing_flags WHERE cleared_at IS NULL")},
        }

    def period_args(self):
        return ("--from", str(FIRST), "--to", str(TODAY))

    # -- stats -------------------------------------------------------------------

    def test_stats_json_equals_sql_aggregates(self):
        doc = json.loads(self.cli("stats", "--format", "json", *self.period_args()).stdout)
        want = self.expected()
        self.assertGreater(want["total"], 100)
        self.assertEqual(doc["total"], want["total"])
        self.assertEqual((doc["from"], doc["to"], doc["days"]), (str(FIRST), str(TODAY), 14))
        self.assertEqual([d["day"] for d in doc["per_day"]],
                         [str(FIRST + datetime.timedelta(days=i)) for i in range(14)])
        self.assertEqual({e["file_id"]: e["downloads"] for e in doc["episodes"]},
                         want["episodes"])
        daily = {(str(FIRST + datetime.timedelta(days=i)), e["file_id"]): n
                 for e in doc["episodes"] for i, n in enumerate(e["per_day"]) if n}
        self.assertEqual(daily, want["daily"])
        self.assertEqual({e["file_id"]: e["title"] for e in doc["episodes"]}, EPISODES)
        self.assertEqual([e["downloads"] for e in doc["episodes"]],
                         sorted(want["episodes"].values(), reverse=True))
        self.assertEqual({a["app"]: a["downloads"] for a in doc["apps"]}, want["apps"])
        self.assertEqual({c["country"]: c["downloads"] for c in doc["countries"]},
                         want["countries"])
        self.assertEqual({f["id"]: {k: str(f[k]) for k in want["flags"][f["id"]]}
                          for f in doc["sharing_flags"]}, want["flags"])
        self.assertNotIn("email", json.dumps(doc["sharing_flags"]))

    def test_days_is_the_last_n_days(self):
        doc = json.loads(self.cli("stats", "--format", "json", "--days", "14").stdout)
        self.assertEqual((doc["from"], doc["to"]), (str(FIRST), str(TODAY)))
        self.assertEqual(doc["total"], self.expected()["total"])
        text = self.cli("stats", "--days", "14").stdout   # the default format
        self.assertTrue(text.startswith(f"Downloads {FIRST} to {TODAY}: {doc['total']}\n"), text)
        self.assertIn("Pilot: how it started (ep-pilot)", text)
        self.assertIn("Open sharing flags: 2\n", text)

    def test_bad_period_is_a_usage_error(self):
        r = self.cli("stats", "--from", "2026-02-30", "--to", "2026-03-01", check=False)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn('--from "2026-02-30": expected YYYY-MM-DD', r.stderr)

    # -- the report ----------------------------------------------------------------

    def write_report(self, *args):
        out = f"{self.tmp}/out/report.html"
        os.makedirs(os.path.dirname(out), exist_ok=True)
        self.cli("report", "--out", out, *args)
        self.assertEqual(os.listdir(os.path.dirname(out)), ["report.html"])  # no temp left
        with open(out, encoding="utf-8") as fh:
            return out, fh.read()

    def test_report_figures_in_chromium_equal_sql_aggregates(self):
        path, page = self.write_report(*self.period_args())
        self.assertIsNone(re.search(r"https?:", page, re.I), "the page names a URL")
        self.assertIsNone(re.search(r"<script|<link|<img|\ssrc=|href=|url\(", page, re.I))
        dom = DomFigures()
        dom.feed(self.chromium.dump_dom(path))
        want = self.expected()
        self.assertNotIn("script", dom.tags)   # the hostile title stayed text
        self.assertEqual(int(dom.metrics["total"]), want["total"])
        self.assertEqual(int(dom.metrics["episodes"]), len(want["episodes"]))
        self.assertEqual(int(dom.metrics["open-flags"]), len(want["flags"]))
        self.assertEqual(dom.episodes, want["episodes"])
        self.assertEqual(dom.daily, want["daily"])
        self.assertEqual(dom.apps, want["apps"])
        self.assertEqual(dom.countries, want["countries"])
        self.assertEqual({f: t.split(" (")[0] if t != EPISODES[f] else t
                          for f, t in dom.titles.items()}, EPISODES)
        self.assertEqual({i: {k: f[k] for k in want["flags"][i]} for i, f in dom.flags.items()},
                         want["flags"])

    def test_report_screenshot_is_not_blank_light_or_dark(self):
        path, _ = self.write_report(*self.period_args())
        for dark in (False, True):
            with self.subTest(dark=dark):
                png = f"{self.tmp}/shot-{'dark' if dark else 'light'}.png"
                self.chromium.screenshot(path, png, dark=dark)
                img = Image.open(png).convert("RGB")
                pixels = list(img.getdata())
                counts = {}
                for p in pixels:
                    counts[p] = counts.get(p, 0) + 1
                background, n = max(counts.items(), key=lambda kv: kv[1])
                lum = sum(background) / 3
                self.assertLess(lum, 60) if dark else self.assertGreater(lum, 200)
                self.assertGreater(1 - n / len(pixels), 0.05, "almost all background")
                # The first episode's bars (#4e79a7) are drawn, not just text.
                bars = sum(c for p, c in counts.items()
                           if abs(p[0] - 0x4e) + abs(p[1] - 0x79) + abs(p[2] - 0xa7) < 30)
                self.assertGreater(bars, 2000, "no chart bars in the screenshot")

    def test_empty_period_gives_a_page_saying_so(self):
        path, _ = self.write_report("--from", "2001-01-01", "--to", "2001-01-31")
        dom = DomFigures()
        dom.feed(self.chromium.dump_dom(path))
        self.assertEqual(dom.metrics["total"], "0")
        self.assertEqual(dom.metrics["empty"], "No downloads yet in this period.")
        self.assertEqual((dom.episodes, dom.daily, dom.apps), ({}, {}, {}))
        doc = json.loads(self.cli("stats", "--format", "json", "--from", "2001-01-01",
                                  "--to", "2001-01-31").stdout)
        self.assertEqual((doc["total"], doc["episodes"], len(doc["per_day"])), (0, [], 31))

    def test_bad_out_directory_is_a_clear_error(self):
        out = f"{self.tmp}/no/such/dir/report.html"
        r = self.cli("report", "--out", out, check=False)
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertEqual(r.stderr.strip(),
                         f"mediagate: cannot write {out}: No such file or directory")

    def test_unmigrated_database_says_what_to_do(self):
        self.pg.psql("DROP DATABASE IF EXISTS unmigrated; CREATE DATABASE unmigrated",
                     database="postgres")
        bad = f"{self.tmp}/unmigrated.toml"
        with open(self.config) as fh:
            mg.write_file(bad, fh.read().replace("dbname=mediagate", "dbname=unmigrated"), 0o600)
        r = subprocess.run([STACK_SETTINGS["binary"], "report", "--config", bad, "--out",
                            f"{self.tmp}/never.html"], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertIn('relation "mediagate_downloads_daily" does not exist', r.stderr)
        self.assertIn("run `mediagate migrate --config FILE` first", r.stderr)
        self.assertFalse(os.path.exists(f"{self.tmp}/never.html"))

    def test_database_down_is_a_failure_not_a_crash(self):
        bad = f"{self.tmp}/bad.toml"
        with open(self.config) as fh:
            text = fh.read().replace(f"host={self.tmp}/run", f"host={self.tmp}/nowhere")
        mg.write_file(bad, text, 0o600)
        r = subprocess.run([STACK_SETTINGS["binary"], "stats", "--config", bad],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertTrue(r.stderr.startswith("mediagate: PostgreSQL: "), r.stderr)


if __name__ == "__main__":
    run_stack_tests(os.path.join(REPO, "build", "mediagate"))
