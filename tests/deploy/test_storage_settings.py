"""Production settings of the many-server deployment: S3 storages from the environment, the
shared search backend, `check --deploy` passing, and no private prefix inside the public one."""

import pytest

from tests.website.test_settings import PRODUCTION_ENV, run_manage

S3_ENV = {
    **PRODUCTION_ENV,
    "AWS_STORAGE_BUCKET_NAME": "zc-media",
    "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
    "SEARCH_BACKEND": "postgres",
}

SHOW = (
    "from django.conf import settings as s; import json; "
    "print(json.dumps([s.STORAGES['default'], s.STORAGES['private'], "
    "s.WAGTAILSEARCH_BACKENDS['default']['BACKEND'], s.SERVE_PUBLIC_MEDIA]))"
)


def test_s3_storages_and_shared_search_come_from_the_environment():
    import json

    result = run_manage("shell", "-c", SHOW, env=S3_ENV)
    assert result.returncode == 0, result.stderr
    public, private, backend, serve = json.loads(result.stdout.strip().splitlines()[-1])
    assert public["BACKEND"] == private["BACKEND"] == "storages.backends.s3.S3Storage"
    assert public["OPTIONS"]["bucket_name"] == private["OPTIONS"]["bucket_name"] == "zc-media"
    assert public["OPTIONS"]["endpoint_url"] == "http://127.0.0.1:9000"
    assert (public["OPTIONS"]["location"], private["OPTIONS"]["location"]) == ("media", "private")
    assert public["OPTIONS"]["querystring_auth"] is False
    assert private["OPTIONS"]["default_acl"] == "private"
    assert private["OPTIONS"]["querystring_auth"] is True
    assert backend == "pg_jieba.backend" and serve is False


def test_check_deploy_passes_with_s3_and_shared_search():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=S3_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "locations", [("", "private"), ("files", "files/private"), ("media/private", "media")]
)
def test_private_files_never_under_the_public_prefix(locations):
    public, private = locations
    env = {**S3_ENV, "AWS_LOCATION": public, "AWS_PRIVATE_LOCATION": private}
    result = run_manage("check", env=env)
    assert result.returncode != 0 and "AWS_PRIVATE_LOCATION" in result.stderr
    # A bucket of their own is fine whatever the prefixes.
    result = run_manage("check", env={**env, "AWS_PRIVATE_BUCKET_NAME": "zc-private"})
    assert result.returncode == 0, result.stderr
