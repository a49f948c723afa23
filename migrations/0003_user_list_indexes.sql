-- Version 2 → 3: the users list and member pages walk live users in username order without
-- reading the table, and their counts subtract the few hidden (deleted or system) users.
CREATE INDEX IF NOT EXISTS users_list ON users (is_system, lower(username), id) WHERE deleted = 0;
CREATE INDEX IF NOT EXISTS users_hidden ON users (id) WHERE deleted <> 0 OR is_system <> 0;
