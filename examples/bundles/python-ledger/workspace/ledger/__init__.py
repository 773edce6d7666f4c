"""A household ledger: plain-text entries in, account balances out."""
