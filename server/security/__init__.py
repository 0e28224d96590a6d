"""Sign-in, sessions, CSRF and the security headers every response carries."""
