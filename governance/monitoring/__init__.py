"""governance.monitoring"""
