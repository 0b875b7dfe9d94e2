"""Who may do what: roles and permissions, users, API tokens."""
