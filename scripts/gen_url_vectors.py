#!/usr/bin/python3
"""Generate premium-link vectors with Django's real storage, reverse() and resolve().

Run (Debian's python3-django 3.2, not a pyenv/venv interpreter):

    /usr/bin/python3 scripts/gen_url_vectors.py tests/vectors/file_names.json

Minted vectors follow an upload through a Django site built like the seed
article's: FileSystemStorage.generate_filename (get_valid_filename: spaces to
'_', everything but '-', Python's \\w and '.' dropped) saves the name, and
reverse() of the seed's exact re_path puts it in the link, percent-encoded.
Hand-written vectors are raw file-name segments (or whole paths) Django never
mints: other encodings of the same names, and what must stay refused.

`minted` is true when Django itself makes the link: the upload's saved name
through reverse(), and the empty name (reverse() accepts file_name="").
For every vector `django_resolves` is what resolve() answers for the path as a
WSGI server hands it over (PATH_INFO = the percent-decoded bytes as latin-1,
then Django's own get_path_info). `mediagate` is the rejection name mediagate
must give ("none" = accepted): for minted names always "none"; for the
hand-written ones it is stated next to each case (README "Request URIs").
Output is deterministic: fixed inputs, fixed order, sorted keys.
"""
import os
import tempfile
import unicodedata
from urllib.parse import quote, unquote_to_bytes

import django
from django.conf import settings

SEED_PATTERN = (r"^premium_media/(?P<uidb64>[-\w]*)/(?P<fileid>[-\w]*)/(?P<token>[-\w]*)/"
                r"(?P<file_name>[\w.]{0,256})$")
settings.configure(SECRET_KEY="unused-placeholder", ROOT_URLCONF=__name__, USE_I18N=False)
django.setup()

from django.core.exceptions import SuspiciousFileOperation  # noqa: E402
from django.core.files.storage import FileSystemStorage  # noqa: E402
from django.core.handlers.wsgi import get_path_info  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import NoReverseMatch, Resolver404, re_path, resolve, reverse  # noqa: E402
from django.urls.resolvers import RFC3986_SUBDELIMS  # noqa: E402
from django.utils.encoding import force_bytes  # noqa: E402
from django.utils.http import urlsafe_base64_encode  # noqa: E402
from vector_file import write_vectors  # noqa: E402


def premium_media(request, uidb64, fileid, token, file_name):
    return HttpResponse()


urlpatterns = [re_path(SEED_PATTERN, premium_media, name="premium_media")]

EMAIL = "a@example.com"
UID = urlsafe_base64_encode(force_bytes(EMAIL))
FILE_ID = "42"
TOKEN = "cizf6t-3e6c858482244559c647e861a1fdba91"   # FACTS.md's Django token vector
PREFIX = "/premium_media"
MAX_URI_BYTES = 2048                                  # mediagate's default url.max_uri_bytes
STORAGE = FileSystemStorage(location=tempfile.mkdtemp(prefix="gen-url-vectors-"))

NFD = unicodedata.normalize

# (vector name, the name as uploaded). Many scripts, spaces, accents in NFC and
# NFD (Django drops combining marks: they are not \w), digits of other scripts.
UPLOADS = [
    ("ascii", "episode_1.mp3"),
    ("ascii-space", "Episode 1.mp3"),
    ("ascii-dash", "my-episode.mp3"),            # saved, but '-' is not in [\w.]
    ("double-dot-inside", "a..mp3"),
    ("three-dots", "..."),
    ("french-nfc", "Épisode 1.mp3"),
    ("french-nfd", NFD("NFD", "Épisode 1.mp3")),
    ("french-apostrophe", "L'été à Montréal.mp3"),
    ("german", "Folge 3 – Größe & Maß.mp3"),
    ("spanish", "Año nuevo, señor.mp3"),
    ("portuguese", "Canção nº 2.mp3"),
    ("polish", "Zażółć gęślą jaźń.mp3"),
    ("turkish", "İstanbul'da ışık.mp3"),
    ("vietnamese-nfc", "Tập một.mp3"),
    ("vietnamese-nfd", NFD("NFD", "Tập một.mp3")),
    ("greek", "Επεισόδιο 1.mp3"),
    ("greek-nfd", NFD("NFD", "Επεισόδιο 1.mp3")),
    ("russian", "Выпуск 1.mp3"),
    ("ukrainian", "Випуск ї і є.mp3"),
    ("armenian", "Դրվագ 1.mp3"),
    ("georgian", "ეპიზოდი 1.mp3"),
    ("arabic", "الحلقة ١.mp3"),                  # Arabic-Indic digit
    ("persian", "قسمت ۲.mp3"),                   # extended Arabic-Indic digit
    ("hebrew", "פרק 1.mp3"),
    ("hebrew-niqqud", "שָׁלוֹם.mp3"),                # points are marks: dropped
    ("hindi", "भाग १.mp3"),                      # Devanagari digit; vowel signs dropped
    ("bengali", "পর্ব ৩.mp3"),
    ("tamil", "அத்தியாயம் ௪.mp3"),
    ("thai", "ตอนที่ ๑.mp3"),                     # Thai digit; tone marks dropped
    ("ethiopic", "ክፍል 1.mp3"),
    ("chinese", "第一集.mp3"),
    ("chinese-long-94", "播" * 90 + ".mp3"),     # FileField's max_length is 100
    ("japanese", "エピソード１.mp3"),              # fullwidth digit
    ("japanese-nfd", NFD("NFD", "エピソード１.mp3")),  # dakuten as combining marks
    ("korean", "에피소드 1.mp3"),
    ("korean-nfd-jamo", NFD("NFD", "에피소드 1.mp3")),  # conjoining jamo are letters
    ("roman-numeral", "Chapter Ⅻ.mp3"),          # Nl
    ("superscript-fraction", "x² ½.mp3"),         # No
    ("emoji", "🎙 Episode.mp3"),                  # symbols dropped
    ("ascii-256", "a" * 252 + ".mp3"),           # the pattern's {0,256} limit
]

# (vector name, raw file-name segment, mediagate's answer). Encodings Django does
# not mint, and segments that must stay refused.
SEGMENTS = [
    ("empty", "", "none"),
    ("single-dot", ".", "none"),
    ("dot-dot", "..", "dot_segment"),
    ("encoded-dot-dot", "%2E%2E", "dot_segment"),
    ("mixed-dot-dot", ".%2e", "dot_segment"),
    ("lowercase-hex", "%c3%89pisode_1.mp3", "none"),
    ("raw-utf8", "Épisode_1.mp3", "none"),
    ("nfd-combining-mark", "E%CC%81pisode_1.mp3", "none"),
    ("encoded-space", "Episode%201.mp3", "none"),
    ("encoded-dash", "my%2Depisode.mp3", "none"),
    ("raw-sub-delims", "a+b=c;d,e!$&'()*:@~.mp3", "none"),
    ("encoded-query-and-hash", "a%3Fb%23c.mp3", "none"),
    ("encoded-percent", "100%25.mp3", "none"),
    ("double-encoded-slash", "a%252Fb.mp3", "none"),
    ("emoji-encoded", "%F0%9F%8E%99_Episode.mp3", "none"),
    ("bidi-override", "a%E2%80%AEb.mp3", "none"),
    ("noncharacter", "a%EF%BF%BF.mp3", "none"),
    ("ascii-257", "a" * 253 + ".mp3", "bad_file_name"),
    ("e-acute-256", "%C3%A9" * 252 + ".mp3", "none"),   # characters, not bytes, count
    ("e-acute-257", "%C3%A9" * 253 + ".mp3", "bad_file_name"),
    ("encoded-slash", "a%2Fb.mp3", "encoded_slash"),
    ("encoded-slash-lower", "a%2fb.mp3", "encoded_slash"),
    ("encoded-nul", "a%00b.mp3", "control_char"),
    ("encoded-lf", "a%0Ab.mp3", "control_char"),
    ("encoded-cr-lf-header", "a%0D%0ASet-Cookie:x.mp3", "control_char"),
    ("encoded-tab", "a%09b.mp3", "control_char"),
    ("encoded-del", "a%7Fb.mp3", "control_char"),
    ("encoded-c1-nel", "a%C2%85b.mp3", "control_char"),
    ("lone-lead-byte", "a%C3.mp3", "bad_file_name_encoding"),
    ("lone-continuation", "a%89.mp3", "bad_file_name_encoding"),
    ("truncated-3-byte", "a%E3%81.mp3", "bad_file_name_encoding"),
    ("invalid-byte-ff", "a%FF.mp3", "bad_file_name_encoding"),
    ("latin1-e-acute", "%C9pisode.mp3", "bad_file_name_encoding"),
    ("overlong-slash", "a%C0%AFb.mp3", "bad_file_name_encoding"),
    ("overlong-dot-3-byte", "%E0%80%AE%E0%80%AE", "bad_file_name_encoding"),
    ("overlong-nul", "a%C0%80b.mp3", "bad_file_name_encoding"),
    ("surrogate", "a%ED%A0%80.mp3", "bad_file_name_encoding"),
    ("above-u10ffff", "a%F4%90%80%80.mp3", "bad_file_name_encoding"),
    ("malformed-escape", "a%G1.mp3", "bad_file_name_encoding"),
    ("truncated-escape", "a.mp3%4", "bad_file_name_encoding"),
    ("trailing-percent", "a.mp3%", "bad_file_name_encoding"),
]

# (vector name, path, mediagate's answer): the other segments keep their strict
# grammar even where Django's resolver decodes them.
PATHS = [
    ("encoded-file-id", f"{PREFIX}/{UID}/%34%32/{TOKEN}/episode_1.mp3", "percent_encoded"),
    ("encoded-token-dash", f"{PREFIX}/{UID}/{FILE_ID}/{TOKEN.replace('-', '%2D')}/e.mp3",
     "percent_encoded"),
    ("encoded-slash-before-name", f"{PREFIX}/{UID}/{FILE_ID}%2F{TOKEN}/e.mp3", "percent_encoded"),
    ("extra-segment", f"{PREFIX}/{UID}/{FILE_ID}/{TOKEN}/dir/e.mp3", "wrong_shape"),
]


def link(file_name):
    """reverse() of the seed's urlpattern, or None on NoReverseMatch."""
    try:
        return reverse("premium_media", kwargs={"uidb64": UID, "fileid": FILE_ID,
                                                "token": TOKEN, "file_name": file_name})
    except NoReverseMatch:
        return None


def django_file_name(path):
    """The file_name Django's resolver passes to the view for `path` as a WSGI
    server delivers it, or None when the link is a 404."""
    environ = {"PATH_INFO": unquote_to_bytes(path).decode("iso-8859-1")}
    try:
        match = resolve(get_path_info(environ))
    except Resolver404:
        return None
    return match.kwargs["file_name"] if match.url_name == "premium_media" else None


def vector(name, path, mediagate, upload=None, saved=None, minted=False):
    resolved = django_file_name(path)
    segment = path.rsplit("/", 1)[1]
    try:
        decoded = unquote_to_bytes(segment).decode("utf-8")
    except UnicodeDecodeError:
        decoded = None
    if minted:
        assert resolved == saved, (name, resolved, saved)
        assert mediagate == "none", name
    if resolved is not None and mediagate == "none":
        assert decoded == resolved, (name, decoded, resolved)
    return {"name": name, "upload": upload, "saved": saved, "minted": minted, "path": path,
            "django_resolves": resolved is not None,
            "file_name": decoded if mediagate == "none" else None, "mediagate": mediagate}


def build():
    out = []
    for name, upload in UPLOADS:
        try:
            saved = os.path.basename(STORAGE.generate_filename(upload))
        except SuspiciousFileOperation:
            raise AssertionError(f"{name}: Django refuses to save {upload!r}")
        path = link(saved)
        minted = path is not None
        if not minted:   # the seed cannot mint it; a wider urlpattern would, as quote() does
            path = f"{PREFIX}/{UID}/{FILE_ID}/{TOKEN}/" + reverse_quote(saved)
        out.append(vector(f"upload-{name}", path, "none", upload, saved, minted))
    for name, segment, mediagate in SEGMENTS:
        path = f"{PREFIX}/{UID}/{FILE_ID}/{TOKEN}/{segment}"
        # Storage never saves an empty name, but reverse() mints the link for one.
        minted = segment == "" and link("") == path
        out.append(vector(f"segment-{name}", path, mediagate, saved="" if minted else None,
                          minted=minted))
    for name, path, mediagate in PATHS:
        out.append(vector(f"path-{name}", path, mediagate))
    return out


def reverse_quote(name):
    """How reverse() quotes a path (django.urls.resolvers, RFC 3986 pchar)."""
    return quote(name, safe=RFC3986_SUBDELIMS + "/~:@")


def main():
    vectors = build()
    # Known answer (the example): Django saves and links Épisode 1.mp3 so.
    assert link("Épisode_1.mp3").endswith("/%C3%89pisode_1.mp3")
    assert link("").endswith(f"/{TOKEN}/")
    write_vectors({"generator": "scripts/gen_url_vectors.py", "django": django.get_version(),
                   "pattern": SEED_PATTERN, "prefix": PREFIX, "max_uri_bytes": MAX_URI_BYTES,
                   "vectors": vectors})


if __name__ == "__main__":
    main()
