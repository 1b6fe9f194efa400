"""Data access: plain parameterised SQL, one module per aggregate. Only this package writes SQL."""
