"""What governance hears from the other apps: each package adds its receivers here (connected in ready())."""
