"""Live deliberation rooms (issue 3): timed rounds over WebSockets. Not built yet."""
