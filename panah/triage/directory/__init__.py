"""The directory of partner agencies and services: ranking (model), look-ups (queries) and API
shapes (schemas).
"""
