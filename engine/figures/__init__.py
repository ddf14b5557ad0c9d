"""The figures: reports, recognition of mentors, exports, computed from the records with the rules applied.
May import: `definition`, `records`, `rules` and `engine.errors`; the service calls them inside its sessions."""
