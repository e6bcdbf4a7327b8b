"""p-values as the report pages write them (frontend/templatetags/figures.py)."""

import pytest

from frontend.templatetags.figures import p_value


@pytest.mark.parametrize(("value", "shown"), [
    (0.0342, "p = 0.034"), (0.25, "p = 0.250"), (0.001, "p = 0.001"), (0.000999, "p < 0.001"),
    (1.2e-05, "p < 0.001"), (0.0, "p < 0.001"), (1.0, "p = 1.000"), (None, "p = —"), ("", "p = —"),
    (float("nan"), "p = —"),
])
def test_a_p_value_is_never_zero_or_scientific(value, shown):
    assert p_value(value) == shown
