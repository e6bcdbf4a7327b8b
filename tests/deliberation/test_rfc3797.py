"""RFC 3797: the key string and the hashes of the RFC's fully worked example (section 6)."""

import pytest

from deliberation.panels.sortition import rfc3797

# Section 6: the public values of the example and the 16 digests it publishes (index 0 to 15).
EXAMPLE = "9319 / 2 5 12 8 10 / 9 18 26 34 41 45"
EXAMPLE_KEY = "9319./2.5.8.10.12./9.18.26.34.41.45./"
EXAMPLE_DIGESTS = """
990DD0A5692A029A98B5E01AA28F3459 3691E55CB63FCC37914430B2F70B5EC6 FE814EDF564C190AC1D25753979990FA
1863CCACEB568C31D7DDBDF1D4E91387 F4AB33DF4889F0AF29C513905BE1D758 13EAEB529F61ACFB9A29D0BA3A60DE4A
992DB77C382CA2BDB9727001F3CDCCD9 63AB4258ECA922976811C7F55C383CE7 DFBC5AC97CED01B3A6E348E3CC63F40D
31CB111C4A4EBE9287CEAE16FE51B909 07FA46C122F164C215BBC72793B189A3 AC52F8D75CCBE2E61AFEB3387637D501
53306F73E14FC0B2FBF434218D25948E B5D1403501A81F9A47318BE7893B347C 85B10B356AA06663EF1B1B407765100A
3269E6CE559ABD57E2BA6AAB495EB9BD
""".split()
# The ten selected of the 25 volunteers, in the order selected (Lee, Doc, Mary, Charity, Kasczynski,
# Envy, Sneazy, Anger, Chastity, Pandora).
EXAMPLE_SELECTED = [17, 7, 2, 16, 25, 23, 8, 24, 19, 13]


def test_example_key_string_sorts_each_source_and_joins_with_periods_and_slashes():
    assert rfc3797.key_from_text(EXAMPLE) == EXAMPLE_KEY
    assert rfc3797.key_string([["9319"], [2, 5, 12, 8, 10], [9, 18, 26, 34, 41, 45]]) == EXAMPLE_KEY


@pytest.mark.parametrize("index", range(16))
def test_example_digests_match_the_rfc(index):
    assert rfc3797.digest(EXAMPLE_KEY, index).hex().upper() == EXAMPLE_DIGESTS[index]


def test_example_selects_the_rfcs_ten_of_twenty_five():
    assert rfc3797.select(EXAMPLE_KEY, range(1, 26), 10) == EXAMPLE_SELECTED


def test_values_are_canonical_decimals_without_leading_or_trailing_zeros():
    assert rfc3797.key_from_text("007, 04.50, 0, 12.0") == "0.4.5.7.12./"


def test_a_single_number_is_a_test_draws_one_source_key():
    assert rfc3797.key_from_text("42") == "42./"


@pytest.mark.parametrize("text", ["", "1 2 / / 3", "lotto", "-5", "1/2/x"])
def test_unreadable_public_values_are_refused(text):
    with pytest.raises(rfc3797.PublicValuesError):
        rfc3797.key_from_text(text)
