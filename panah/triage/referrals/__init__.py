"""Referrals to partner agencies: the lifecycle (model), the use cases (service), hand-over
documents (exchange, export) and API shapes (schemas).
"""
