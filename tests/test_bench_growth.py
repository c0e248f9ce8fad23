"""The growth table's arithmetic (tests.bench.growth): fitted line and verdict."""

import pytest

from tests.bench.growth import Series, growth_exponent, growth_table


def test_a_fixed_cost_plus_a_cost_per_unit_is_fitted_and_linear_or_better():
    sizes = [300, 3000, 10000]
    series = Series("publicity", "names", "ms", sizes, [12.5 + 0.0083 * s for s in sizes])
    fit = series.fit()
    assert fit["fixed"] == pytest.approx(12.5)
    assert fit["per_unit"] == pytest.approx(0.0083)
    # The fixed cost keeps the cost growing slower than the size.
    assert all(e < 1 for e in fit["exponents"])
    assert fit["verdict"] == "linear or better"


def test_a_cost_growing_with_the_square_of_the_size_is_worse_than_linear():
    sizes = [1000, 10000, 50000]
    fit = Series("search", "pages", "ms", sizes, [1 + 1e-6 * s * s for s in sizes]).fit()
    assert fit["exponents"][-1] > 1.5
    assert fit["verdict"] == "WORSE than linear"


def test_one_superlinear_step_is_enough_for_the_verdict():
    fit = Series("x", "pages", "ms", [1, 10, 100], [10, 20, 400]).fit()
    assert fit["exponents"] == pytest.approx([0.301, 1.301], abs=1e-3)
    assert fit["verdict"] == "WORSE than linear"


def test_proportional_growth_has_exponent_one_and_a_cost_that_falls_has_none_above():
    assert growth_exponent(100, 2.0, 1000, 20.0) == pytest.approx(1.0)
    assert growth_exponent(100, 2.0, 1000, 1.0) < 0
    assert Series("x", "c", "s", [100, 1000], [2.0, 1.0]).fit()["verdict"] == "linear or better"


def test_the_table_shows_sizes_costs_fitted_line_and_verdict():
    text = growth_table([Series("publicity page", "names", "ms", [300, 3000], [15.0, 39.0])])
    row = text.splitlines()[-1]
    assert "300 / 3,000 names" in row
    assert "15.0 / 39.0 ms" in row
    assert "12.3 ms + 8.89 ms per 1,000 names" in row
    assert row.endswith("| linear or better |")
