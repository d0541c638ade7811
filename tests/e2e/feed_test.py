"""End-to-end tests of the podcast feeds mediagate serves, through the REAL nginx
(copies of nginx/*.conf) on ONE stack (scripts/mgstack, local storage, the demo
data: alice active, bob lapsed, the show "demo").

Every feed kind is parsed with Debian's python3-feedparser (no bozo) and
python3-podcastparser (gPodder's parser); podget subscribes to alice's private
feed and downloads the premium episode; bob's lapsed feed has the notice and no
premium enclosure until he renews; an episode past its public_at is in the public
feed with a public enclosure that downloads; conditional GET (ETag, 304), HEAD and
gzip; forged token and unknown subscriber give byte-identical 404s; hostile show
notes parse.

Run as root (packages: scripts/install-deps test):
    /usr/bin/python3 tests/e2e/feed_test.py --binary build/mediagate [-v] [-k NAME] [--keep]

MEDIAGATE_E2E_MUTATE=name[,name...] breaks the stack on purpose (each must make
some test fail):
    feed_no_route    the feed location does not set MEDIAGATE_ROUTE (feeds go to
                     the auth decision)
    feed_no_gzip     the feed location does not gzip
    no_notify        notify.enabled = false (no pushed changes: renewals and new
                     episodes wait for the TTLs)
"""
import gzip
import io
import os
import subprocess
import sys
import unittest

import feedparser
import podcastparser

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "scripts"))
sys.path.insert(0, HERE)
import mgstack as mg  # noqa: E402
from mgstack.schema import DAY  # noqa: E402
from mgstack.testing import MUTATIONS, StackTestCase, run_stack_tests, settle  # noqa: E402
from e2e_test import podget_download  # noqa: E402

HOSTILE_NOTES = ("<p>Notes with ]]> and <![CDATA[ x ]]> <script>alert('x')</script> "
                 "&amp; &bogus; \x01\x02\x0b control chars, \u00e9t\u00e9 \U0001f399</p>")


def snippet_filter(name, text):
    if name != "mediagate-locations.conf":
        return text
    if "feed_no_route" in MUTATIONS:
        text = text.replace("    fastcgi_param MEDIAGATE_ROUTE feed;\n", "")
    if "feed_no_gzip" in MUTATIONS:
        text = text.replace("    gzip on;\n", "    gzip off;\n")
    return text


class FeedTest(StackTestCase, unittest.TestCase):
    BACKEND = "local"

    @classmethod
    def stack_options(cls):
        config = {"feed": {"cache_seconds": 3600}}
        if "no_notify" in MUTATIONS:
            config["notify"] = {"enabled": False}
        return {"snippet_filter": snippet_filter, "mediagate_config": config}

    # -- helpers ---------------------------------------------------------------

    def feed(self, path, headers=None, status=200, method="GET"):
        resp = self.request(path, method=method, headers=headers)
        self.assertEqual(resp.status, status, resp.body[:300])
        return resp

    def parse(self, body, what):
        """Both parsers; returns feedparser's result."""
        parsed = feedparser.parse(body)
        self.assertFalse(parsed.bozo, f"{what}: feedparser: {parsed.get('bozo_exception')!r}")
        podcast = podcastparser.parse(self.stack.url("/feed"), io.BytesIO(body))
        self.assertEqual(sorted(e["title"] for e in podcast["episodes"]),
                         sorted(e.title for e in parsed.entries), what)
        self.assertTrue(podcast["title"], what)
        return parsed

    @staticmethod
    def enclosures(parsed):
        return {e.title: e.enclosures[0].href for e in parsed.entries if e.get("enclosures")}

    def new_show(self, episodes):
        """A fresh show; episodes: (title, premium, public_in) each with a new file."""
        slug = self.unique("s").lower()
        self.stack.db.add_show(slug, f"Show {slug}")
        files = {}
        for i, (title, premium, public_in, notes) in enumerate(episodes):
            fid, key, data = self.new_file(2048 + i)
            files[title] = (fid, key, data)
            self.stack.db.add_episode(slug, f"{slug}-{i}", title, fid, premium, public_in,
                                      -3600 + i, notes)
        settle()
        return slug, files

    # -- every kind parses; what each kind shows -----------------------------------

    def test_alices_private_feed_lists_her_premium_links(self):
        token = self.stack.token(self.alice)
        resp = self.feed(self.stack.feed_path("demo", self.alice, token))
        self.assertEqual(mg.header(resp, "Content-Type"), "application/rss+xml; charset=utf-8")
        self.assertTrue(mg.header(resp, "Cache-Control").startswith("private, max-age="))
        parsed = self.parse(resp.body, "alice's feed")
        links = self.enclosures(parsed)
        title = self.demo["files"]["episode-1"][1]
        # byte-identical to the URL format with the feed's token
        self.assertEqual(links[title], self.stack.url(
            self.stack.premium_path(self.alice, "episode-1", "episode-1.mp3", token)))
        self.assertEqual(len(links), 2)
        self.assertIn(b"<podcast:locked>yes</podcast:locked>", resp.body)
        self.assertIn(b"<itunes:explicit>", resp.body)
        self.assert_file(self.request(links[title][len(self.stack.url("")):]),
                         self.demo["files"]["episode-1"][3], "enclosure from the feed")

    def test_podget_subscribes_to_alices_feed(self):
        podget_download(self, self.stack.feed_path("demo", self.alice), "episode-1",
                        "episode-1.mp3", self.demo["files"]["episode-1"][3])

    def test_lapsed_subscriber_gets_notice_until_renewal(self):
        user = self.new_user("canceled", period_end=-30 * DAY)
        path = self.stack.feed_path("demo", user)
        settle()
        resp = self.feed(path)
        parsed = self.parse(resp.body, "lapsed feed")
        self.assertNotIn(b"/premium_media/", resp.body)
        self.assertNotIn(self.demo["files"]["episode-1"][1].encode(), resp.body)
        notices = [e for e in parsed.entries if e.title == "Your subscription has ended"]
        self.assertEqual(len(notices), 1)
        self.assertEqual(notices[0].link, "https://example.com/renew")
        self.assertEqual(self.feed(path).body, resp.body, "the notice's guid is stable")
        # renewal: the same URL lists the premium episodes again
        self.stack.db.set_subscription(user, "active")
        settle()
        renewed = self.feed(path)
        links = self.enclosures(self.parse(renewed.body, "renewed feed"))
        self.assertIn(self.demo["files"]["episode-1"][1], links)
        self.assertTrue(all("/premium_media/" in u for u in links.values()), links)
        self.assertNotIn(b"Your subscription has ended", renewed.body)

    def test_bobs_demo_feed_is_lapsed(self):
        resp = self.feed(self.stack.feed_path("demo", self.bob))
        self.parse(resp.body, "bob's feed")
        self.assertIn(b"Your subscription has ended", resp.body)
        self.assertNotIn(b"/premium_media/", resp.body)

    def test_public_feed_has_episodes_past_public_at_with_public_enclosures(self):
        slug, files = self.new_show([("Early", True, -60, ""), ("Premium", True, None, ""),
                                     ("Later", True, 3600, ""), ("Free", False, None, "")])
        resp = self.feed(self.stack.feed_path(slug))
        self.assertTrue(mg.header(resp, "Cache-Control").startswith("public, max-age="))
        links = self.enclosures(self.parse(resp.body, "public feed"))
        self.assertEqual(sorted(links), ["Early", "Free"])
        self.assertNotIn(b"/premium_media/", resp.body)
        for title in ("Early", "Free"):
            fid, key, data = files[title]
            self.assertEqual(links[title], self.stack.url(
                f"/public_media/{fid}/{os.path.basename(key).replace(' ', '%20')}"))
            self.assert_file(self.request(links[title][len(self.stack.url("")):]), data, title)
        # a premium file is not public under any name
        fid, key, data = files["Premium"]
        self.assert_refused(self.request(f"/public_media/{fid}/x.mp3"), 404, data)
        self.assert_refused(self.request(f"/public_media/{files['Later'][0]}/x.mp3"), 404)

    def test_hostile_content_parses(self):
        slug, _ = self.new_show([("A <b>bold</b> & ]]> title\x01", True, -60, HOSTILE_NOTES)])
        for path in (self.stack.feed_path(slug), self.stack.feed_path(slug, self.alice),
                     self.stack.feed_path(slug, self.bob)):
            parsed = self.parse(self.feed(path).body, path[:40])
            entry = [e for e in parsed.entries if e.get("enclosures")][0]
            self.assertEqual(entry.title, "A <b>bold</b> & ]]> title")
            self.assertIn("]]>", entry.content[0].value)

    # -- HTTP ------------------------------------------------------------------

    def test_conditional_get_head_gzip_and_new_episode(self):
        slug, _ = self.new_show([("One", True, None, "")])
        path = self.stack.feed_path(slug, self.alice)
        first = self.feed(path)
        etag, modified = mg.header(first, "ETag"), mg.header(first, "Last-Modified")
        self.assertTrue(etag.startswith('"') and modified.endswith("GMT"), (etag, modified))
        self.assertEqual(self.feed(path, {"If-None-Match": etag}, 304).body, b"")
        self.assertEqual(self.feed(path, {"If-Modified-Since": modified}, 304).body, b"")
        head = self.feed(path, method="HEAD")
        self.assertEqual((head.body, mg.header(head, "ETag")), (b"", etag))
        zipped = self.feed(path, {"Accept-Encoding": "gzip"})
        self.assertEqual(mg.header(zipped, "Content-Encoding"), "gzip")
        self.assertEqual(gzip.decompress(zipped.body), first.body)
        weak = mg.header(zipped, "ETag")
        self.assertEqual(weak, "W/" + etag)
        self.feed(path, {"If-None-Match": weak, "Accept-Encoding": "gzip"}, 304)
        # a new episode: a new ETag, and the old one no longer matches
        fid, _, _ = self.new_file(999)
        self.stack.db.add_episode(slug, "new", "Two", fid)
        settle()
        again = self.feed(path, {"If-None-Match": etag})
        self.assertNotEqual(mg.header(again, "ETag"), etag)
        self.assertIn(b"Two", again.body)

    def test_invalidate_show_reaches_every_worker(self):
        """A change the triggers do not see (session_replication_role = replica)
        stays cached (feed.cache_seconds = 3600 here) until `mediagate
        invalidate --show`."""
        slug, _ = self.new_show([("Old", True, None, "")])
        path = self.stack.feed_path(slug)
        for _ in range(6):  # both workers have the show rendered
            self.request(self.stack.feed_path(slug, self.alice))
        self.stack.psql("SET session_replication_role = replica; UPDATE mediagate_episodes "
                        f"SET title = 'Renamed' WHERE show_slug = {mg.sql_literal(slug)}")
        private = self.stack.feed_path(slug, self.alice)
        self.assertTrue(all(b"Renamed" not in self.feed(private).body for _ in range(6)))
        out = self.stack.mediagate.cli("invalidate", "--config", self.stack.config_path,
                                       "--show", slug).stdout
        self.assertEqual(out, "notified every worker\n")
        settle()
        self.assertTrue(all(b"Renamed" in self.feed(private).body for _ in range(6)))
        self.assertEqual(self.feed(path).status, 200)

    def test_forged_token_and_unknown_subscriber_get_identical_404(self):
        token = self.stack.token(self.alice)
        forged = token[:-1] + ("0" if token[-1] != "0" else "1")
        stranger = mg.User("nobody@example.com", 999999, "x", 1)
        answers = [self.request(p) for p in (
            self.stack.feed_path("demo", self.alice, forged),
            self.stack.feed_path("demo", stranger, token),
            self.stack.feed_path("no-such-show", self.alice, token),
            self.stack.feed_path("no-such-show"),
            "/feeds/" + mg.b64_email("alice@example.com") + "/episode-1/" + token + "/x.mp3")]
        strip = lambda r: (r.status, sorted((k, v) for k, v in r.headers if k != "Date"), r.body)  # noqa: E731,E501
        self.assertEqual(answers[0].status, 404)
        for other in answers[1:]:
            self.assertEqual(strip(other), strip(answers[0]))
        self.assertNotIn(b"Episode", answers[0].body)

    def test_feed_paths_never_reach_the_auth_decision_and_back(self):
        token = self.stack.token(self.alice)
        # a feed-shaped URI under the premium prefix is no feed
        resp = self.request(f"/premium_media/{mg.b64_email(self.alice.email)}/{token}/demo.xml")
        self.assertNotEqual(resp.status, 200)
        self.assertNotIn(b"<rss", resp.body)
        self.assertEqual(self.request(self.stack.feed_path("demo", self.alice),
                                      method="POST").status, 403)

    def test_links_command_prints_working_urls(self):
        cli = self.stack.mediagate.cli
        out = cli("links", "--config", self.stack.config_path, "--user",
                  "alice@example.com").stdout.split()
        base = self.stack.url("")
        feed = [u for u in out if u.endswith("/demo.xml")]
        self.assertEqual(len(feed), 1, out)
        self.assertIn(b"/premium_media/", self.feed(feed[0][len(base):]).body)
        link = cli("links", "--config", self.stack.config_path, "--user", "alice@example.com",
                   "--file", "episode-1").stdout.strip()
        self.assertTrue(link.startswith(base + "/premium_media/"), link)
        self.assert_file(self.request(link[len(base):]), self.demo["files"]["episode-1"][3])
        bad = cli("links", "--config", self.stack.config_path, "--user", "nobody@example.com",
                  check=False)
        self.assertEqual((bad.returncode, bad.stdout), (4, ""))
        self.assertIn("no such user", bad.stderr)


def main():
    run_stack_tests(os.path.join(REPO, "build", "mediagate"))


if __name__ == "__main__":
    main()
