"""How votes are counted: pure functions over plain data, shared by the web tally and `manage.py tally`.

No database here: a tally reads ballots (from the database, or from a .pb / .blt / CVR file) and
returns an outcome with the details a results page publishes. Arithmetic is exact (integers and
fractions.Fraction), and every tie is broken by a published, deterministic rule.
"""
