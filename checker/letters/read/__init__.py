"""Reading IMR letters with clinical NLP (medspaCy): the case summary into request fields."""
