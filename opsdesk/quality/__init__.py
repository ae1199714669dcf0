"""Quality and the customer's voice (issue 14): QA scorecards and reviews, CSAT / NPS / CES surveys."""
