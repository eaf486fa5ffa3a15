"""Planning: Nowruz forecasts, staffing, post positioning and simulation."""
