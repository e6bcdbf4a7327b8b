"""Ballots and participatory budgets (issue 4). Not built yet."""
