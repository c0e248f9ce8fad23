"""Two web servers, one PostgreSQL, one Redis, one S3-compatible store: what one publishes or
issues the other serves, finds and verifies at once.

Each server is gunicorn with production settings and a local var/ of its own; the database is a
dedicated one (test_two_servers, dropped afterwards), Redis a dedicated DB number, S3 a
moto_server process on 127.0.0.1, search pg_jieba (SEARCH_BACKEND=postgres). Runs on
PostgreSQL; in CI (CI=true) a missing Redis or moto is a failure, not a skip.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.website.test_production_serving import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
DATABASE = "test_two_servers"
REDIS_DB = 13
BUCKET = "zc-shared"

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the two-server deployment shares PostgreSQL (run with DATABASE_URL=postgres://…)",
)

PUBLIC_READ_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{BUCKET}/media/*",
        }
    ],
}

NOTICE = """关于开展2026年度测绘地理信息系列职称评审工作的通知

各有关单位：
    为做好塔什库尔干测绘队等单位专业技术人员的职称评审工作，现将有关事项通知如下。
一、申报时间
    2026年3月1日至2026年3月20日。
二、联系方式
    联系人：王老师，电话：0991-3757772。

乌鲁木齐市头屯河区人力资源和社会保障局
2026年2月1日
"""


def missing(what: str) -> None:
    """Skip locally; in CI every part of the deployment must be there."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI: {what}")
    pytest.skip(what)


class Client:
    """A browser-like HTTP client for one server: cookies kept by hand, since production marks
    them Secure and these servers speak plain HTTP on 127.0.0.1."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        head = {"Host": "127.0.0.1", **(headers or {})}
        if self.cookies:
            head["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=head)
        response = conn.getresponse()
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";")[0]
        conn.close()
        return response.status, dict(response.getheaders()), data

    def get(self, path: str):
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict[str, str]):
        fields = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **fields}
        return self.request(
            "POST",
            path,
            urllib.parse.urlencode(fields).encode(),
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": "http://127.0.0.1/"},
        )


def csrf_token(html: bytes) -> str:
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no CSRF token in the form"
    return match.group(1).decode()


def _admin_dsn() -> dict:
    db = settings.DATABASES["default"]
    return {
        "host": db.get("HOST") or "127.0.0.1",
        "port": db.get("PORT") or 5432,
        "user": db.get("USER") or "postgres",
        "password": db.get("PASSWORD") or None,
    }


def _sql(statement: str) -> None:
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **_admin_dsn()) as conn:
        conn.execute(statement)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    try:
        import boto3
        import moto.server  # noqa: F401
        import redis
    except ImportError as error:
        missing(f"the two-server test needs moto[server], boto3 and redis: {error}")
    try:
        redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB, socket_timeout=2).flushdb()
    except redis.RedisError as error:
        missing(f"no Redis on 127.0.0.1:6379: {error}")

    tmp = tmp_path_factory.mktemp("two-servers")
    processes: list[subprocess.Popen] = []
    s3_port = free_port()
    moto = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from moto.server import main; main()",
            "-H",
            "127.0.0.1",
            "-p",
            str(s3_port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    processes.append(moto)
    dsn = _admin_dsn()
    _sql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    _sql(f"CREATE DATABASE {DATABASE}")
    try:
        wait_for_port(s3_port, moto, 30)
        endpoint = f"http://127.0.0.1:{s3_port}"
        s3 = boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            region_name="us-east-1",
        )
        s3.create_bucket(Bucket=BUCKET)
        # The README's bucket policy: anyone may read the public prefix, nothing else.
        s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(PUBLIC_READ_POLICY))
        password = dsn["password"] or ""
        auth = dsn["user"] + (f":{password}" if password else "")
        common = {
            k: v
            for k, v in os.environ.items()
            if k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL")
        }
        common.update(
            DJANGO_SETTINGS_MODULE="website.settings.production",
            SECRET_KEY="two-servers-" + "k3y-" * 15,
            SIGNING_KEK="Zk9yLXRlc3RzLW9ubHktMzItYnl0ZXMta2V5LWhlcmU=",
            ID_HASH_KEY="two-servers-id-hash-key",
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL_REDIRECT="0",
            DATABASE_URL=f"postgres://{auth}@{dsn['host']}:{dsn['port']}/{DATABASE}",
            REDIS_URL=f"redis://127.0.0.1:6379/{REDIS_DB}",
            SEARCH_BACKEND="postgres",
            AWS_STORAGE_BUCKET_NAME=BUCKET,
            AWS_S3_ENDPOINT_URL=endpoint,
            AWS_S3_REGION_NAME="us-east-1",
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            # The build's collected static files (a release artifact, not runtime state).
            STATIC_ROOT=str(tmp / "static"),
            DJANGO_SUPERUSER_PASSWORD="two-servers-admin-pw",
            WEB_CONCURRENCY="1",
        )
        envs = {}
        for name in ("a", "b"):
            (tmp / name).mkdir()
            envs[name] = {**common, "VAR_DIR": str(tmp / name)}

        def manage(name: str, *args: str, stdin: str | None = None) -> str:
            result = subprocess.run(
                [sys.executable, "manage.py", *args],
                cwd=ROOT,
                env=envs[name],
                capture_output=True,
                text=True,
                timeout=600,
                input=stdin,
            )
            assert result.returncode == 0, f"manage.py {args}: {result.stderr[-3000:]}"
            return result.stdout + result.stderr

        manage("a", "migrate", "--noinput", "-v", "0")
        manage("a", "collectstatic", "--noinput", "-v", "0")
        manage("a", "createsuperuser", "--noinput", "--username", "admin", "--email", "a@x.cn")
        demo = manage("a", "load_demo")
        servers = {}
        for name in ("a", "b"):
            port = free_port()
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "website.wsgi"],
                cwd=ROOT,
                env={**envs[name], "GUNICORN_BIND": f"127.0.0.1:{port}"},
                stdout=subprocess.DEVNULL,
                stderr=open(tmp / f"{name}.log", "wb"),
            )
            processes.append(process)
            servers[name] = port
        for name, port in servers.items():
            wait_for_port(port, processes[-2 if name == "a" else -1])
        yield {
            "a": servers["a"],
            "b": servers["b"],
            "manage": manage,
            "demo": demo,
            "s3": s3,
            "endpoint": endpoint,
            "tmp": tmp,
        }
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        _sql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        import redis

        redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB).flushdb()


def test_each_server_has_its_own_var_and_nothing_shared_lands_there(cluster):
    for name in ("a", "b"):
        var = cluster["tmp"] / name
        stored = [p for p in var.rglob("*") if p.is_file()]
        assert not [p for p in stored if p.suffix == ".pdf"], stored
        assert not (var / "search").exists() and not (var / "db.sqlite3").exists()


def test_a_notice_published_on_one_server_is_served_and_found_on_the_other(cluster):
    a, b = Client(cluster["a"]), Client(cluster["b"])
    query = "/search/?q=" + urllib.parse.quote("塔什库尔干")
    # B answers (and its shared page cache keeps) the search before the notice exists.
    status, _headers, html = b.get(query)
    assert status == 200 and "测绘地理信息系列".encode() not in html

    source = cluster["tmp"] / "notice.txt"
    source.write_text(NOTICE, encoding="utf-8")
    out = cluster["manage"]("a", "import_notice", str(source), "--authority", "toutunhe")
    page_id = re.search(r"（ID (\d+)", out).group(1)

    # An editor publishes the draft through server A's admin.
    status, _h, login = a.get("/admin/login/")
    assert status == 200
    status, headers, _ = a.post_form(
        "/admin/login/",
        {"username": "admin", "password": "two-servers-admin-pw", "next": "/admin/"},
    )
    assert status == 302, "login failed"
    action = f"/admin/bulk/wagtailcore/page/publish/?id={page_id}&next=/admin/"
    status, _h, form = a.get(action)
    assert status == 200
    status, _h, _ = a.post_form(action, {"csrfmiddlewaretoken": csrf_token(form)})
    assert status == 302
    published = time.monotonic()

    # B serves it: found by search and its own page, within a second.
    # (Had A's publish not purged the shared page cache, B would keep serving the empty page.)
    polls = 0
    while True:
        polls += 1
        status, _h, html = b.get(query)
        elapsed = time.monotonic() - published
        if "测绘地理信息系列".encode() in html or elapsed > 5:
            break
        time.sleep(0.02)
    print(f"\npublish on A → found by search on B: {elapsed * 1000:.0f} ms ({polls} requests)")
    assert "测绘地理信息系列".encode() in html
    assert elapsed < 1.0, f"found on B only after {elapsed:.2f} s"
    link = re.search(rb'href="(/[^"]*)"[^>]*>[^<]*<mark>', html) or re.search(
        rb'<a[^>]+href="(/[^"?]+/)"[^>]*>\s*[^<]*\xe6\xb5\x8b\xe7\xbb\x98', html
    )
    assert link, "no result link"
    status, _h, page = b.get(link.group(1).decode())
    assert status == 200 and "塔什库尔干测绘队".encode() in page


def test_a_certificate_issued_on_one_server_downloads_and_verifies_on_the_other(cluster):
    """load_demo issued the demo document through server A's installation (its own var/):
    the certificate PDF lives in the private store, the keys in the shared database."""
    demo = cluster["demo"]
    match = re.search(r"演示证书下载：姓名 (\S+)，身份证号 (\w+)", demo)
    assert match, demo[-2000:]
    name, id_number = match.groups()

    b = Client(cluster["b"])
    status, _h, form = b.get("/certificates/download/")
    assert status == 200
    status, _h, listing = b.post_form(
        "/certificates/download/",
        {"csrfmiddlewaretoken": csrf_token(form), "name": name, "id_number": id_number},
    )
    assert status == 200
    links = re.findall(rb'href="(/certificates/download/[^"/]+/)"', listing)
    assert links, listing.decode()[-2000:]
    status, headers, pdf = b.get(links[0].decode())
    assert status == 200 and pdf.startswith(b"%PDF")

    a = Client(cluster["a"])
    for server in (a, b):
        status, _h, body = server.request(
            "POST", "/api/v1/verify/pdf", pdf, {"Content-Type": "application/pdf"}
        )
        assert status == 200
        verdict = json.loads(body)
        assert verdict["verdict"] == "valid", verdict

    # Private files stay private: private ACL, never under the public prefix; public media
    # (the approval document's PDF) is a plain URL anyone can fetch.
    s3 = cluster["s3"]
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
    certificates = [k for k in keys if k.startswith("private/approvals/certificates/")]
    assert certificates and not [k for k in keys if "certificates" in k and k.startswith("media/")]
    grants = s3.get_object_acl(Bucket=BUCKET, Key=certificates[0])["Grants"]
    assert not [g for g in grants if "AllUsers" in g["Grantee"].get("URI", "")]
    status, _h, body = b.get("/api/v1/documents/")
    documents = json.loads(body)
    pdf_url = next(d["pdf_url"] for d in documents["results"] if d.get("pdf_url"))
    assert (
        pdf_url.startswith(cluster["endpoint"] + f"/{BUCKET}/media/") and "Signature" not in pdf_url
    )
    assert anonymous_get(pdf_url)[0] == 200 and anonymous_get(pdf_url)[1].startswith(b"%PDF")
    status, _body = anonymous_get(f"{cluster['endpoint']}/{BUCKET}/{certificates[0]}")
    assert status == 403


def anonymous_get(url: str) -> tuple[int, bytes]:
    """A GET without credentials, straight to the S3 server."""
    parsed = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    conn.request("GET", parsed.path)
    response = conn.getresponse()
    return response.status, response.read()
