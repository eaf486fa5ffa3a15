"""Follow-up calls owed after a contact closes: the rules (model), the use cases (service) and
API shapes (schemas).
"""
