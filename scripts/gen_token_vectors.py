#!/usr/bin/python3
"""Generate password-reset token test vectors with Django's real token code.

Run (Debian's python3-django 3.2, not a pyenv/venv interpreter):

    /usr/bin/python3 scripts/gen_token_vectors.py tests/vectors/tokens.json
    /usr/bin/python3 scripts/gen_token_vectors.py > tests/vectors/tokens.json

Tokens are minted by django.contrib.auth.tokens.PasswordResetTokenGenerator
(make_token / _make_token_with_timestamp) with _make_hash_value overridden to
render the vector's template and _now overridden to return the naive local
wall-clock time of a fixed unix instant in the vector's time zone.

`valid` is what Django answers at check_at:
  * accept_legacy false: Django 4.2/5.x check_token, emulated below on top of
    the 3.2 primitives (SECRET_KEY_FALLBACKS, no legacy handling);
  * accept_legacy true: Django 3.2's real check_token (primary secret only),
    which also accepts legacy sha1 hashes and day-count timestamps.
Output is deterministic: fixed inputs, no randomness.
"""
import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import django
from django.conf import settings

settings.configure(SECRET_KEY="unused-placeholder", PASSWORD_RESET_TIMEOUT=259200,
                   DEFAULT_HASHING_ALGORITHM="sha256")

from django.contrib.auth.tokens import PasswordResetTokenGenerator  # noqa: E402
from django.utils.crypto import constant_time_compare  # noqa: E402
from django.utils.http import base36_to_int  # noqa: E402
from vector_file import write_vectors  # noqa: E402

DEFAULT_SALT = "django.contrib.auth.tokens.PasswordResetTokenGenerator"
SEED_TEMPLATE = "{id}{is_paysubscribed}{uuid}{status}"
DEFAULT_TEMPLATE = "{pk}{password}{last_login}{ts}{email}"
PLACEHOLDER = re.compile(r"\{(\w+)\}")

S1 = "test-secret-key"
S2 = "sécret-ключ-密钥-🔑"
S3 = "django-insecure-$x=y$=a+b/c=="
S4 = "k9#v!2wq@8m*f&h^z0p%3r(t)y_u+i=o-l;e:s<d>g"
S5, S6, UNKNOWN = "rotated-secret-2", "rotated-secret-3", "attacker-guess"


def render(template, fields, ts):
    """mediagate's template semantics: single pass, {ts} -> decimal ts."""
    return PLACEHOLDER.sub(lambda m: str(ts) if m.group(1) == "ts" else fields[m.group(1)],
                           template)


class TemplateGenerator(PasswordResetTokenGenerator):
    def __init__(self, template, fields, tz, at, secret, algorithm, key_salt):
        self.secret, self.algorithm, self.key_salt = secret, algorithm, key_salt
        super().__init__()
        self.template, self.fields, self.tz, self.at = template, fields, tz, at

    def _make_hash_value(self, user, timestamp):
        return render(self.template, self.fields, timestamp)

    def _now(self):
        return datetime.fromtimestamp(self.at, ZoneInfo(self.tz)).replace(tzinfo=None)


class StubUser:
    def __init__(self, pk, password, last_login, email):
        self.pk, self.password, self.last_login, self.email = pk, password, last_login, email

    def get_email_field_name(self):
        return "email"


USER = StubUser(1, "x", None, "")  # truthy; the hash value comes from the template


def default_fields(user):
    login = "" if user.last_login is None else str(
        user.last_login.replace(microsecond=0, tzinfo=None))
    fields = {"pk": str(user.pk), "password": user.password, "last_login": login,
              "email": user.email or ""}
    real = PasswordResetTokenGenerator()
    for ts in (0, 757479845, 3153600000):  # template must equal Django's default
        assert render(DEFAULT_TEMPLATE, fields, ts) == real._make_hash_value(user, ts)
    return fields


def checker(v):
    return TemplateGenerator(v["template"], v["fields"], v["time_zone"], v["check_at"],
                             v["secret"], v["algorithm"], v["key_salt"])


def check_42(v, token):
    """Django 4.2/5.x PasswordResetTokenGenerator.check_token."""
    gen = checker(v)
    if not token:
        return False
    try:
        ts_b36, _ = token.split("-")
    except ValueError:
        return False
    try:
        ts = base36_to_int(ts_b36)
    except ValueError:
        return False
    for secret in [v["secret"], *v["fallbacks"]]:
        gen.secret = secret
        if constant_time_compare(gen._make_token_with_timestamp(USER, ts), token):
            break
    else:
        return False
    return (gen._num_seconds(gen._now()) - ts) <= v["timeout_seconds"]


def check_32(v, token):
    """Django 3.2's real check_token (accepts legacy sha1 / day-count tokens)."""
    assert not v["fallbacks"], "3.2 has no SECRET_KEY_FALLBACKS"
    settings.PASSWORD_RESET_TIMEOUT = v["timeout_seconds"]
    return checker(v).check_token(USER, token)


VECTORS = []
SEED = {"id": "42", "is_paysubscribed": str(True),
        "uuid": "3f2b8c1e-9d4a-4e7b-8a1c-5d6e7f809a1b", "status": "active"}
SEED_B = {"id": "7", "is_paysubscribed": str(False),
          "uuid": "00000000-0000-4000-8000-000000000000", "status": "cancelled"}
FACTS_USER = StubUser(42, "pbkdf2_sha256$260000$salt$hash=",
                      datetime(2024, 5, 1, 12, 34, 56, 789000, tzinfo=timezone.utc),
                      "a@example.com")
DFLT = default_fields(FACTS_USER)
DFLT_NONE = default_fields(StubUser(7, "argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdA$aGFzaA",
                                    None, ""))
DFLT_UNI = default_fields(StubUser(1001, "!unusable", datetime(2023, 12, 31, 23, 59, 59, 999999),
                                   "jürgen.müller@exämple.de"))


def at(s, tz="UTC"):
    """'YYYY-MM-DD HH:MM:SS' in tz -> unix seconds."""
    return int(datetime.fromisoformat(s).replace(tzinfo=ZoneInfo(tz)).timestamp())


T0 = at("2025-01-02 03:04:05")


def vec(name, expect, *, dflt=False, fields=None, make_at=T0, check_after=0, secret=S1,
        fallbacks=(), make_secret=None, algorithm="sha256", mint_algorithm=None,
        key_salt=DEFAULT_SALT, mint_salt=None, tz="UTC", timeout=259200, accept_legacy=False,
        mint_fields=None, legacy_days=False, token=None):
    """Add one vector; dflt selects Django's default template instead of the seed's."""
    template = DEFAULT_TEMPLATE if dflt else SEED_TEMPLATE
    fields = fields or (DFLT if dflt else SEED)
    make_secret = secret if make_secret is None else make_secret
    # minted: token is exactly make_token() with make_secret and this vector's own
    # algorithm, key_salt, template, fields, zone and make_at (so `token make` must
    # reproduce it byte for byte).
    minted = (token is None and not legacy_days and mint_fields is None
              and mint_algorithm in (None, algorithm) and mint_salt in (None, key_salt))
    if token is None:
        gen = TemplateGenerator(template, mint_fields or fields, tz, make_at, make_secret,
                                mint_algorithm or algorithm, mint_salt or key_salt)
        if legacy_days:  # pre-3.1 token: ts = local days since 2001-01-01, sha1
            days = gen._num_seconds(gen._now()) // 86400
            token = gen._make_token_with_timestamp(USER, days, legacy=True)
        else:
            token = gen.make_token(USER)
    v = dict(name=name, secret=secret, fallbacks=list(fallbacks), make_secret=make_secret,
             algorithm=algorithm, key_salt=key_salt, template=template, fields=dict(fields),
             time_zone=tz, timeout_seconds=timeout, make_at=make_at, token=token,
             check_at=make_at + check_after, accept_legacy=accept_legacy, minted=minted)
    v["valid"] = check_32(v, token) if accept_legacy else check_42(v, token)
    if not fallbacks and not accept_legacy and v["valid"]:
        assert check_32(v, token), name  # 3.2 accepts everything 4.2 accepts here
    assert v["valid"] == expect, (name, v["valid"])
    assert name not in {x["name"] for x in VECTORS}, name
    VECTORS.append(v)
    return v


def build():
    # FACTS vector: must reproduce the documented token exactly.
    assert DFLT["last_login"] == "2024-05-01 12:34:56" and base36_to_int("cizf6t") == 757479845
    good = vec("facts-default-template-utc", True, dflt=True)["token"]
    assert good == "cizf6t-3e6c858482244559c647e861a1fdba91", good
    vec("facts-checked-1-day-later", True, dflt=True, check_after=86400)
    vec("facts-checked-after-3-days-expired", False, dflt=True, check_after=259201)
    vec("default-template-no-last-login-no-email", True, dflt=True, fields=DFLT_NONE)
    vec("default-template-unicode-email", True, dflt=True, fields=DFLT_UNI, secret=S2)
    vec("default-template-password-changed", False, dflt=True,
        fields=dict(DFLT, password="new$hash="), mint_fields=DFLT)

    # Seed template, secrets, algorithms, key salts.
    for i, s in enumerate([S1, S2, S3, S4], 1):
        vec(f"seed-secret{i}-sha256", True, secret=s, check_after=60)
    vec("seed-secret3-sha1", True, secret=S3, algorithm="sha1")
    vec("default-secret2-sha1", True, dflt=True, secret=S2, algorithm="sha1")
    vec("seed-other-user", True, fields=SEED_B, check_after=5)
    vec("seed-status-changed", False, fields=dict(SEED, status="cancelled"), mint_fields=SEED)
    vec("seed-token-for-other-user", False, fields=SEED_B, mint_fields=SEED)
    vec("seed-wrong-secret", False, make_secret=S4)
    vec("seed-custom-key-salt", True, key_salt="mediagate.media-access")
    vec("default-custom-key-salt-unicode-sha1", True, dflt=True, algorithm="sha1",
        key_salt="myapp.tokens.Générateur")
    vec("seed-minted-with-other-key-salt", False, mint_salt="other.salt")
    vec("seed-sha256-token-sha1-config", False, algorithm="sha1", mint_algorithm="sha256")

    # SECRET_KEY_FALLBACKS (Django >= 4.1).
    fb = dict(secret=S1, fallbacks=[S5, S6])
    vec("fallbacks-minted-with-primary", True, **fb)
    vec("fallbacks-minted-with-1st-fallback", True, make_secret=S5, **fb)
    vec("fallbacks-minted-with-2nd-fallback", True, dflt=True, make_secret=S6, **fb)
    vec("fallbacks-minted-with-unknown-secret", False, make_secret=UNKNOWN, **fb)
    vec("fallbacks-2nd-fallback-expired", False, make_secret=S6, timeout=9, check_after=10, **fb)
    vec("fallbacks-unicode-fallback-sha1", True, secret=S3, fallbacks=[S2], make_secret=S2,
        algorithm="sha1")

    # Time zones: ts is the *local wall clock* seconds since 2001-01-01.
    for tz in ["UTC", "America/New_York", "Asia/Kolkata", "Europe/Berlin", "Pacific/Chatham"]:
        vec(f"tz-{tz.split('/')[-1].lower().replace('_', '-')}-seed", True, tz=tz,
            check_after=30)
    vec("tz-chatham-default-template-2100", True, dflt=True, make_at=at("2100-02-28 23:59:59"),
        tz="Pacific/Chatham")

    # DST transitions (timeout 1 hour): wall-clock arithmetic, not real elapsed time.
    ny_spring, ny_fall = at("2024-03-10 07:00:00"), at("2024-11-03 06:00:00")
    be_spring, be_fall = at("2024-03-31 01:00:00"), at("2024-10-27 01:00:00")
    NY, BE = "America/New_York", "Europe/Berlin"
    dst = [
        ("new-york-spring-forward-31min-real-91min-wall-expired", False, NY, ny_spring - 60, 1860),
        ("new-york-spring-forward-2s-real-3602s-wall-expired", False, NY, ny_spring - 1, 2),
        ("new-york-fall-back-75min-real-15min-wall-valid", True, NY, ny_fall - 1800, 4500),
        ("new-york-fall-back-check-earlier-wall-clock-valid", True, NY, ny_fall - 600, 1200),
        ("berlin-spring-forward-30min-real-90min-wall-expired", False, BE, be_spring - 900, 1800),
        ("berlin-fall-back-100min-real-40min-wall-valid", True, BE, be_fall - 1200, 6000),
        ("berlin-fall-back-same-instants-in-utc-expired", False, "UTC", be_fall - 1200, 6000)]
    for name, ok, tz, start, after in dst:
        vec("dst-" + name, ok, make_at=start, check_after=after, tz=tz, timeout=3600)

    # Expiry boundaries: expired iff (now - ts) > timeout.
    for after, ok in [(3599, True), (3600, True), (3601, False)]:
        vec(f"timeout-3600-check-after-{after}s", ok, timeout=3600, check_after=after)
    vec("timeout-0-same-second", True, timeout=0)
    vec("timeout-0-one-second-later", False, timeout=0, check_after=1)
    vec("timeout-3600-checked-before-minted", True, timeout=3600, check_after=-86400)
    y100 = dict(timeout=3153600000)
    vec("seed-100-year-timeout-50-years-later", True, check_after=50 * 365 * 86400, **y100)
    vec("seed-100-year-timeout-boundary", True, check_after=3153600000, **y100)
    vec("seed-100-year-timeout-boundary-plus-1", False, check_after=3153600001, **y100)

    # Legacy (Django < 3.1) tokens: sha1 hash, day-count timestamps.
    for legacy in (True, False):
        sfx, kw = ("accept-legacy" if legacy else "strict"), dict(accept_legacy=legacy)
        vec(f"legacy-sha1-token-sha256-config-{sfx}", legacy, mint_algorithm="sha1",
            check_after=60, **kw)
        vec(f"legacy-day-count-token-same-day-{sfx}", legacy, legacy_days=True,
            check_after=3600, **kw)
        vec(f"legacy-day-count-default-template-kolkata-{sfx}", legacy, dflt=True,  # local
            tz="Asia/Kolkata", legacy_days=True, make_at=at("2025-01-01 20:00:00"),  # date
            check_after=86400, **kw)  # is one day ahead of UTC here
    L = dict(accept_legacy=True)
    vec("legacy-day-count-3-days-boundary-valid", True, legacy_days=True,
        check_after=3 * 86400 + 7000, **L)
    vec("legacy-day-count-4-days-expired", False, legacy_days=True, check_after=4 * 86400, **L)
    vec("legacy-accept-normal-sha256-token", True, dflt=True, **L)
    vec("legacy-accept-normal-token-expired", False, timeout=3600, check_after=3601, **L)
    vec("legacy-accept-sha1-token-wrong-secret", False, mint_algorithm="sha1", make_secret=S4, **L)
    short = TemplateGenerator(SEED_TEMPLATE, SEED, "UTC", T0, S1, "sha256", DEFAULT_SALT)
    tok = short._make_token_with_timestamp(USER, 757479845 // 86400)  # sha256, 3-digit ts
    vec("legacy-short-ts-sha256-hash-treated-as-days-accept-legacy", True, token=tok, **L)
    vec("legacy-short-ts-sha256-hash-treated-as-days-strict", False, token=tok)

    # Tampered variants of the FACTS token, checked at the mint instant.
    ts_b36, hx = good.split("-")
    tampered = {
        "flipped-last-hex-digit": f"{ts_b36}-{hx[:-1]}{'0' if hx[-1] != '0' else '1'}",
        "hash-one-char-short": good[:-1], "hash-one-char-long": good + "0",
        "sha1-length-hash": f"{ts_b36}-{hx[:20]}", "uppercase-hex": f"{ts_b36}-{hx.upper()}",
        "uppercase-ts": f"{ts_b36.upper()}-{hx}", "extra-dash": f"{ts_b36}-{hx[:16]}-{hx[16:]}",
        "trailing-dash": good + "-", "empty-ts-side": f"-{hx}", "empty-hash-side": f"{ts_b36}-",
        "no-dash": ts_b36 + hx, "empty-token": "", "non-base36-ts": f"ciz!6t-{hx}",
        "ts-with-leading-space": f" {ts_b36}-{hx}", "ts-with-underscore": f"ci_zf6t-{hx}",
        "ts-leading-zero": f"0{ts_b36}-{hx}", "ts-plus-one": f"cizf6u-{hx}",
        "ts-13-digits-zero-padded": f"{ts_b36:0>13}-{hx}", "ts-14-digits": f"{ts_b36:0>14}-{hx}",
    }
    also_legacy = {"flipped-last-hex-digit", "uppercase-hex", "empty-ts-side", "ts-14-digits"}
    for label, tok in tampered.items():
        vec(f"tampered-{label}", False, dflt=True, token=tok)
        if label in also_legacy:
            vec(f"tampered-{label}-accept-legacy", False, dflt=True, token=tok, **L)


def main():
    build()
    write_vectors({"generator": "scripts/gen_token_vectors.py", "django": django.get_version(), "vectors": VECTORS})


if __name__ == "__main__":
    main()
