"""The one date and time style of Korean pages: 2026년 12월 3일 오후 11:15 (see docs/i18n.md).

Django's own Korean DATETIME_FORMAT puts the time before 오전/오후 ("11:15 오후"); Korean writes 오후 first.
Templates use these by name (``|date:"DATETIME_FORMAT"``, ``"DATE_FORMAT"``, ``"TIME_FORMAT"``), never a
pattern of their own; machine-readable values (``datetime`` attributes, CSV, JSON) stay ISO 8601.
"""

DATE_FORMAT = "Y년 n월 j일"
TIME_FORMAT = "A g:i"
DATETIME_FORMAT = "Y년 n월 j일 A g:i"
SHORT_DATE_FORMAT = "Y. n. j."
SHORT_DATETIME_FORMAT = "Y. n. j. A g:i"
MONTH_DAY_FORMAT = "n월 j일"
YEAR_MONTH_FORMAT = "Y년 n월"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
