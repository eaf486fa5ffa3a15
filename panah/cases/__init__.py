"""Cases: clients, case files, services, transfers between provinces, consent."""
