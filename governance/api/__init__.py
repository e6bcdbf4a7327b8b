"""governance.api"""
