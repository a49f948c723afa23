-- Version 11 → 12: the number of users, and of each organization's memberships, kept by
-- triggers in the writing transaction (as the audit counters are). The unfiltered users and
-- members pages subtract the few hidden (deleted or system) users from these instead of
-- counting every user and membership on each request.
CREATE TABLE user_total (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO user_total SELECT 1, count(*) FROM users;
CREATE TABLE organization_member_counts (
    organization_id TEXT PRIMARY KEY,
    n               INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO organization_member_counts
SELECT organization_id, count(*) FROM organization_members GROUP BY organization_id;
CREATE TRIGGER user_total_insert AFTER INSERT ON users
BEGIN
    UPDATE user_total SET n = n + 1;
END;
CREATE TRIGGER user_total_delete AFTER DELETE ON users
BEGIN
    UPDATE user_total SET n = n - 1;
END;
CREATE TRIGGER organization_member_counts_insert AFTER INSERT ON organization_members
BEGIN
    INSERT INTO organization_member_counts VALUES (NEW.organization_id, 1)
    ON CONFLICT (organization_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER organization_member_counts_delete AFTER DELETE ON organization_members
BEGIN
    UPDATE organization_member_counts SET n = n - 1 WHERE organization_id = OLD.organization_id;
END;
CREATE TRIGGER organization_member_counts_update AFTER UPDATE OF organization_id
    ON organization_members
BEGIN
    UPDATE organization_member_counts SET n = n - 1 WHERE organization_id = OLD.organization_id;
    INSERT INTO organization_member_counts VALUES (NEW.organization_id, 1)
    ON CONFLICT (organization_id) DO UPDATE SET n = n + 1;
END;
