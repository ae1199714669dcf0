"""Pure helpers of the phone channel (no ORM): phone numbers and the telephony webhook's signature."""
