"""Finding a free bed that suits a client, and asking a shelter for it (issue 17)."""
