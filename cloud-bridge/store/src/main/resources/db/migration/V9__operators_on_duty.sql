-- Operators on duty as the last resort of every alert that reaches nobody (issue 17). Portable
-- between SQLite and PostgreSQL like V1-V8.

-- How an operator is reached, on the same channels as a home's people (sms, email, webhook), and
-- whether they are on duty now. Only enabled administrators and centre operators on duty are used.
ALTER TABLE operators ADD COLUMN on_duty BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE operators ADD COLUMN phone VARCHAR(32);
ALTER TABLE operators ADD COLUMN email VARCHAR(255);
ALTER TABLE operators ADD COLUMN webhook TEXT;

-- The last fallback an escalation went to: centre_on_duty, administrators_on_duty,
-- fallback_recipients, or nobody (even the last resort was empty). NULL while the home's policy
-- reaches someone. An alert with one is listed unassigned: the console must see it.
ALTER TABLE escalations ADD COLUMN fallback VARCHAR(32);
-- The step whose every message failed that the fallbacks were last tried for: round:step:failures.
-- Tried again only when more of that step's messages failed (the fallback's own, say).
ALTER TABLE escalations ADD COLUMN failed_over VARCHAR(64);

-- Why a message went to this recipient, for a fallback: which step reached nobody and which
-- fallback was used. NULL for a message the policy itself sent.
ALTER TABLE deliveries ADD COLUMN reason VARCHAR(500);
