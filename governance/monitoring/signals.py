"""What citizen monitoring tells the rest of governance (the dashboard's tallies), after the write commits."""

from django.dispatch import Signal

# Sent with ``rating`` (a MonitorRating) once a monitor's rating is stored.
rating_published = Signal()
# Sent with ``rating`` once the department's reply to it is stored.
rating_replied = Signal()
