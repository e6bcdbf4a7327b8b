"""Drawing panels by lot: the standing pool, draws, invitations, the reserve, and the pure ``sortition/`` core."""
