-- 0010: where an officer's notifications are e-mailed (rules.md §11 "events that reach officers"): set by
-- the account itself or an admin (POST /api/v1/accounts/LOGIN/email, or anbei account email). NULL: none.
ALTER TABLE accounts ADD COLUMN email TEXT;
