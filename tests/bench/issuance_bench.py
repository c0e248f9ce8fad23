"""Benchmark: certificates issued per second (render + sign + store, end to end).

``run_issuance(n, processes)`` issues one approval document of ``n`` persons on the current
database with ``processes`` worker processes and reports CPU time per certificate with
everything included (the parent's database work and the document PDF, the workers' rendering
and signing, the storage writes: ``getrusage`` of this process and of its reaped children),
certificates per second of wall time, and the wall time. ``bench_issuance(n)`` runs it for 100
and ``n`` certificates on 2 processes next to the bare cost of signing a one-page PDF with
pyHanko measured in the same run (``bench_signing``). Run inside a Django test database or a
scratch one:

    .venv/bin/python -c "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE',
        'website.settings.dev'); django.setup(); from tests.bench.issuance_bench import
        bench_issuance; print(bench_issuance(1000))"
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import time


def _cpu_seconds() -> float:
    """CPU time (user + system) of this process and of every child it has reaped."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def _document(n: int):
    from approvals.crypto.keys import ensure_demo_keys
    from approvals.models import ApprovalDocument, ApprovedPerson
    from tests.factories import ApprovedPersonFactory
    from website.demo import ensure_authorities

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
    ApprovedPerson.objects.bulk_create(
        ApprovedPersonFactory.build(document=document, sort_order=i) for i in range(n)
    )
    return document


def _warm_up() -> None:
    """What a long-running worker process loads once, not per document: the fonts and jieba's
    dictionary (about 3 s of CPU together)."""
    from approvals.pdf.common import words
    from website.pdf.fonts import register_font

    register_font()
    words("职称评审")


def run_issuance(n_certificates: int, processes: int = 2) -> dict:
    """Issue one document of ``n_certificates`` persons with ``processes`` workers; CPU per
    certificate all included, certificates per second (wall) and the wall time. The process's
    one-time loading (:func:`_warm_up`) happens before the clock starts."""
    from approvals.issuing.issue import issue_approval

    _warm_up()
    document = _document(n_certificates)
    cpu = _cpu_seconds()
    start = time.perf_counter()
    issue_approval(document, workers=processes)
    wall = time.perf_counter() - start
    cpu = _cpu_seconds() - cpu
    return {
        "certificates": n_certificates,
        "processes": processes,
        "cpus": os.cpu_count(),
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "cpu_ms_per_cert": round(cpu * 1000 / n_certificates, 1),
        "certs_per_s": round(n_certificates / wall, 1),
        # What two cores would reach if nothing else ran on them (the machine is shared).
        "certs_per_s_on_2_cores_cpu": round(2 * n_certificates / cpu, 1),
    }


def bench_issuance(n: int = 1000, processes: int = 2) -> dict:
    """Issuance of 100 and ``n`` certificates on ``processes`` processes, with the bare signing
    baseline measured in the same run."""
    baseline = bench_signing(5)
    runs = [run_issuance(size, processes) for size in sorted({100, n})]
    largest = runs[-1]
    return {
        "runs": runs,
        "cpu_ms_per_cert": largest["cpu_ms_per_cert"],
        "certs_per_s": largest["certs_per_s"],
        "bare_sign_ms": round(baseline["bare_sign_s"] * 1000, 1),
        "render_and_sign_ms": round(baseline["render_and_sign_s"] * 1000, 1),
        "ratio_to_bare_sign": round(
            largest["cpu_ms_per_cert"] / (baseline["bare_sign_s"] * 1000), 2
        ),
    }


def bench_signing(n: int = 10, signing_key=None) -> dict:
    """Median CPU seconds for (a) bare pyHanko signing of a one-page PDF and (b) render + sign
    of a one-page certificate, over ``n`` runs each, after one warm-up (font and key loaded)."""
    import statistics

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
        seal_text=authority.seal_name,
        seal_purpose=authority.seal_purpose,
        seal_shape=authority.seal_shape,
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
            start = time.process_time()
            fn()
            times.append(time.process_time() - start)
        results[label] = statistics.median(times)
    results["runs"] = n
    return results
