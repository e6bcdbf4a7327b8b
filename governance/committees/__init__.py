"""governance.committees"""
