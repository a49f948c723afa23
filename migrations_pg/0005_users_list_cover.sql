-- The user list's index also carries the username itself: PostgreSQL reads an index on an
-- expression (lower(username)) without visiting the table only when the columns the
-- expression uses are in the index too. Counting the users after a cursor, and finding a
-- page's ids, then stay in the index (the count after a cursor on 10,000 users: 4.0 -> 1.3 ms).
DROP INDEX users_list;
CREATE INDEX users_list ON users (is_system, lower(username), id) INCLUDE (username)
    WHERE deleted = 0;
