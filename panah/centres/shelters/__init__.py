"""Shelters for women and girls (خانهٔ امن): the facility, its rooms and beds, and who may
know where it is (issue 17)."""
