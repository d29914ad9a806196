"""A candidate's doorstroomtraject: phases, the personal plan (PDP) with its actions, the placement
with an instrument, aftercare, and the agenda of what is due (issue 14)."""
