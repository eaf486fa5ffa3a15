"""Statistics of the service: figures by Jalali period and dimension (issue 18). Read only."""
