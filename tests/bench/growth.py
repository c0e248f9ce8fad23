"""Growth: cost against work size, a fitted line per series and a verdict computed from it.

``./dev bench`` measures each series at several sizes (publicity names, searchable pages,
certificates); this module turns the figures into a fitted line (fixed cost + cost per unit,
least squares) and a verdict. "Linear or better" means that between every two neighbouring
sizes the cost grew at most as fast as the size: the growth exponent
``log(cost ratio) / log(size ratio)`` is at most 1 (plus ``TOLERANCE`` for a shared machine's
noise). A fixed cost makes the exponent fall below 1; a cost that grows with the square of
the size shows an exponent near 2.

It also holds the one adapter to the issuance benchmark (``issuance``).
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass

TOLERANCE = 0.1


@dataclass
class Series:
    """One cost measured at several sizes, e.g. publicity CPU per request against names."""

    name: str
    unit: str  # what the size counts: "names", "pages", "certificates"
    cost_unit: str  # "ms", "s", "KB"
    sizes: list[int]
    costs: list[float]

    def fit(self) -> dict:
        """Least-squares line ``fixed + per_unit × size``, growth exponents between neighbouring
        sizes and the verdict."""
        n = len(self.sizes)
        mean_s = sum(self.sizes) / n
        mean_c = sum(self.costs) / n
        spread = sum((s - mean_s) ** 2 for s in self.sizes)
        per_unit = (
            sum((s - mean_s) * (c - mean_c) for s, c in zip(self.sizes, self.costs, strict=True))
            / spread
            if spread
            else 0.0
        )
        exponents = [
            growth_exponent(s1, c1, s2, c2)
            for (s1, c1), (s2, c2) in zip(
                zip(self.sizes, self.costs, strict=True),
                zip(self.sizes[1:], self.costs[1:], strict=True),
                strict=False,
            )
        ]
        linear = all(e <= 1 + TOLERANCE for e in exponents)
        return {
            "fixed": mean_c - per_unit * mean_s,
            "per_unit": per_unit,
            "exponents": exponents,
            "verdict": "linear or better" if linear else "WORSE than linear",
        }

    def as_dict(self) -> dict:
        return {**asdict(self), **self.fit()}


def growth_exponent(size1: float, cost1: float, size2: float, cost2: float) -> float:
    """How fast the cost grew against the size between two sizes: 1 = proportional."""
    if cost1 <= 0 or cost2 <= 0:
        return 0.0 if cost2 <= cost1 else math.inf
    return math.log(cost2 / cost1) / math.log(size2 / size1)


def fmt_number(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}" if abs(value) >= 0.1 else f"{value:.3g}"


def growth_table(series: list[Series]) -> str:
    """The growth table (Markdown), one row per series."""
    lines = [
        "| series | sizes | cost | fitted line | exponents | verdict |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for one in series:
        fit = one.fit()
        sizes = " / ".join(f"{s:,}" for s in one.sizes)
        costs = " / ".join(fmt_number(c) for c in one.costs)
        sign = "+" if fit["per_unit"] >= 0 else "−"
        line = (
            f"{fmt_number(fit['fixed'])} {one.cost_unit} {sign} "
            f"{fmt_number(abs(fit['per_unit']) * 1000)} {one.cost_unit} per 1,000 {one.unit}"
        )
        exponents = ", ".join(f"{e:.2f}" for e in fit["exponents"])
        lines.append(
            f"| {one.name} | {sizes} {one.unit} | {costs} {one.cost_unit} | {line} "
            f"| {exponents} | {fit['verdict']} |"
        )
    return "\n".join(lines)


def issuance(n_certificates: int, processes: int) -> dict:
    """Issue one document of ``n_certificates`` on ``processes`` processes: ``cpu_ms_per_cert``,
    ``certs_per_s``, ``wall_s``. Needs Django set up on a scratch database. The one adapter to
    the issuance benchmark (its ``run_issuance``)."""
    from tests.bench.issuance_bench import run_issuance

    return run_issuance(n_certificates, processes)


def issuance_series(sizes: list[int], processes: int, repeats: int) -> list[dict]:
    """Median of ``repeats`` issuances at each size (by CPU per certificate)."""
    rows = []
    for size in sizes:
        runs = []
        for _ in range(repeats):
            started = time.monotonic()
            runs.append(issuance(size, processes))
            print(
                f"  [issuance] {size} certificates: {runs[-1]['cpu_ms_per_cert']} ms CPU each, "
                f"{runs[-1]['certs_per_s']}/s ({time.monotonic() - started:.0f} s)",
                flush=True,
            )
        runs.sort(key=lambda run: run["cpu_ms_per_cert"])
        rows.append({**runs[len(runs) // 2], "runs": runs})
    return rows
