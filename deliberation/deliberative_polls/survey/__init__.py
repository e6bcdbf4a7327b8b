"""The deliberative poll's statistics (공론조사): pure functions over plain data, no database.

A poll asks the same questions twice, at T1 (before information and deliberation) and at T2 (after),
linked per participant. The web layer reads the answers from the database into ``Participant``
records (or a test builds them by hand) and this package returns the published figures:

- ``questions``: the question kinds and the validation of one answer;
- ``raking``: weights to population margins by iterative proportional fitting;
- ``stats``: distributions, the paired change (t-test and Wilcoxon), McNemar, Stuart-Maxwell,
  weighted statistics (statsmodels ``DescrStatsW``), the difference-in-differences with a control;
- ``panel``: attrition, representativeness, the suppression of small subgroups;
- ``report``: everything for a poll in one JSON-serialisable dict;
- ``exports``: the tables and the anonymised responses as CSV.

docs/juries.md, "The deliberative poll's statistics", says which method was chosen and why.
"""
