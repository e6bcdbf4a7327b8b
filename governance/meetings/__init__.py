"""governance.meetings"""
