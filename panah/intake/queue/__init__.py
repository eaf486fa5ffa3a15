"""The queue: order with ageing and skills, overflow, who is at the console, and callbacks."""
