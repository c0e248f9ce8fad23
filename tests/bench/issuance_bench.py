"""Benchmark: certificates issued per second (render + sign + store, end to end).

``bench_issuance(n)`` issues one approval document of `n` persons on the current database and
reports it next to the bare cost of signing a one-page PDF with pyHanko, measured in the same
run (``bench_signing`` below). Run inside a Django test database or a scratch one:

    .venv/bin/python -c "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE',
        'website.settings.dev'); django.setup(); from tests.bench.issuance_bench import
        bench_issuance; print(bench_issuance(100))"
"""

from __future__ import annotations

import datetime as dt
import os
import time


def bench_issuance(n: int = 100, workers: int | None = None) -> dict:
    """Issue `n` certificates once; return throughput and the bare signing baseline."""
    from approvals.crypto.keys import ensure_demo_keys
    from approvals.issuing.issue import default_workers, issue_approval
    from approvals.models import ApprovalDocument, ApprovedPerson
    from website.demo import ensure_authorities
    from website.identity import check_digit, from_id_number

    authority = ensure_authorities()["urumqi"]
    ensure_demo_keys()
    # A year of its own so repeated runs never collide with real numbers.
    document = ApprovalDocument.objects.create(
        authority=authority,
        title=f"基准测试 {n} 人",
        addressees="各有关单位",
        body="基准测试。",
        date=dt.date(2099, 1, 1),
    )
    persons = []
    for i in range(n):
        first17 = f"650102{1970 + i % 30}0{1 + i % 9}1{i % 9}{i % 1000:03d}"
        stored = from_id_number(first17 + check_digit(first17))
        persons.append(
            ApprovedPerson(
                document=document,
                sort_order=i,
                name="王小明",
                gender=stored["gender"],
                unit="新疆某某建设工程有限公司",
                series="工程系列",
                specialty="建筑工程",
                qualification="工程师",
                level="中级",
                id_hash=stored["id_hash"],
                id_masked=stored["id_masked"],
            )
        )
    ApprovedPerson.objects.bulk_create(persons)
    baseline = bench_signing(5)
    workers = workers or default_workers()
    start = time.perf_counter()
    issue_approval(document, workers=workers)
    elapsed = time.perf_counter() - start
    per_certificate = elapsed / n
    return {
        "certificates": n,
        "workers": workers,
        "cpus": os.cpu_count(),
        "seconds": round(elapsed, 2),
        "certificates_per_second": round(n / elapsed, 2),
        "seconds_per_certificate": round(per_certificate, 4),
        "bare_sign_s": round(baseline["bare_sign_s"], 4),
        "render_and_sign_s": round(baseline["render_and_sign_s"], 4),
        "ratio_to_bare_sign": round(per_certificate / baseline["bare_sign_s"], 2),
    }


def bench_signing(n: int = 10, signing_key=None) -> dict:
    """Median seconds for (a) bare pyHanko signing of a one-page PDF and (b) render + sign of a
    one-page certificate, over ``n`` runs each, after one warm-up (font and key loaded)."""
    import datetime as dt
    import statistics
    import time

    from approvals.crypto.keys import ensure_demo_keys
    from approvals.crypto.signing import sign_pdf, sign_rendered
    from approvals.pdf.certificate import CertificateData, render_certificate

    if signing_key is None:
        signing_key = ensure_demo_keys()[0]
    authority = signing_key.authority
    data = CertificateData(
        certificate_number="BENCH-000001",
        name="王小明",
        gender="男",
        id_number="650102********1234",
        unit="新疆某某建设工程有限公司",
        series="工程系列",
        specialty="建筑工程",
        qualification="工程师",
        level="中级",
        committee="工程系列中级专业技术职务任职资格评审委员会",
        approval_number="新经开人社〔2024〕12号",
        obtained_date=dt.date(2024, 9, 1),
        issuer_name=authority.name,
        seal_text=authority.seal_text,
        seal_purpose=authority.seal_purpose,
        issue_date=dt.date(2024, 9, 10),
        verify_url="https://example.cn/verify/?t=" + "x" * 200,
    )
    plain = render_certificate(data, draw_seal=False)

    def bare() -> None:
        sign_pdf(plain.data, signing_key, reason="bench")

    def full() -> None:
        sign_rendered(render_certificate(data, draw_seal=False), signing_key, reason="bench")

    results = {}
    for label, fn in (("bare_sign_s", bare), ("render_and_sign_s", full)):
        fn()
        times = []
        for _ in range(n):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        results[label] = statistics.median(times)
    results["runs"] = n
    return results
