"""The voting pages: thin views that parse input, ask rules, and call services and selectors.

``public`` (the list, a vote's page, casting, results), ``manage`` (creating and running votes),
``exports`` (results and ballots in open formats).
"""
