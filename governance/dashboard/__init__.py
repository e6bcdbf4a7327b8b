"""governance.dashboard"""
