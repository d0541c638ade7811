"""Rows of the built-in schema (sql/001_init.sql: users, subscriptions, media;
sql/003_feeds.sql: shows, episodes),
written through a psql(sql) function. Token fields follow the hash value
"{id}{uuid}{link_generation}" that the demo and the tests configure.
"""
from collections import namedtuple

User = namedtuple("User", "email id uuid link_generation")
DAY = 86400


def sql_literal(value):
    return "NULL" if value is None else "'" + str(value).replace("'", "''") + "'"


def _period_end(seconds):
    """SQL for a period end `seconds` from now; None is NULL, and the strings
    "infinity" / "-infinity" are PostgreSQL's special timestamps."""
    if seconds in ("infinity", "-infinity"):
        return f"'{seconds}'::timestamptz"
    return "NULL" if seconds is None else f"now() + interval '{int(seconds)} seconds'"


def token_fields(user, link_generation=None):
    gen = user.link_generation if link_generation is None else link_generation
    return {"id": user.id, "uuid": user.uuid, "link_generation": gen}


class Schema:
    def __init__(self, psql):
        self.psql = psql

    def add_users(self, emails, status="active", period_end=30 * DAY, link_generation=None):
        """Users (created or kept) in one statement, each with a subscription of
        `status` ending period_end seconds from now (None: NULL); status None
        deletes their subscriptions. Returns their Users in order."""
        gen_col, gen_val, gen_set = "", "", ""
        if link_generation is not None:
            gen_col, gen_val = ", link_generation", f", {int(link_generation)}"
            gen_set = ", link_generation = EXCLUDED.link_generation"
        values = ", ".join(f"({sql_literal(e)}{gen_val})" for e in emails)
        if status is None:
            sub = "DELETE FROM mediagate_subscriptions WHERE user_id IN (SELECT id FROM u)"
        else:
            sub = ("INSERT INTO mediagate_subscriptions (user_id, status, current_period_end) "
                   f"SELECT id, {sql_literal(status)}, {_period_end(period_end)} FROM u "
                   "ON CONFLICT (user_id) DO UPDATE SET status = EXCLUDED.status, "
                   "current_period_end = EXCLUDED.current_period_end, updated_at = now()")
        rows = self.psql(
            f"WITH u AS (INSERT INTO mediagate_users (email{gen_col}) VALUES {values} "
            f"ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email{gen_set} "
            f"RETURNING id, email, uuid, link_generation), s AS ({sub}) "
            "SELECT id, email, uuid, link_generation FROM u")
        by_email = {}
        for line in rows.splitlines():
            uid, email, uuid, gen = line.split("|")
            by_email[email] = User(email, int(uid), uuid, int(gen))
        return [by_email[e] for e in emails]

    def add_user(self, email, status="active", period_end=30 * DAY, link_generation=None):
        return self.add_users([email], status, period_end, link_generation)[0]

    def set_subscription(self, user, status, period_end=30 * DAY):
        self.add_users([user.email], status, period_end)

    def add_media(self, file_id, object_key, version="1", title="", length=0,
                  mime_type="audio/mpeg"):
        self.psql(
            "INSERT INTO mediagate_media (id, object_key, version, title, length_bytes, "
            f"mime_type) VALUES ({sql_literal(file_id)}, {sql_literal(object_key)}, "
            f"{sql_literal(version)}, {sql_literal(title)}, {int(length)}, "
            f"{sql_literal(mime_type)}) ON CONFLICT (id) DO UPDATE SET object_key = "
            "EXCLUDED.object_key, version = EXCLUDED.version, title = EXCLUDED.title, "
            "length_bytes = EXCLUDED.length_bytes, mime_type = EXCLUDED.mime_type, "
            "updated_at = now()")
        return file_id

    def add_show(self, slug, title, description="", link="https://example.com/",
                 categories=("Technology",)):
        """A show (created or updated) with the fields Apple requires."""
        cats = "ARRAY[" + ", ".join(sql_literal(c) for c in categories) + "]::text[]"
        self.psql(
            "INSERT INTO mediagate_shows (slug, title, description, author, owner_name, "
            "owner_email, image_url, categories, link) VALUES "
            f"({sql_literal(slug)}, {sql_literal(title)}, {sql_literal(description)}, "
            "'mediagate demo', 'mediagate demo', 'owner@example.com', "
            f"'https://example.com/cover.jpg', {cats}, {sql_literal(link)}) "
            "ON CONFLICT (slug) DO UPDATE SET title = EXCLUDED.title, description = "
            "EXCLUDED.description, categories = EXCLUDED.categories, link = EXCLUDED.link, "
            "updated_at = now()")
        return slug

    def add_episode(self, show, guid, title, media_id, premium=True, public_in=None,
                    published_in=-3600, notes_html=""):
        """An episode (created or updated); public_in / published_in: seconds from
        now (negative: in the past; public_in None: premium for good)."""
        public_at = "NULL" if public_in is None else f"now() + interval '{int(public_in)} seconds'"
        self.psql(
            "INSERT INTO mediagate_episodes (show_slug, guid, title, notes_html, published_at, "
            "duration_seconds, media_id, premium, public_at) VALUES "
            f"({sql_literal(show)}, {sql_literal(guid)}, {sql_literal(title)}, "
            f"{sql_literal(notes_html)}, now() + interval '{int(published_in)} seconds', 60, "
            f"{sql_literal(media_id)}, {'true' if premium else 'false'}, {public_at}) "
            "ON CONFLICT (show_slug, guid) DO UPDATE SET title = EXCLUDED.title, notes_html = "
            "EXCLUDED.notes_html, published_at = EXCLUDED.published_at, media_id = "
            "EXCLUDED.media_id, premium = EXCLUDED.premium, public_at = EXCLUDED.public_at, "
            "updated_at = now()")
        return guid
