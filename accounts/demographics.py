"""Profile fields as groups: the age bands every module uses (table balancing, vote breakdowns, panels)."""

from datetime import date

# (lowest age, label); a band runs to the next band's lowest age. Under 18 is its own band.
AGE_BANDS = ((0, "0-17"), (18, "18-29"), (30, "30-39"), (40, "40-49"), (50, "50-59"), (60, "60-69"), (70, "70+"))


def age_band(birth_year: int | None, today: date | None = None) -> str:
    """The age band of someone born in ``birth_year`` (age counted as this year minus birth year); "" if unknown."""
    if not birth_year:
        return ""
    age = (today or date.today()).year - birth_year
    label = AGE_BANDS[0][1]
    for lowest, name in AGE_BANDS:
        if age >= lowest:
            label = name
    return label
