"""Citizens' juries and consensus conferences: verdicts, recommendations, seating; built on rooms and panels."""
