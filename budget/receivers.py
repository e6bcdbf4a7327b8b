"""What budget/ hears from the apps below it and what it adds to their pages (connected in
``BudgetConfig.ready()``). Each package adds its own import here."""
from budget.committee import receivers as committee_receivers  # noqa: F401,E402 - the room page panel
from budget.execution import receivers as execution_receivers  # noqa: F401,E402
