"""Pages the page cache did not send are gzipped for browsers that accept it; downloads and
what is compressed already pass untouched."""

import gzip
import io

from django.http import FileResponse, HttpResponse

from website.compression import GeneratedTextGZipMiddleware


def test_an_uncached_page_is_sent_gzipped_to_a_browser_that_accepts_it(client, home_page):
    plain = client.get("/")
    packed = client.get("/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 2


def test_gzip_headers_vary_from_response_to_response(client, home_page):
    """Django's BREACH mitigation stays: random bytes in each gzip header, so the compressed
    length of a page does not reveal what its secret shares with reflected input."""
    first = client.get("/", HTTP_ACCEPT_ENCODING="gzip").content
    lengths = {len(client.get("/", HTTP_ACCEPT_ENCODING="gzip").content) for _ in range(6)}
    assert len(lengths | {len(first)}) > 1


def _through(response, rf):
    middleware = GeneratedTextGZipMiddleware(lambda request: response)
    return middleware(rf.get("/", HTTP_ACCEPT_ENCODING="gzip"))


def test_downloads_and_binary_files_are_not_recompressed(rf):
    pdf = _through(FileResponse(io.BytesIO(b"%PDF-1.7 " * 100), content_type="application/pdf"), rf)
    assert "Content-Encoding" not in pdf
    image = _through(HttpResponse(b"\x89PNG" * 100, content_type="image/png"), rf)
    assert "Content-Encoding" not in image
    feed = _through(HttpResponse("<rss>" * 100, content_type="application/rss+xml"), rf)
    assert feed["Content-Encoding"] == "gzip"


def test_a_response_compressed_already_is_left_alone(rf):
    body = gzip.compress(b"<p>x</p>" * 100)
    response = HttpResponse(body, content_type="text/html; charset=utf-8")
    response["Content-Encoding"] = "gzip"
    assert _through(response, rf).content == body
