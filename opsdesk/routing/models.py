"""Routing: agents' presence, capacity and skills, and each team's way of handing out tickets."""
