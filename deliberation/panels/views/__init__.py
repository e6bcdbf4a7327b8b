"""The pages of the pool, the draws and the invitations."""
